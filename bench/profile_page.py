#!/usr/bin/env python
"""Where a page's time goes: cProfile over repeated in-process requests on the bench database.

    .venv/bin/python bench/profile_page.py /books/book-00000-…/ --member member00001 -n 50

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
    args = parser.parse_args(argv)

    environment.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bookclub.accounts.models import User

    client = Client()
    if args.member:
        client.force_login(User.objects.get(username=args.member))
    for _ in range(3):  # warm per-process caches and the shared cache, as a worker would
        response = client.get(args.path)
    if response.status_code != 200:
        print(f"{args.path} answered {response.status_code}", file=sys.stderr)
        return 1
    with CaptureQueriesContext(connection) as captured:
        client.get(args.path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{args.path}: {1000 * elapsed / args.n:.2f} ms per request under the profiler, "
        f"{len(captured.captured_queries)} queries, {len(response.content):,} bytes"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
