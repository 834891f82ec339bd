"""Turning measurements into pass/fail checks: query budgets, integrity, the outages and the
email faults."""

from __future__ import annotations

from collections import Counter

from bench.actions import Attempt, Verification, WriteAction
from bench.email_faults import WorkerKill
from bench.faults import HANG_LIMIT, RECOVERY_LIMIT, Outage, PageProbe, Posted, RedisOutage
from bench.integrity import LoadRun
from bench.ratelimits import RateLimitProbe
from bench.report import Report, table


def query_checks(report: Report, small: dict, full: dict, *, budget: int) -> None:
    for name, count in full.items():
        report.check(
            "queries",
            f"{name}: ≤ {budget} queries, the same at both data sizes",
            count <= budget and small.get(name) == count,
            f"{small.get(name)} → {count}",
        )


def _in_window(attempt: Attempt, window: tuple[float, float] | None) -> bool:
    if window is None:
        return False
    start, end = window
    return attempt.started <= end and attempt.started + attempt.seconds >= start


def _statuses(attempts) -> str:
    counts = Counter("no answer" if a.status is None else str(a.status) for a in attempts)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "none"


def integrity_checks(
    report: Report,
    run: LoadRun,
    verifications: list[tuple[WriteAction, Verification]],
    probes: list[tuple[RateLimitProbe, tuple[int, int, list]]],
    outage: Outage | None,
) -> None:
    window = outage.window if outage else None
    outside = [a for a in run.attempts if not _in_window(a, window)]
    acknowledged = sum(a.acknowledged for a in run.attempts)
    members = len({a.member for a in run.attempts})
    report.add(
        "## Load with integrity (two app processes, PostgreSQL + Redis shared)\n\n"
        + table(
            ["writes tried", "acknowledged", "members", "seconds", "writes/s", "answers"],
            [
                (
                    len(run.attempts),
                    acknowledged,
                    members,
                    f"{run.seconds:.0f}",
                    f"{len(run.attempts) / max(run.seconds, 1e-9):.0f}",
                    _statuses(run.attempts),
                )
            ],
        )
    )
    report.check(
        "integrity",
        "every member signed in on both processes",
        not run.setup_problems and members > 0,
        "; ".join(run.setup_problems[:3]) or f"{members} members",
    )
    server_errors = [a for a in outside if a.status is None or a.status >= 500]
    report.check(
        "integrity",
        "zero 5xx and no lost connections (outside the outage)",
        not server_errors,
        _statuses(server_errors) if server_errors else f"{len(outside)} writes answered < 500",
    )
    for action, verification in verifications:
        problems = verification.problems
        detail = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if problems[3:] else "")
        report.check(
            "integrity",
            f"{action.name}: every acknowledged write stored exactly once, none half-applied",
            not problems and verification.checked > 0,
            detail or f"{verification.checked} acknowledged writes verified",
        )
    for probe, (accepted, limited, _statuses_seen) in probes:
        report.check(
            "rate limits",
            f"{probe.name}: held across both processes",
            accepted <= probe.limit and limited > 0,
            f"{accepted} let through of {probe.attempts} (limit {probe.limit}), {limited} refused",
        )


def outage_checks(report: Report, run: LoadRun, outage: Outage, *, workers_unchanged: bool) -> None:
    window = outage.window
    during = [a for a in run.attempts if _in_window(a, window)]
    probes = [p for p in outage.probes if window and window[0] <= p.at <= window[1]]
    latencies = [a.seconds for a in during] + [p.seconds for p in probes]
    statuses = [a.status for a in during] + [p.status for p in probes]
    bad = [s for s in statuses if s is None or (s >= 500 and s != 503)]
    slowest = max(latencies, default=0.0)
    up = outage.up_at or 0.0
    recovery = max(outage.recovered_at.values(), default=float("inf")) - up
    report.add(
        "## Database outage (PostgreSQL stopped and started during the load)\n\n"
        + table(
            [
                "stopped at",
                "started at",
                "all serving at",
                "requests in window",
                "answers",
                "slowest answer",
            ],
            [
                (
                    f"{outage.down_at or 0:.1f}s",
                    f"{up:.1f}s",
                    f"{up + recovery:.1f}s",
                    len(statuses),
                    ", ".join(
                        f"{k}: {v}"
                        for k, v in sorted(
                            Counter("no answer" if s is None else str(s) for s in statuses).items()
                        )
                    ),
                    f"{slowest:.2f}s",
                )
            ],
        )
    )
    report.check(
        "outage",
        "PostgreSQL stopped and started",
        not outage.error and outage.down_at is not None,
        outage.error or f"held down from {outage.down_at:.1f}s to {up:.1f}s",
    )
    report.check(
        "outage",
        "requests during the outage answered 503 (the outage was seen)",
        any(s == 503 for s in statuses),
        f"{sum(s == 503 for s in statuses)} of {len(statuses)} answered 503",
    )
    report.check(
        "outage",
        "no 500 and no lost connection during the outage",
        not bad,
        f"{len(bad)} bad: {Counter(bad)}" if bad else "only 2xx/3xx/4xx/503",
    )
    report.check(
        "outage",
        f"no answer slower than {HANG_LIMIT:g}s during the outage",
        slowest <= HANG_LIMIT,
        f"slowest {slowest:.2f}s",
    )
    report.check(
        "outage",
        f"every process serves /healthz and a database page again within {RECOVERY_LIMIT:g}s",
        recovery <= RECOVERY_LIMIT,
        f"{recovery:.1f}s after PostgreSQL was back",
    )
    report.check(
        "outage",
        "recovered without restarting any worker",
        workers_unchanged,
        "same worker pids" if workers_unchanged else "worker pids changed",
    )


