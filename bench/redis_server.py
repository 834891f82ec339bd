"""The Redis server the bench owns, so its outage test stops nobody else's cache.

Stopping the machine's Redis on 6379 would sign out every other program's users and empty
their caches (other test runs, a dev server), so the bench starts its own on 127.0.0.1:6390
(BENCH_REDIS_PORT overrides it, for a second bench beside this one), without persistence
(a restart comes back empty, as a replaced cache node does), and only ever stops that one.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass

import redis


@dataclass
class RedisServer:
    port: int = int(os.environ.get("BENCH_REDIS_PORT", "6390"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--dir",
            "/tmp",
            "--logfile",
            f"/tmp/bench-redis-{self.port}.log",
        ]

    def ready(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        subprocess.run(self.command(), check=True, capture_output=True, timeout=30)

    def stop(self) -> None:
        """As a crashed cache node: no save, every connection dropped at once."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            check=False,  # redis-cli reports the dropped connection of a shutdown as an error
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 10
        while self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Redis on port {self.port} did not stop")
            time.sleep(0.1)

    def ensure_up(self, timeout: float = 10) -> None:
        if self.ready():
            return
        self.start()
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Redis on port {self.port} did not start")
            time.sleep(0.1)


REDIS = RedisServer()
