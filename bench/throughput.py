"""The throughput phase: every page and write action under wrk, against the bare view.

Endpoints are measured in rounds (bare view, every page, every write; then again), and each
ratio to the bare view is taken within a round and then the median over rounds. A machine
whose load changes during the run (other programs, CPU frequency) then shifts the bare view
and the page alike instead of skewing one ratio.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench import dataset, server
from bench.actions import WriteAction
from bench.config import BARE, PAGES, WRITE_ACTIONS, Page
from bench.environment import PORT_BASE, THROUGHPUT_LIMITS
from bench.load import WrkResult, run_wrk
from bench.report import Report, table
from bench.web import Browser

PLACEHOLDER = "WRKCOUNTER"
# Posts wrk cycles through per write action: enough that replies spread over many comments
# and answers change, as members' do; drawn from the action with the dataset's seed.
POSTS_PER_ACTION = 200


@dataclass
class Target:
    """One endpoint under wrk, and what every round measured."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    posts: list[tuple[str, str]] = field(default_factory=list)  # (path, body) for a write
    page: Page | None = None
    action: WriteAction | None = None
    worst_case: bool = False  # a write's worst case: shown, not held to the budget
    sanity: str = ""  # why the one-off check before the run failed, if it did
    rounds: list[WrkResult] = field(default_factory=list)
    # The bare view measured just before this endpoint in each round: its ratios pair
    # measurements seconds apart, not a minute apart (the machine's load drifts).
    ceilings: list[WrkResult] = field(default_factory=list)

    @property
    def revalidates(self) -> bool:
        return bool(self.page and self.page.revalidate)

    def measure(self, seconds: float, connections: int) -> WrkResult:
        if self.revalidates:
            # The ETag is fetched again before every measurement: the writes measured in the
            # previous round (ratings of this book) rightly changed it.
            etag = plain_get(self.url).headers.get("etag")
            self.headers = {"If-None-Match": etag} if etag else {}
        return run_wrk(
            self.name,
            self.url,
            seconds=seconds,
            connections=connections,
            headers=self.headers,
            posts=self.posts,
            placeholder=PLACEHOLDER,
        )

    @property
    def rps(self) -> float:
        return statistics.mean(r.rps for r in self.rounds)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.rounds)

    @property
    def p99_ms(self) -> float:
        return statistics.median(r.p99_ms for r in self.rounds)

    def ratio(self, bare: Target) -> float:
        """Median over rounds of requests/s relative to the bare view measured just before."""
        return statistics.median(
            mine.rps / theirs.rps if theirs.rps else 0.0
            for mine, theirs in zip(self.rounds, self.ceilings or bare.rounds, strict=True)
        )

    def p99_factor(self, bare_p99_ms: float) -> float:
        """Median over rounds of this endpoint's p99, relative to the run's bare-view p99."""
        return self.p99_ms / bare_p99_ms if bare_p99_ms else 0.0

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.rounds)

    @property
    def failures(self) -> int:
        """Failed answers; for a revalidation, every answer that is not a 304 too."""
        failures = sum(r.failures for r in self.rounds)
        if self.revalidates:
            failures += sum(
                count
                for result in self.rounds
                for status, count in result.statuses.items()
                if status != 304 and status < 400  # 4xx/5xx are counted already
            )
        return failures

    def answers(self) -> str:
        statuses: dict[int, int] = {}
        for result in self.rounds:
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        socket_errors = sum(r.socket_errors for r in self.rounds)
        bounced = sum(r.bounced for r in self.rounds)
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        return f"{answers}; socket errors {socket_errors}; to log-in {bounced}"


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


