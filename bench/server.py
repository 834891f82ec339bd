"""Gunicorn app servers on loopback, started and stopped as a production deployment would be.

Every server runs in its own process group, and every started server is stopped at exit
(normal or not), so a failed run leaves no stray workers holding ports or connections.
"""

from __future__ import annotations

import atexit
import http.client
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import redis

from bench.environment import LOG_DIR, PYTHON, REDIS_URL, ROOT, production_env
from bench.redis_server import REDIS

# Measured on this 2-core machine (bench/README.md, `run.py --compare-workers`): gthread
# served 1.5-2x the requests/s of sync workers, which close every connection after one
# response; a third gthread process gained nothing on pages (it lost ~15% on the home page)
# and doubled the bare view's p99, since PostgreSQL, Redis and wrk share the same 2 cores.
DEFAULT_WORKERS = 2
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_THREADS = 4

_running: list[Server] = []


@cache
def _has_control_socket() -> bool:
    help_text = subprocess.run(
        [PYTHON, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--control-socket" in help_text


@dataclass
class Server:
    """One gunicorn master with its workers, serving bookclub on 127.0.0.1:port."""

    name: str
    port: int
    env_overrides: dict[str, str] = field(default_factory=dict)
    workers: int = DEFAULT_WORKERS
    worker_class: str = DEFAULT_WORKER_CLASS
    threads: int = DEFAULT_THREADS
    process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"gunicorn-{self.name}-{self.port}.log"

    def command(self) -> list[str]:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "bookclub.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            "--timeout=30",
            "--graceful-timeout=5",
            "--keep-alive=5",
            "--worker-tmp-dir=/dev/shm",
            "--error-logfile=-",
            # One listening socket per worker, the kernel spreading connections across them.
            # With the shared socket, whichever worker woke first took every connection a
            # wrk run opened: runs of the same view came out at ~1,600 or ~4,800 req/s.
            "--reuse-port",
        ]
        if self.worker_class == "gthread":
            command.append(f"--threads={self.threads}")
        if _has_control_socket():
            # Gunicorn >= 25 opens ~/.gunicorn/gunicorn.ctl by default: one per server here.
            command.append(f"--control-socket={LOG_DIR / f'gunicorn-{self.port}.ctl'}")
        return command

    def start(self) -> Server:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=production_env(**self.env_overrides),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _running.append(self)
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/livez")
                answered = connection.getresponse().status == 200
                connection.close()
                # Every worker booted, so later pid comparisons see the whole set.
                if answered and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /livez within {timeout}s")

    def worker_pids(self) -> set[int]:
        """The master's current children: unchanged pids mean no worker was restarted."""
        if not self.process:
            return set()
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return {int(pid) for pid in path.read_text().split()}
        except OSError:
            return set()

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass
        if self in _running:
            _running.remove(self)


def start_servers(servers: list[Server]) -> list[Server]:
    for server in servers:
        server.start()
    for server in servers:
        server.wait_ready()
    return servers


def stop_all() -> None:
    for server in list(_running):
        server.stop()


atexit.register(stop_all)


def collectstatic() -> None:
    """Production serves hashed files from the manifest; build it as a deploy would."""
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(),
        check=True,
    )


def flush_redis() -> None:
    """Start each phase with empty sessions, caches and rate-limit counters."""
    redis.Redis.from_url(REDIS_URL).flushdb()


def ensure_redis() -> None:
    """Redis backs sessions, cache and rate limits in production: the bench starts its own."""
    REDIS.ensure_up()


def clear_queues() -> None:
    """Drop the Celery messages waiting on the bench's broker (never flushdb there: the
    queues' bindings must stay for the servers that declared them already)."""
    from bookclub.celery import _PRIORITY_SUFFIXES

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(
        *(queue + suffix for queue in ("default", "email") for suffix in _PRIORITY_SUFFIXES),
        "unacked",
        "unacked_index",
    )


def reset_rate_limits() -> None:
    """A fresh posting window for every member, as after a minute without posts."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="*ratelimit:*", count=1000):
        client.delete(key)
