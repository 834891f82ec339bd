#!/usr/bin/env python
"""bookclub bench (issues #7, #14 and #16): one command, `.venv/bin/python bench/run.py`.

Builds the bench dataset on PostgreSQL, counts SQL queries per page, measures throughput and
latency with wrk against gunicorn in production settings (the bare /livez view as the ceiling),
then runs the integrity load on two app processes while PostgreSQL is stopped and started, and
checks the database and the rate limits afterwards; then loads them again while the bench's
own Redis is stopped and started (nobody signed out, no error, nothing stale); then with a
Celery worker sending to the bench's own mail server, while that refuses connections and
while the worker is killed (no email lost or sent twice, no 5xx). Prints Markdown
tables with a pass/fail per budget and check; exits 1 when any check fails. Logs go to
var/bench/.
"""

from __future__ import annotations

import argparse
import atexit
import fcntl
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the project root is what we want.
sys.path[0] = str(ROOT)

from bench import dataset, environment, faults, integrity, server  # noqa: E402
from bench.actions import FollowedComment  # noqa: E402
from bench.config import (  # noqa: E402
    EMAIL_FAULT_ACTIONS,
    OUTAGE_READ_PATH,
    QUERY_BUDGET,
    RATE_LIMIT_PROBES,
    REDIS_OUTAGE_COMMENT,
    REDIS_OUTAGE_PAGES,
    WRITE_ACTIONS,
    WRITE_P99_FACTOR,
)
from bench.postgres import CLUSTER  # noqa: E402
from bench.redis_server import REDIS  # noqa: E402
from bench.report import Report  # noqa: E402
from bench.throughput import measure_throughput, throughput_checks  # noqa: E402
from bench.verdicts import (  # noqa: E402
    email_fault_checks,
    integrity_checks,
    outage_checks,
    query_checks,
    redis_outage_checks,
)

