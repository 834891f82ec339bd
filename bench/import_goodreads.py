#!/usr/bin/env python
"""Import time and memory of a 5,000-row Goodreads export (issue #18: under 60 s, 200 MB).

    .venv/bin/python bench/import_goodreads.py                 # a fresh SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookclub_bench_import \
        .venv/bin/python bench/import_goodreads.py --rows 5000

Standalone, unlike bench/run.py: it migrates a database of its own (a temporary SQLite file
unless DATABASE_URL names one, which it empties first), fills a catalog of its own, writes
a Goodreads file with the export's real headers (40% of rows matched by ISBN, 20% by title
and author, 40% books the catalog lacks, with shelves, dates, ratings and reviews), then
runs the member import as the site does (the task runs in-process) and prints the seconds
taken, the peak memory of the process (getrusage) and, with --tracemalloc, the peak of
Python's own allocations during the import (slower: tracing costs time).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

TARGET_SECONDS, TARGET_MB = 60, 200


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookclub.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    if database_url.startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def _catalog(count: int):
    """count books with one author and one edition each (ISBN 978-0-00-…)."""
    from catalog.isbn import isbn13_with_check_digit
    from catalog.models import Author, Authorship, Book, Edition

    authors = Author.objects.bulk_create(
        Author(name=f"Author {n:04d}", slug=f"author-{n:04d}") for n in range(count // 5 + 1)
    )
    books = Book.objects.bulk_create(
        # bulk_create skips Book.save(), which derives the filing title matching relies on.
        Book(
            title=f"Catalog Book {n:05d}",
            slug=f"catalog-book-{n:05d}",
            sort_title=f"catalog book {n:05d}",
        )
        for n in range(count)
    )
    Authorship.objects.bulk_create(
        Authorship(book=book, author=authors[n // 5]) for n, book in enumerate(books)
    )
    Edition.objects.bulk_create(
        Edition(book=book, isbn13=isbn13_with_check_digit(f"97800{n:07d}"), pages=100 + n % 400)
        for n, book in enumerate(books)
    )
    return [(b.title, authors[n // 5].name, f"97800{n:07d}") for n, b in enumerate(books)]


def goodreads_file(rows: int, known: list[tuple[str, str, str]], seed: int = 18) -> str:
    from catalog.isbn import isbn13_with_check_digit
    from discussions.exporting import GOODREADS_HEADERS

    pick = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOODREADS_HEADERS)
    shelves = ["to-read", "currently-reading", "read", "read", "read", "did-not-finish"]
    for n in range(rows):
        kind = n % 5
        if kind < 2:  # matched by ISBN
            title, author, twelve = known[(2 * (n // 5) + kind) % (len(known) // 2)]
            isbn13 = isbn13_with_check_digit(twelve)
        elif kind == 2:  # matched by title and author
            title, author, _ = known[len(known) // 2 + (n // 5) % (len(known) // 2)]
            isbn13 = ""
        else:  # new to the catalog
            title, author = f"Imported Novel {n:05d} (Saga, #{n % 9 + 1})", f"Writer {n % 700}"
            isbn13 = isbn13_with_check_digit(f"97910{n:07d}") if n % 2 else ""
        status = shelves[n % len(shelves)]
        read = f"20{10 + n % 15}/{n % 12 + 1:02d}/{n % 28 + 1:02d}" if status == "read" else ""
        row = dict.fromkeys(GOODREADS_HEADERS, "")
        review = "A fine book.<br/>(view spoiler)[The end surprises.(hide spoiler)]"
        row.update(
            {
                "Book Id": str(n + 1),
                "Title": title,
                "Author": author,
                "ISBN": '=""',
                "ISBN13": f'="{isbn13}"',
                "My Rating": str(pick.randint(0, 5)) if status == "read" else "0",
                "Average Rating": "3.90",
                "Number of Pages": str(150 + n % 500),
                "Date Read": read,
                "Date Added": "2020/01/01",
                "Bookshelves": ", ".join(
                    s for s in (status, "favourites" if n % 7 == 0 else "") if s
                ),
                "Exclusive Shelf": status,
                "My Review": review if n % 4 == 0 else "",
                "Private Notes": "Lent to a friend." if n % 11 == 0 else "",
                "Read Count": "1" if read else "0",
                "Owned Copies": "0",
            }
        )
        writer.writerow([row[name] for name in GOODREADS_HEADERS])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--catalog", type=int, default=4000, help="books already in the catalog")
    parser.add_argument("--reviews", choices=["private", "public"], default="private")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python memory")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        _setup(os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench-import.sqlite3")
        from bookclub.accounts.models import User
        from discussions.models import LibraryImport
        from discussions.services.library_import import library_import_start

        known = _catalog(args.catalog)
        text = goodreads_file(args.rows, known)
        member = User.objects.create_user(username="importer", email="importer@example.org")
        print(f"{args.rows:,} rows, {len(text) / 1e6:.1f} MB of CSV, {args.catalog:,} books known")
        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        done = library_import_start(
            user=member, file_name="bench.csv", content=text, reviews=args.reviews
        )
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        done = LibraryImport.objects.get(pk=done.pk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        summary = done.summary
        print(
            f"status {done.status}: matched {summary.get('matched')}, created "
            f"{summary.get('created')}, skipped {len(summary.get('skipped', []))}, "
            f"rounded {len(summary.get('rounded', []))} {done.error}"
        )
        print(f"import: {seconds:.1f} s (target < {TARGET_SECONDS} s)")
        print(f"peak memory of the process: {peak:.0f} MB (target < {TARGET_MB} MB)")
        if traced is not None:
            print(f"peak Python allocations during the import: {traced:.0f} MB")
        ok = done.status == "done" and seconds < TARGET_SECONDS and peak < TARGET_MB
        print("within budget" if ok else "OVER BUDGET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
