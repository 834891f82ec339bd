#!/usr/bin/env python
"""Where a page's time goes: cProfile over repeated in-process requests on the bench database.

    .venv/bin/python bench/profile_page.py /books/book-00000-…/ --member member00001 -n 50
    .venv/bin/python bench/profile_page.py /books/book-00000-…/comments/ --member member00001 \
        --post body="A comment {n}"


Run bench/run.py once first (it builds the dataset and leaves it in place). The requests go
through Django's test client with the servers' production settings, so every middleware,
the Redis cache and the session store take part; the network and gunicorn do not.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench import environment  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--member", help="sign in as this member (username)")
    parser.add_argument("-n", type=int, default=50, help="requests to profile (default 50)")
    parser.add_argument("--top", type=int, default=30, help="functions to list (default 30)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument(
        "--post",
        action="append",
        metavar="FIELD=VALUE",
        help="POST these fields instead of GET ({n} in a value becomes the request's number, "
        "so every write is new); the posting rate limit is lifted for the run",
    )
    parser.add_argument("--queries", action="store_true", help="print one request's SQL")
    args = parser.parse_args(argv)

    environment.setup_django()
    from django.conf import settings

    if args.post:
        settings.POST_RATE_LIMIT = environment.THROUGHPUT_LIMITS["POST_RATE_LIMIT"]
    from django.db import connection
    from django.test import Client

    from bookclub.accounts.models import User

    client = Client()
    if args.member:
        client.force_login(User.objects.get(username=args.member))
    fields = dict(field.split("=", 1) for field in args.post or [])
    counter = iter(range(10**9))

    def request():
        if not args.post:
            return client.get(args.path)
        number = next(counter)
        data = {name: value.replace("{n}", str(number)) for name, value in fields.items()}
        return client.post(args.path, data)

    for _ in range(3):  # warm per-process caches and the shared cache, as a worker would
        response = request()
    if response.status_code not in (200, 302):
        print(f"{args.path} answered {response.status_code}", file=sys.stderr)
        return 1
    captured = []

    def capture(execute, sql, params, many, context):
        # execute_wrapper, not CaptureQueriesContext: the pooled connection is closed and
        # reopened within the request, which empties Django's own query log.
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "time": f"{time.perf_counter() - started:.4f}"})

    with connection.execute_wrapper(capture):
        request()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        request()
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{args.path}: {1000 * elapsed / args.n:.2f} ms per request under the profiler, "
        f"{len(captured)} queries, {len(response.content):,} bytes"
    )
    if args.queries:
        for query in captured:
            print(f"{query['time']:>6}s  {query['sql'][:300]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
