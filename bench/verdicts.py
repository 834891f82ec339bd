"""Turning measurements into pass/fail checks: query budgets, integrity and the outage."""

from __future__ import annotations

from collections import Counter

from bench.actions import Attempt, Verification, WriteAction
from bench.faults import HANG_LIMIT, RECOVERY_LIMIT, Outage
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
