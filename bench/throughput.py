"""The throughput phase: every page and write action under wrk, against the bare view.

The bare view is measured first and last; its mean is the ceiling every ratio is taken
against, and the drift between the two shows how steady the machine was during the run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import urlencode

from bench import dataset, server
from bench.actions import WriteAction
from bench.config import BARE, PAGES, WRITE_ACTIONS, Page
from bench.environment import THROUGHPUT_LIMITS
from bench.load import WrkResult, run_wrk
from bench.report import Report, table
from bench.web import Browser

PLACEHOLDER = "WRKCOUNTER"


@dataclass
class Row:
    name: str
    result: WrkResult
    page: Page | None = None
    action: WriteAction | None = None
    sanity: str = ""  # why the one-off check before the run failed, if it did


@dataclass
class Bare:
    first: WrkResult
    last: WrkResult

    @property
    def rps(self) -> float:
        return (self.first.rps + self.last.rps) / 2

    @property
    def p99_ms(self) -> float:
        return (self.first.p99_ms + self.last.p99_ms) / 2

    @property
    def drift(self) -> float:
        return abs(self.first.rps - self.last.rps) / max(self.rps, 1e-9)


def log_in(port: int, username: str) -> Browser:
    """Sign a member in through the real log-in form (one password check)."""
    browser = Browser([port])
    browser.get("/accounts/login/")
    reply = browser.post("/accounts/login/", {"login": username, "password": dataset.PASSWORD})
    if reply.status != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(f"log-in as {username} failed: {reply.status} {reply.text[:300]}")
    return browser


def _sanity(browser: Browser, path: str, expect: str) -> str:
    reply = browser.get(path)
    if reply.status != 200:
        return f"answered {reply.status}"
    if expect and expect not in reply.text:
        return f"does not contain {expect!r}"
    return ""


def _measure(name, url, seconds, connections, **kwargs) -> WrkResult:
    run_wrk(name, url, seconds=1, connections=connections, **kwargs)  # warm-up, discarded
    return run_wrk(name, url, seconds=seconds, connections=connections, **kwargs)


def run_endpoints(args, facts: dict[str, str], port: int, log) -> tuple[Bare, list[Row]]:
    base = f"http://127.0.0.1:{port}"
    member = facts["signed_in_member"]
    signed_in = log_in(port, member)
    visitor = Browser([port])
    session_cookie = f"sessionid={signed_in.cookies['sessionid']}"
    seconds, connections = args.wrk_seconds, args.connections

    log(f"throughput: {BARE.name}")
    first = _measure(BARE.name, base + BARE.path, seconds, connections)
    rows = []
    for page in PAGES:
        log(f"throughput: {page.name}")
        path = page.path.format(**facts)
        browser = signed_in if page.signed_in else visitor
        headers = {"Cookie": session_cookie} if page.signed_in else {}
        sanity = _sanity(browser, path, page.expect.format(**facts))
        result = _measure(page.name, base + path, seconds, connections, headers=headers)
        rows.append(Row(page.name, result, page=page, sanity=sanity))
    for action in WRITE_ACTIONS:
        log(f"throughput: {action.name} (POST)")
        path = action.path(facts, member)
        if action.form_path:
            signed_in.get(action.form_path.format(**facts))
        csrf = signed_in.cookies["csrftoken"]
        rng = random.Random(args.seed)
        reply = signed_in.post(path, action.fields(facts, member, "sanity", rng))
        sanity = "" if action.acknowledged(reply) else f"answered {reply.status} {reply.location}"
        fields = {"csrfmiddlewaretoken": csrf, **action.fields(facts, member, PLACEHOLDER, rng)}
        result = _measure(
            action.name,
            base + path,
            seconds,
            connections,
            headers={"Cookie": f"{session_cookie}; csrftoken={csrf}", "X-CSRFToken": csrf},
            post_body=urlencode(fields),
            placeholder=PLACEHOLDER,
        )
        rows.append(Row(f"{action.name} (POST)", result, action=action, sanity=sanity))
    log(f"throughput: {BARE.name} again")
    last = _measure(BARE.name, base + BARE.path, seconds, connections)
    return Bare(first, last), rows


def measure_throughput(args, facts: dict[str, str], *, port: int, log) -> tuple[Bare, list[Row]]:
    app = server.Server(
        "throughput",
        port,
        THROUGHPUT_LIMITS,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    server.start_servers([app])
    try:
        return run_endpoints(args, facts, port, log)
    finally:
        app.stop()


def throughput_checks(
    report: Report, measured: tuple[Bare, list[Row]], query_counts, *, write_factor: float
) -> None:
    bare, rows = measured
    small, full = query_counts
    header = ["endpoint", "req/s", "× bare", "p50 ms", "p99 ms", "p99 × bare", "queries", "budget"]
    lines = [
        (
            BARE.name + " (ceiling)",
            f"{bare.rps:.0f}",
            "1.00",
            f"{(bare.first.p50_ms + bare.last.p50_ms) / 2:.1f}",
            f"{bare.p99_ms:.1f}",
            "1.0",
            "0",
            f"first {bare.first.rps:.0f}, last {bare.last.rps:.0f} req/s",
        )
    ]
    for row in rows:
        result = row.result
        ratio = result.rps / bare.rps if bare.rps else 0.0
        p99_factor = result.p99_ms / bare.p99_ms if bare.p99_ms else 0.0
        queries = f"{small.get(row.name.removesuffix(' (POST)'), '?')} → "
        queries += f"{full.get(row.name.removesuffix(' (POST)'), '?')}"
        budget = ""
        if row.page and row.page.min_ratio is not None:
            budget = f"≥ {row.page.min_ratio:.0%} of bare req/s"
            report.check(
                "throughput",
                f"{row.name}: ≥ {row.page.min_ratio:.0%} of the bare view's req/s",
                ratio >= row.page.min_ratio,
                f"{ratio:.0%} ({result.rps:.0f} / {bare.rps:.0f} req/s)",
            )
        if row.action:
            budget = f"p99 ≤ {write_factor:g}× bare"
            report.check(
                "throughput",
                f"{row.name}: p99 ≤ {write_factor:g}× the bare view's p99",
                p99_factor <= write_factor,
                f"{result.p99_ms:.1f} ms = {p99_factor:.1f}× {bare.p99_ms:.1f} ms",
            )
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
        report.check(
            "throughput",
            f"{row.name}: every answer 2xx/3xx, signed in where meant",
            not row.sanity and result.failures == 0 and result.requests > 0,
            row.sanity
            or f"{answers}; socket errors {result.socket_errors}; to log-in {result.bounced}",
        )
        lines.append(
            (
                row.name,
                f"{result.rps:.0f}",
                f"{ratio:.2f}",
                f"{result.p50_ms:.1f}",
                f"{result.p99_ms:.1f}",
                f"{p99_factor:.1f}",
                queries,
                budget,
            )
        )
    for result in (bare.first, bare.last):
        report.check(
            "throughput",
            f"{BARE.name}: every answer 2xx",
            result.failures == 0 and result.requests > 0,
            f"{result.requests} requests",
        )
    report.add(
        "## Throughput (wrk, one gunicorn server, production settings)\n\n"
        + table(header, lines)
        + "\n\nqueries: SQL queries per request at the small → full dataset size."
    )


def compare_workers(args) -> str:
    """requests/s of the bare view and the home page for a few gunicorn set-ups."""
    setups = [("sync", 2, 1), ("sync", 3, 1), ("gthread", 2, 4), ("gthread", 3, 4)]
    lines = []
    for worker_class, workers, threads in setups:
        app = server.Server(
            "compare",
            8109,
            THROUGHPUT_LIMITS,
            workers=workers,
            worker_class=worker_class,
            threads=threads,
        )
        server.start_servers([app])
        try:
            cells = []
            for path in ("/livez", "/"):
                url = f"http://127.0.0.1:8109{path}"
                result = _measure(path, url, args.wrk_seconds, args.connections)
                cells += [f"{result.rps:.0f}", f"{result.p99_ms:.1f}"]
        finally:
            app.stop()
        label = f"{worker_class} ×{workers}" + (f" ({threads} threads)" if threads > 1 else "")
        lines.append((label, *cells))
    header = ["gunicorn", "/livez req/s", "/livez p99 ms", "/ req/s", "/ p99 ms"]
    return table(header, lines)