TIME_LIMIT = 600  # seconds: the whole run, issue #7
THROUGHPUT_PORT = environment.PORT_BASE
INTEGRITY_PORTS = [environment.PORT_BASE + 1, environment.PORT_BASE + 2]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 members, 2 s per endpoint, 15 s integrity load, 3 s outage",
    )
    parser.add_argument(
        "--seconds", type=float, help="integrity load duration (default 60, --quick 15)"
    )
    parser.add_argument(
        "--wrk-seconds",
        type=float,
        help="wrk seconds per endpoint, over all rounds (default 9, --quick 2)",
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument(
        "--rounds", type=int, help="rounds over all endpoints (default 3, --quick 1)"
    )
    parser.add_argument(
        "--skip-faults", action="store_true", help="no PostgreSQL outage and no Redis outage"
    )
    parser.add_argument("--skip-redis-outage", action="store_true", help="no Redis outage")
    parser.add_argument(
        "--skip-email-faults",
        action="store_true",
        help="no email faults phase (mail server refusing connections, worker killed)",
    )
    parser.add_argument(
        "--smtp-seconds",
        type=float,
        default=10,
        help="how long the mail server refuses connections (default 10, issue #16)",
    )
    parser.add_argument(
        "--integrity-only",
        action="store_true",
        help="build the dataset (one size, no query counts), then only the integrity phase: "
        "load, outages, email faults",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="measure throughput only for endpoints whose name contains NAME (repeatable; "
        "the bare view is always measured) and skip the integrity load: for working on a page",
    )
    parser.add_argument(
        "--outage-seconds",
        type=float,
        help="how long PostgreSQL, and then Redis, stay stopped (default 5, --quick 3)",
    )
    parser.add_argument(
        "--cluster",
        default=CLUSTER.name,
        help="PostgreSQL cluster to use and restart (default: the bench's own, created once)",
    )
    parser.add_argument("--pg-port", type=int, default=CLUSTER.port, help="its port (5433)")
    parser.add_argument("--seed", type=int, default=7, help="dataset seed (default 7)")
    parser.add_argument("--workers", type=int, default=server.DEFAULT_WORKERS)
    parser.add_argument("--worker-class", default=server.DEFAULT_WORKER_CLASS)
    parser.add_argument("--threads", type=int, default=server.DEFAULT_THREADS)
    parser.add_argument(
        "--compare-workers",
        action="store_true",
        help="only measure gunicorn worker set-ups (sync/gthread, 2/3 workers) and exit",
    )
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (15 if args.quick else 60)
    args.wrk_seconds = args.wrk_seconds or (2 if args.quick else 9)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.outage_seconds = args.outage_seconds or (3 if args.quick else 5)
    args.sizes = dataset.QUICK if args.quick else dataset.FULL
    return args


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def preflight() -> None:
    from bench.load import ensure_wrk

    ensure_wrk()
    CLUSTER.ensure_up()
    server.ensure_redis()
    step("collectstatic (production serves the hashed files from the manifest)")
    server.collectstatic()


def build_dataset(args, report: Report) -> dict[str, str]:
    from bench import queries
    from bench.config import PAGES

    step(f"dataset: recreate {environment.DATABASE_NAME} and migrate")
    dataset.recreate_database()
    dataset.migrate()
    step(f"dataset: small ({dataset.SMALL})")
    facts = dataset.build(dataset.SMALL, seed=args.seed)
    # The cache may hold the rows of an earlier build with the same ids, and the posting
    # rate limit an earlier run's posts by the same member: count against an empty one.
    server.flush_redis()
    small = queries.count_all(PAGES, WRITE_ACTIONS, facts, args.seed)
    step(f"dataset: full ({args.sizes})")
    facts = dataset.build(args.sizes, seed=args.seed)
    server.flush_redis()
    full = queries.count_all(PAGES, WRITE_ACTIONS, facts, args.seed)
    args.query_counts = (small, full)
    query_checks(report, small, full, budget=QUERY_BUDGET)
    return facts


def build_dataset_only(args) -> dict[str, str]:
    """The dataset at its one size, without the query counts (for --integrity-only)."""
    step(f"dataset: recreate {environment.DATABASE_NAME} and migrate")
    dataset.recreate_database()
    dataset.migrate()
    step(f"dataset: {args.sizes}")
    return dataset.build(args.sizes, seed=args.seed)


def run_integrity(args, report: Report, facts: dict[str, str]) -> None:
    step("integrity: two app processes, production rate limits")
    server.flush_redis()
    servers = server.start_servers(
        [
            server.Server(
                f"integrity{number}",
                port,
                environment.PRODUCTION_LIMITS,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
            )
            for number, port in enumerate(INTEGRITY_PORTS, start=1)
        ]
    )
    pids_before = [s.worker_pids() for s in servers]
    outage = None
    if not args.skip_faults:
        outage = faults.Outage(
            INTEGRITY_PORTS,
            delay=args.seconds * 0.3,
            hold=args.outage_seconds,
            page_path=OUTAGE_READ_PATH.format(**facts),
        )
    members = [dataset.member_username(index) for index in dataset.WRITERS]
    for action in WRITE_ACTIONS:
        action.prepare(facts)
    step(f"integrity: {len(members)} members writing for {args.seconds:.0f}s")
    try:
        run = integrity.run_load(
            ports=INTEGRITY_PORTS,
            members=members,
            actions=WRITE_ACTIONS,
            facts=facts,
            seconds=args.seconds,
            seed=args.seed,
            on_start=outage.start if outage else None,
            keep_going=outage.running if outage else None,
        )
        if outage:
            outage.join()
    finally:
        CLUSTER.ensure_up()
    pids_after = [s.worker_pids() for s in servers]
    from django.db import connections

    connections.close_all()  # the orchestrator's own connection died with the outage
    integrity.save(run, outage, environment.LOG_DIR / "integrity.jsonl")
    step("integrity: rate-limit probes across both processes")
    probes = [(probe, probe.run(INTEGRITY_PORTS, facts)) for probe in RATE_LIMIT_PROBES]
    # Verified before the Redis outage's load writes again over what is checked here.
    step("integrity: verifying the database")
    verifications = [
        (
            action,
            action.verify([a for a in run.attempts if a.action == action.name]),
        )
        for action in WRITE_ACTIONS
    ]
    integrity_checks(report, run, verifications, probes, outage)
    if outage:
        outage_checks(report, run, outage, workers_unchanged=pids_before == pids_after)
    if not (args.skip_faults or args.skip_redis_outage):
        run_redis_outage(args, report, facts, servers)
    if not args.skip_email_faults:
        run_email_faults(args, report, facts)
    for s in servers:
        s.stop()


def run_redis_outage(args, report: Report, facts: dict[str, str], servers) -> None:
    """The writers again on the same two processes, while the bench's Redis is stopped and
    started: it backs the cache, sessions and rate limits, and losing it must not show."""
    step(
        f"redis outage: {len(dataset.WRITERS)} members writing, Redis stopped for "
        f"{args.outage_seconds:g}s"
    )
    from bench.integrity import sign_in

    writer, reader = facts["signed_in_member"], facts["outage_reader"]
    sessions = sign_in([writer, reader])
    delay = max(2.0, args.seconds * 0.1)
    outage = faults.RedisOutage(
        INTEGRITY_PORTS,
        delay=delay,
        hold=args.outage_seconds,
        pages=[
            (page.name, page.path.format(**facts), page.expect.format(**facts), page.signed_in)
            for page in REDIS_OUTAGE_PAGES
        ],
        comment_path=REDIS_OUTAGE_COMMENT[0].format(**facts),
        comment_page=REDIS_OUTAGE_COMMENT[1].format(**facts),
        writer_session=sessions[writer],
        reader_session=sessions[reader],
    )
    pids_before = [s.worker_pids() for s in servers]
    try:
        run = integrity.run_load(
            ports=INTEGRITY_PORTS,
            members=[dataset.member_username(index) for index in dataset.WRITERS],
            actions=WRITE_ACTIONS,
            facts=facts,
            seconds=delay + args.outage_seconds,
            seed=args.seed + 1,  # other choices than the first load made
            on_start=outage.start,
            keep_going=outage.running,
        )
        outage.join()
    finally:
        REDIS.ensure_up()
    pids_after = [s.worker_pids() for s in servers]
    integrity.save(run, outage, environment.LOG_DIR / "redis-outage.jsonl")
    step("redis outage: verifying the database")
    verifications = [
        (action, action.verify([a for a in run.attempts if a.action == action.name]))
        for action in WRITE_ACTIONS
    ]
    redis_outage_checks(
        report, run, outage, verifications, workers_unchanged=pids_before == pids_after
    )


def run_email_faults(args, report: Report, facts: dict[str, str]) -> None:
    """The writers again, with a real Celery worker and beat delivering to the bench's own
    mail server: once while it refuses connections, once while the worker is killed."""
    from bench.celery_worker import CeleryProcess
    from bench.email_faults import SmtpRefusal, WorkerKill, drain, set_aside_owed_work
    from bench.smtp_server import MailServer

    set_aside = set_aside_owed_work()
    server.clear_queues()
    step("email faults: mail server, Celery worker and beat")
    mail = MailServer(environment.SMTP_PORT).start()
    beat, worker = CeleryProcess("beat").start(), CeleryProcess("worker").start()
    followed = next(a for a in EMAIL_FAULT_ACTIONS if isinstance(a, FollowedComment))
    for action in EMAIL_FAULT_ACTIONS:
        action.prepare(facts)
    faults_run = [
        SmtpRefusal("mail server refusing connections", mail, delay=3, hold=args.smtp_seconds),
        WorkerKill("worker killed mid-batch", mail, delay=3, hold=3, worker=worker),
    ]
    results = []
    try:
        for number, fault in enumerate(faults_run, start=2):
            step(f"email faults: {len(dataset.WRITERS)} members writing, {fault.name}")
            server.reset_rate_limits()  # every member's 20 posts, for emails to be owed
            run = integrity.run_load(
                ports=INTEGRITY_PORTS,
                members=[dataset.member_username(index) for index in dataset.WRITERS],
                actions=EMAIL_FAULT_ACTIONS,
                facts=facts,
                seconds=fault.delay + 2,
                seed=args.seed + number,
                on_start=fault.start,
                keep_going=fault.running,
            )
            fault.join()
            step(f"email faults: waiting for the emails owed ({fault.name})")
            count = drain(followed, run, mail)
            verifications = [
                (action, action.verify([a for a in run.attempts if a.action == action.name]))
                for action in EMAIL_FAULT_ACTIONS
            ]
            results.append((fault, run, count, verifications))
    finally:
        worker.stop()
        beat.stop()
        mail.stop()
    email_fault_checks(report, results, set_aside=set_aside)


def only_run() -> bool:
    """Hold the bench's lock for this process's life; False when another run holds it.

    Two runs at once would rebuild the database under each other's servers and share their
    ports: every figure of both would be wrong.
    """
    environment.LOG_DIR.mkdir(parents=True, exist_ok=True)
    lock = open(environment.LOG_DIR / "run.lock", "w")  # noqa: SIM115 - held until exit
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    atexit.register(lock.close)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not only_run():
        print("another bench run is going (var/bench/run.lock); wait for it", file=sys.stderr)
        return 2
    started = time.monotonic()
    CLUSTER.name, CLUSTER.port = args.cluster, args.pg_port
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    atexit.register(CLUSTER.ensure_up)
    atexit.register(REDIS.ensure_up)
    preflight()
    environment.setup_django()
    if args.compare_workers:
        from bench.throughput import compare_workers

        print(compare_workers(args))
        return 0
    report = Report()
    if args.integrity_only:
        facts = build_dataset_only(args)
    else:
        facts = build_dataset(args, report)
        step("throughput: one app process, rate limits raised")
        server.flush_redis()
        measured = measure_throughput(args, facts, port=THROUGHPUT_PORT, log=step)
        throughput_checks(report, measured, args.query_counts, write_factor=WRITE_P99_FACTOR)
    if not args.only:
        run_integrity(args, report, facts)
    elapsed = time.monotonic() - started
    report.check(
        "run",
        f"whole run under {TIME_LIMIT // 60} minutes",
        elapsed <= TIME_LIMIT,
        f"{elapsed:.0f}s",
    )
    print()
    print(report.render())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