def _counts(statuses) -> str:
    counts = Counter("no answer" if s is None else str(s) for s in statuses)
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"


def _sightings(posted: Posted, viewer: str, *, down: bool, up_at: float) -> str:
    seen = [s for s in posted.sightings if s.viewer == viewer and s.redis_down == down]
    if not posted.acknowledged or (down and posted.at >= up_at):
        return "–"
    if not seen:
        return "no GET"
    shown = sum(s.shown for s in seen)
    stale = sum(s.from_cache and not s.shown for s in seen)
    return f"{shown} of {len(seen)} show it" + (f" ({stale} stale 304s)" if stale else "")


def redis_outage_checks(
    report: Report,
    run: LoadRun,
    outage: RedisOutage,
    verifications: list[tuple[WriteAction, Verification]],
    *,
    workers_unchanged: bool,
) -> None:
    """Losing Redis must cost nothing members see: no error, nobody signed out, nothing stale."""
    down, up = outage.down_at or 0.0, outage.up_at or 0.0
    end = outage.finished_at or up
    phases = [("Redis down", down, up), ("Redis back (empty)", up, end)]
    rows, bad, signed_out, slowest = [], [], [], 0.0
    for label, start, stop in phases:
        probes = [p for p in outage.probes if start <= p.at < stop]
        writes = [a for a in run.attempts if _in_window(a, (start, stop))]
        statuses = [p.status for p in probes] + [a.status for a in writes]
        wrong = [p for p in probes if not p.content_ok] + [
            a for a in writes if a.status is None or a.status >= 500
        ]
        out = [p for p in probes if p.signed_out] + [a for a in writes if a.signed_out]
        bad += wrong
        signed_out += out
        seconds = max([p.seconds for p in probes] + [a.seconds for a in writes], default=0.0)
        slowest = max(slowest, seconds)
        rows.append(
            (
                label,
                f"{start:.1f}s",
                f"{stop:.1f}s",
                f"{len(probes)} + {len(writes)}",
                _counts(statuses),
                len(out),
                f"{seconds:.2f}s",
            )
        )
    comments = [
        (
            posted.label,
            f"{posted.at:.1f}s",
            "no answer" if posted.status is None else posted.status,
            _sightings(posted, "visitor", down=True, up_at=up),
            _sightings(posted, "another member", down=True, up_at=up),
            _sightings(posted, "visitor", down=False, up_at=up),
            _sightings(posted, "another member", down=False, up_at=up),
        )
        for posted in outage.posted
    ]
    report.add(
        "## Cache outage (the bench's Redis stopped and started during a load)\n\n"
        + table(
            [
                "phase",
                "from",
                "to",
                "reads + writes",
                "answers",
                "signed out",
                "slowest answer",
            ],
            rows,
        )
        + "\n\nComments posted to check for staleness, and the GETs of the page after each"
        " (a visitor revalidating with the ETag it holds, another member):\n\n"
        + table(
            [
                "comment",
                "posted at",
                "answer",
                "visitor, Redis down",
                "member, Redis down",
                "visitor, Redis back",
                "member, Redis back",
            ],
            comments,
        )
    )
    report.check(
        "redis outage",
        "Redis stopped and started",
        not outage.error and outage.down_at is not None,
        outage.error or f"held down from {down:.1f}s to {up:.1f}s",
    )
    by_page = Counter(
        f"{p.page}: {'200 without its text' if p.status == 200 else p.status}"
        for p in bad
        if isinstance(p, PageProbe)
    ) + Counter(f"{a.action} (POST): {a.status}" for a in bad if isinstance(a, Attempt))
    report.check(
        "redis outage",
        "pages answer 200 with their content and writes answer < 500, while down and after",
        not bad and outage.probes,
        "; ".join(f"{k} ×{v}" for k, v in by_page.most_common(6))
        or f"{len(outage.probes)} reads, {len(run.attempts)} writes",
    )
    out_reads = sum(isinstance(x, PageProbe) for x in signed_out)
    signed_in_reads = sum(p.signed_in for p in outage.probes if p.at >= down)
    report.check(
        "redis outage",
        'nobody signed out: signed-in pages show "Log out", no write sent to log in',
        not signed_out,
        f"{out_reads} of {signed_in_reads} signed-in reads without it,"
        f" {len(signed_out) - out_reads} writes sent to log in",
    )
    for posted in outage.posted:
        missed = [s for s in posted.sightings if not s.shown]
        report.check(
            "redis outage",
            f"a comment {posted.label}: acknowledged, and every GET after it shows it",
            posted.acknowledged and posted.sightings and not missed,
            (
                f"answered {posted.status}" + (f" to {posted.location}" if posted.location else "")
                if not posted.acknowledged
                else f"missing from {len(missed)} of {len(posted.sightings)} GETs"
                f" (first: {missed[0].viewer} at {missed[0].at:.1f}s)"
                if missed
                else f"shown on all {len(posted.sightings)} GETs"
            ),
        )
    report.check(
        "redis outage",
        f"no answer slower than {HANG_LIMIT:g}s while down and after",
        slowest <= HANG_LIMIT,
        f"slowest {slowest:.2f}s",
    )
    report.check(
        "redis outage",
        "no worker restarted",
        workers_unchanged,
        "same worker pids" if workers_unchanged else "worker pids changed",
    )
    for action, verification in verifications:
        problems = verification.problems
        detail = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if problems[3:] else "")
        report.check(
            "redis outage",
            f"{action.name}: every acknowledged write stored exactly once, readers shown it",
            not problems,
            detail or f"{verification.checked} acknowledged writes verified",
        )


