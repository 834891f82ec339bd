"""A Celery worker and a beat process, as deployed, against the bench's Redis and mail server.

Each runs in its own process group, so a SIGKILL takes a worker's pool processes with it (a
crashed machine: no goodbye to the broker), and every one started is stopped at exit.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.environment import LOG_DIR, PYTHON, ROOT, SMTP_PORT, production_env

# The outbox's timings, shortened so the bench sees retries and sweeps within a minute; the
# code paths are production's (bookclub/settings.py documents each).
EMAIL_ENV = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    "EMAIL_TIMEOUT": "5",
    "EMAIL_RETRY_BASE_SECONDS": "1",
    "EMAIL_RETRY_MAX_SECONDS": "4",
    "OUTBOX_STALE_SECONDS": "15",
    "OUTBOX_SWEEP_SECONDS": "3",
}
STALE_SECONDS = float(EMAIL_ENV["OUTBOX_STALE_SECONDS"])
SWEEP_SECONDS = float(EMAIL_ENV["OUTBOX_SWEEP_SECONDS"])

_running: list[CeleryProcess] = []


@dataclass
class CeleryProcess:
    """`celery -A bookclub worker` (or `beat`), started, killed and started again."""

    kind: str  # "worker" or "beat"
    concurrency: int = 2
    process: subprocess.Popen | None = None
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    def command(self) -> list[str]:
        base = [PYTHON, "-m", "celery", "-A", "bookclub", self.kind, "--loglevel", "INFO"]
        if self.kind == "beat":
            return [*base, "--schedule", str(LOG_DIR / "celerybeat-schedule")]
        return [
            *base,
            "--queues", "default,email",
            "--concurrency", str(self.concurrency),
            "--hostname", f"bench-{os.getpid()}-{self.starts}@{socket.gethostname()}",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip

    @property
    def ready_mark(self) -> str:
        return "ready." if self.kind == "worker" else "beat: Starting..."

    def start(self, timeout: float = 60) -> CeleryProcess:
        self.starts += 1
        log_path = LOG_DIR / f"celery-{self.kind}-{self.starts}.log"
        self.logs.append(log_path)
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=production_env(**EMAIL_ENV),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self not in _running:
            _running.append(self)
        deadline = time.monotonic() + timeout
        while self.ready_mark not in log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery {self.kind} did not start; see {log_path}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """SIGKILL, the worker and its pool at once: a crashed machine."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM, a deploy's warm shutdown (SIGKILL after 15 s)."""
        self._signal(signal.SIGTERM)
        if self in _running:
            _running.remove(self)

    def _signal(self, signum: int) -> None:
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signum)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs if path.exists())


def stop_all() -> None:
    for process in list(_running):
        process.stop()


atexit.register(stop_all)