def plain_get(url: str, headers: dict[str, str] | None = None):
    """A GET of url with no cookie (and no conditional header unless given), as a visitor."""
    parts = urlsplit(url)
    browser = Browser([parts.port])
    try:
        return browser.get(parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    finally:
        browser.close()


def _revalidation_sanity(url: str) -> str:
    """A plain GET must send an ETag, and a GET sending it back must answer 304 with no body."""
    first = plain_get(url)
    etag = first.headers.get("etag")
    if first.status != 200 or not etag:
        return f"a plain GET answered {first.status} with no ETag header"
    again = plain_get(url, {"If-None-Match": etag})
    if again.status != 304:
        return f"If-None-Match: {etag} answered {again.status}, not 304"
    if again.body:
        return f"the 304 carried a body of {len(again.body)} bytes"
    return ""


def _form_post(path: str, fields: dict[str, str], *, csrf: str) -> tuple[str, str]:
    """A (path, body) pair for wrk: the form's fields and its CSRF token, URL-encoded."""
    return path, urlencode({"csrfmiddlewaretoken": csrf, **fields})


def targets(args, facts: dict[str, str], port: int) -> list[Target]:
    """The bare view first, then every page and write action, each checked once by hand."""
    base = f"http://127.0.0.1:{port}"
    member = facts["signed_in_member"]
    signed_in = log_in(port, member)
    visitor = Browser([port])
    session_cookie = f"sessionid={signed_in.cookies['sessionid']}"
    found = [Target(BARE.name, base + BARE.path, page=BARE, sanity=_sanity(visitor, "/livez", ""))]
    for page in PAGES:
        path = page.path.format(**facts)
        browser = signed_in if page.signed_in else visitor
        if page.revalidate:
            sanity = _revalidation_sanity(base + path)
        else:
            sanity = _sanity(browser, path, page.expect.format(**facts))
        found.append(
            Target(
                page.name,
                base + path,
                headers={"Cookie": session_cookie} if page.signed_in else {},
                page=page,
                sanity=sanity,
            )
        )
    for action in WRITE_ACTIONS:
        action.prepare(facts)
        if action.form_path:
            signed_in.get(action.form_path.format(**facts))
        csrf = signed_in.cookies["csrftoken"]
        rng = random.Random(args.seed)
        reply = signed_in.post(*action.request(facts, member, "sanity", rng))
        sanity = "" if action.acknowledged(reply) else f"answered {reply.status}"
        headers = {"Cookie": f"{session_cookie}; csrftoken={csrf}", "X-CSRFToken": csrf}
        posts = [
            _form_post(*action.request(facts, member, PLACEHOLDER, rng), csrf=csrf)
            for _ in range(POSTS_PER_ACTION)
        ]
        found.append(
            Target(
                f"{action.name} (POST)",
                base + posts[0][0],
                headers=headers,
                posts=posts,
                action=action,
                sanity=sanity,
            )
        )
        busy = action.busy_spot(facts, member, PLACEHOLDER, rng)
        if busy:
            found.append(
                Target(
                    f"{action.name}, all on one spot (POST)",
                    base + busy[0],
                    headers=headers,
                    posts=[_form_post(*busy, csrf=csrf)],
                    action=action,
                    worst_case=True,
                    sanity=sanity,
                )
            )
    visitor.close()
    signed_in.close()
    if getattr(args, "only", None):
        # --only: the bare view (the ceiling) and the endpoints whose names match.
        found = [found[0]] + [t for t in found[1:] if any(o in t.name for o in args.only)]
    return found


def measure_throughput(args, facts: dict[str, str], *, port: int, log) -> list[Target]:
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
        measured = targets(args, facts, port)
        log(f"throughput: warming up {len(measured)} endpoints")
        for target in measured:
            target.measure(1, args.connections)
        per_round = args.wrk_seconds / args.rounds
        # The paired bare measurement lasts as long as the endpoint's: a shorter one reads
        # systematically higher (tried: 1 s windows made every ratio look worse).
        bare = measured[0]
        for number in range(1, args.rounds + 1):
            log(f"throughput: round {number}/{args.rounds}, {per_round:g}s per endpoint")
            for target in measured:
                if target is not bare:
                    target.ceilings.append(bare.measure(per_round, args.connections))
                target.rounds.append(target.measure(per_round, args.connections))
        return measured
    finally:
        app.stop()


def throughput_checks(
    report: Report, measured: list[Target], query_counts, *, write_factor: float
) -> None:
    bare = measured[0]
    # The bare view's p99 is the tail of a ~1.5 ms request: one stall in a 3-second window
    # moves it several-fold (5 to 46 ms in one run), and a write paired with such a window
    # looked ten times better than it was. Its median over every bare-view measurement of
    # the run (its own rounds and the one before each endpoint: about fifty) is steady.
    bare_measurements = bare.rounds + [c for t in measured for c in t.ceilings]
    bare_p99 = statistics.median(r.p99_ms for r in bare_measurements)
    small, full = query_counts
    bare_rps = [r.rps for r in bare.rounds]
    spread = (max(bare_rps) - min(bare_rps)) / bare.rps if bare.rps else 0.0
    header = ["endpoint", "req/s", "× bare", "p50 ms", "p99 ms", "p99 × bare", "queries", "budget"]
    lines = []
    for target in measured:
        key = target.action.name if target.action else target.name
        queries = f"{small.get(key, '–')} → {full.get(key, '–')}"
        budget = ""
        if target is bare:
            queries, budget = "0", f"ceiling (rounds spread {spread:.0%})"
        elif target.page and target.page.min_ratio is not None:
            budget = f"≥ {target.page.min_ratio:.0%} of bare req/s"
            measured_right = True
            detail = f"{target.ratio(bare):.1%} ({target.rps:.0f} / {bare.rps:.0f} req/s)"
            if target.revalidates:
                # Full pages sent instead of 304s are not the revalidation's cost: no pass.
                budget += ", every answer 304"
                measured_right = not target.sanity and target.failures == 0
                if not measured_right:
                    detail += f"; not 304s ({target.sanity or target.answers()})"
            report.check(
                "throughput",
                f"{target.name}: ≥ {target.page.min_ratio:.0%} of the bare view's req/s",
                measured_right and target.ratio(bare) >= target.page.min_ratio,
                detail,
            )
        elif target.worst_case:
            budget = "worst case, shown"
        elif target.action:
            budget = f"p99 ≤ {write_factor:g}× bare"
            report.check(
                "throughput",
                f"{target.name}: p99 ≤ {write_factor:g}× the bare view's p99",
                target.p99_factor(bare_p99) <= write_factor,
                f"{target.p99_ms:.1f} ms = {target.p99_factor(bare_p99):.1f}× {bare_p99:.1f} ms",
            )
        report.check(
            "throughput",
            f"{target.name}: "
            + (
                "every answer 304 Not Modified"
                if target.revalidates
                else "every answer 2xx/3xx, signed in where meant"
            ),
            not target.sanity and target.failures == 0 and target.requests > 0,
            target.sanity or target.answers(),
        )
        lines.append(
            (
                target.name,
                f"{target.rps:.0f}",
                f"{target.ratio(bare):.2f}",
                f"{target.p50_ms:.1f}",
                f"{bare_p99 if target is bare else target.p99_ms:.1f}",
                "1.0" if target is bare else f"{target.p99_factor(bare_p99):.1f}",
                queries,
                budget,
            )
        )
    report.add(
        "## Throughput (wrk, one gunicorn server, production settings)\n\n"
        + table(header, lines)
        + f"\n\n{len(bare.rounds)} rounds; × bare is the median over rounds of the ratio to the"
        " bare view measured just before the endpoint in that round; p50 and p99 are medians"
        f" over rounds, the bare view's p99 the median of all its {len(bare_measurements)}"
        " measurements, and p99 × bare the one over the other;"
        " queries: SQL queries per request at the small → full dataset size."
    )


def compare_workers(args) -> str:
    """requests/s and p99 of the bare view and the home page for a few gunicorn set-ups.

    All set-ups run at once on their own ports (idle workers cost nothing) and are measured
    in interleaved rounds, so a change in the machine's load hits each of them alike.
    """
    setups = [("sync", 2, 1), ("sync", 3, 1), ("gthread", 2, 4), ("gthread", 3, 4)]
    apps = [
        server.Server(
            f"compare-{worker_class}-{workers}",
            PORT_BASE + 10 + number,
            THROUGHPUT_LIMITS,
            workers=workers,
            worker_class=worker_class,
            threads=threads,
        )
        for number, (worker_class, workers, threads) in enumerate(setups)
    ]
    server.start_servers(apps)
    try:
        found = {
            (app.name, path): Target(path, f"http://127.0.0.1:{app.port}{path}")
            for app in apps
            for path in ("/livez", "/")
        }
        for target in found.values():
            target.measure(1, args.connections)
        for _ in range(args.rounds):
            for target in found.values():
                target.rounds.append(
                    target.measure(args.wrk_seconds / args.rounds, args.connections)
                )
    finally:
        for app in apps:
            app.stop()
    lines = []
    for app, (worker_class, workers, threads) in zip(apps, setups, strict=True):
        label = f"{worker_class} ×{workers}" + (f" ({threads} threads)" if threads > 1 else "")
        cells = []
        for path in ("/livez", "/"):
            target = found[(app.name, path)]
            cells += [f"{target.rps:.0f}", f"{target.p99_ms:.1f}"]
        lines.append((label, *cells))
    header = ["gunicorn", "/livez req/s", "/livez p99 ms", "/ req/s", "/ p99 ms"]
    return table(header, lines) + f"\n\n{args.rounds} interleaved rounds; medians of p99."
