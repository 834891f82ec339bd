"""Render the book page's community section for threads of 100, 1,000 and 10,000 comments.

Why: the page must cost a constant number of queries whatever the thread's size,
and its time must grow no worse than linearly. Uses a throw-away test database
(in-memory SQLite by default, or a test_ copy of DATABASE_URL's database).

    .venv/bin/python bench/thread_render.py [--sizes 100 1000 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookclub.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from catalog.models import Book  # noqa: E402
from discussions.models import Comment, Thread  # noqa: E402
from discussions.models.threads import PATH_STEP  # noqa: E402


def build_thread(size: int, users: list, rng: random.Random, first_id: int) -> Book:
    """A thread of ``size`` comments of random shape: 70% replies to a random earlier one."""
    book = Book.objects.create(title=f"Bench {size}", slug=f"bench-{size}")
    thread = Thread.objects.create(book=book)
    now = timezone.now()
    comments: list[Comment] = []
    for n in range(size):
        pk = first_id + n
        parent = rng.choice(comments) if comments and rng.random() < 0.7 else None
        comment = Comment(
            pk=pk,
            thread=thread,
            parent_id=parent.pk if parent else None,
            root_id=parent.root_id if parent else pk,
            path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}",
            author=rng.choice(users),
            body=f"Comment {n} with *emphasis*",
            body_html=f"<p>Comment {n} with <em>emphasis</em></p>",
            created_at=now - timezone.timedelta(seconds=size - n),
        )
        comments.append(comment)
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        ids = [
            int(comment.path[i : i + PATH_STEP])
            for i in range(0, len(comment.path) - PATH_STEP, PATH_STEP)
        ]
        for ancestor_id in ids:
            by_id[ancestor_id].reply_count += 1
    Comment.objects.bulk_create(comments, batch_size=500)
    return book


def measure(client: Client, url: str, repeat: int) -> tuple[int, float, int]:
    client.get(url)  # warm template caches
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    rendered = response.content.decode().count('class="comment"')
    return len(queries), statistics.median(timings), rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(args.seed)
        User = get_user_model()
        users = [User.objects.create_user(username=f"bench{n}", password="x") for n in range(20)]
        client = Client()
        client.force_login(users[0])
        print(f"database: {connection.vendor}")
        # "newest" shows the latest top-level comments (few replies yet); "oldest"
        # shows the first ones, which hold most of a random tree: the worst case.
        print(f"{'size':>7} {'sort':>7} {'queries':>8} {'ms':>9} {'ms/comment':>11} {'on page':>8}")
        first_id = 1
        for size in args.sizes:
            book = build_thread(size, users, rng, first_id)
            first_id += size
            url = reverse("discussions:book_community", kwargs={"slug": book.slug})
            for sort in ("newest", "oldest"):
                queries, ms, rendered = measure(client, f"{url}?sort={sort}", args.repeat)
                print(
                    f"{size:>7} {sort:>7} {queries:>8} {ms:>9.1f} {ms / size:>11.4f} {rendered:>8}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
