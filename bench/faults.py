"""Database faults: stop PostgreSQL in the middle of the integrity load, start it again, and
watch what members and load balancers see meanwhile.

PostgreSQL is started again in a `finally`, and run.py checks it once more at exit, so a
failed or interrupted run never leaves the machine without its database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bench.postgres import CLUSTER
from bench.web import Browser

HANG_LIMIT = 5.0  # seconds: an answer slower than this during the outage counts as a hang
RECOVERY_LIMIT = 20.0  # seconds after PostgreSQL is back for every process to serve again


@dataclass
class Probe:
    at: float
    port: int
    path: str
    status: int | None
    seconds: float


@dataclass
class Outage:
    """Stops PostgreSQL `delay` seconds into the load for `hold` seconds, then starts it."""

    ports: list[int]
    delay: float
    hold: float
    page_path: str  # a database-backed page a visitor reads
    started: float = 0.0  # load start (monotonic), set by start()
    down_at: float | None = None
    up_at: float | None = None
    recovered_at: dict[int, float] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    error: str = ""
    _thread: threading.Thread | None = None

    def now(self) -> float:
        return time.monotonic() - self.started

    def start(self, started: float) -> None:
        self.started = started
        self._thread = threading.Thread(target=self._run, name="outage", daemon=True)
        self._thread.start()

    def running(self) -> bool:
        """Until recovery plus a few seconds, so writes after the outage are checked too."""
        return self._thread is not None and (
            self._thread.is_alive() or self.now() < (self.window or (0, 0))[1] + 3
        )

    def join(self) -> None:
        if self._thread:
            self._thread.join()

    @property
    def window(self) -> tuple[float, float] | None:
        """When 503s are allowed: from the stop until every process served again (+1 s)."""
        if self.down_at is None:
            return None
        end = max(self.recovered_at.values(), default=self.now())
        return self.down_at, end + 1.0

    def _probe(self, browser: Browser, port: int, path: str) -> Probe:
        at = self.now()
        reply = browser.get(path, port=port)
        probe = Probe(at, port, path, reply.status, reply.seconds)
        self.probes.append(probe)
        return probe

    def _probe_round(self, browser: Browser) -> None:
        for port in self.ports:
            self._probe(browser, port, "/healthz")
            self._probe(browser, port, self.page_path)

    def _run(self) -> None:
        browser = Browser(self.ports, timeout=30)
        try:
            time.sleep(self.delay)
            self.down_at = self.now()
            CLUSTER.ctl("stop", "--mode=fast")
            held_until = self.now() + self.hold
            while self.now() < held_until:
                self._probe_round(browser)
                time.sleep(0.2)
            CLUSTER.ctl("start")
            self.up_at = self.now()
        except Exception as error:  # noqa: BLE001 - reported, and the finally restores the database
            self.error = repr(error)
        finally:
            CLUSTER.ensure_up()
            if self.up_at is None:
                self.up_at = self.now()
        deadline = self.up_at + RECOVERY_LIMIT
        while len(self.recovered_at) < len(self.ports) and self.now() < deadline:
            for port in self.ports:
                if port in self.recovered_at:
                    continue
                health = self._probe(browser, port, "/healthz")
                page = self._probe(browser, port, self.page_path)
                if health.status == 200 and page.status == 200:
                    self.recovered_at[port] = self.now()
            time.sleep(0.2)
        browser.close()