def email_fault_checks(report: Report, results: list, *, set_aside: tuple[int, int]) -> None:
    """Issue #16: under each email fault, 0 emails lost, 0 duplicated, no 5xx from requests."""
    rows = []
    for fault, run, count, _verifications in results:
        during = [a for a in run.attempts if _in_window(a, fault.window)]
        down, up = fault.window or (0.0, 0.0)
        rows.append(
            (
                fault.name,
                f"{down:.1f}–{up:.1f}s",
                count.expected,
                count.sent,
                count.duplicated,
                count.lost,
                count.other,
                f"{count.waited:.1f}s",
                _statuses(during),
            )
        )
    report.add(
        "## Email faults (a Celery worker and beat, the bench's own mail server)\n\n"
        + table(
            [
                "fault",
                "held",
                "emails expected",
                "sent",
                "duplicated",
                "lost",
                "other emails",
                "all out after the load",
                "requests during the fault",
            ],
            rows,
        )
        + f"\n\nSet aside before the phase (owed by the earlier loads, which ran without a"
        f" worker): {set_aside[0]} fan-outs, {set_aside[1]} emails."
    )
    for fault, run, count, verifications in results:
        group = f"email: {fault.name}"
        window = fault.window
        report.check(group, "fault injected and undone", not fault.error and window, fault.error)
        if isinstance(fault, WorkerKill):
            report.check(
                group,
                "the worker was killed mid-batch (emails sent before, some still owed)",
                fault.sent_before_kill > 0 and fault.pending_at_kill > 0,
                f"{fault.sent_before_kill} sent before, {fault.pending_at_kill} owed at the kill",
            )
        detail = "; ".join(count.problems)
        report.check(
            group,
            "every email owed arrived (0 lost, none misaddressed)",
            count.expected > 0 and not count.lost and not count.misaddressed,
            detail or f"{count.sent} of {count.expected}",
        )
        report.check(group, "0 emails duplicated", not count.duplicated, detail or "none")
        bad = [a for a in run.attempts if a.status is None or a.status >= 500]
        report.check(
            group,
            "no 5xx and no lost connection, during the fault and after",
            not bad and run.attempts,
            _statuses(bad) if bad else f"{len(run.attempts)} writes answered < 500",
        )
        for action, verification in verifications:
            problems = verification.problems
            report.check(
                group,
                f"{action.name}: every acknowledged write stored exactly once",
                not problems,
                "; ".join(problems[:3]) or f"{verification.checked} acknowledged writes verified",
            )
