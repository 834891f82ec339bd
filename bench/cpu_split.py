#!/usr/bin/env python
"""Where an endpoint's CPU goes under load: the app's workers, PostgreSQL and Redis.

    .venv/bin/python bench/cpu_split.py "comment or reply (POST)" "meeting RSVP" --seconds 8

For each endpoint whose name contains one of the words (the bench's names, as in its
table), wrk drives it as the bench does while the CPU time of the gunicorn workers, every
PostgreSQL process and Redis is read from /proc before and after: milliseconds of each
per request, and how busy the machine was. The bare view comes last, for scale. Run
bench/run.py once first (it builds the dataset); this rebuilds the full dataset in ~10 s
and serves it on port 8300, with the bench's production settings.

Per-request CPU is steadier than req/s or p99 on a shared 2-core machine: it is what a
change to a write or a page should move (bench/README.md, "Findings").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bench import dataset, environment, run, server, throughput  # noqa: E402

PORT = 8300
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def pids_of(pattern: str) -> list[int]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def machine_busy(before: list[str], after: list[str]) -> float:
    total = sum(int(x) for x in after[1:8]) - sum(int(x) for x in before[1:8])
    idle = int(after[4]) - int(before[4])
    return 1 - idle / total if total else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", help="words of the endpoints' names")
    parser.add_argument("--seconds", type=float, default=8, help="wrk seconds per endpoint")
    args = parser.parse_args(argv)

    environment.setup_django()
    bench_args = run.parse_args([arg for name in args.names for arg in ("--only", name)])
    run.preflight()
    facts = dataset.build(bench_args.sizes, seed=bench_args.seed, log=lambda *_: None)
    server.flush_redis()
    app = server.Server("cpu-split", PORT, environment.THROUGHPUT_LIMITS)
    server.start_servers([app])
    try:
        measured = throughput.targets(bench_args, facts, PORT)
        for target in measured:
            target.measure(1, bench_args.connections)  # warm up
        for target in [*measured[1:], measured[0]]:
            groups = {
                "app": sorted(app.worker_pids()),
                "PostgreSQL": pids_of("postgres"),
                "Redis": pids_of("redis-server"),
            }
            before = {name: sum(map(cpu_seconds, pids)) for name, pids in groups.items()}
            stat_before = Path("/proc/stat").read_text().split("\n", 1)[0].split()
            result = target.measure(args.seconds, bench_args.connections)
            stat_after = Path("/proc/stat").read_text().split("\n", 1)[0].split()
            requests = max(result.rps * args.seconds, 1)
            split = ", ".join(
                f"{name} {1000 * (sum(map(cpu_seconds, pids)) - before[name]) / requests:.2f}"
                for name, pids in groups.items()
            )
            print(
                f"{target.name:45} {result.rps:6.0f} req/s  p50 {result.p50_ms:5.1f} ms"
                f"  p99 {result.p99_ms:6.1f} ms | CPU ms per request: {split}"
                f" | machine {machine_busy(stat_before, stat_after):.0%} busy",
                flush=True,
            )
    finally:
        app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
