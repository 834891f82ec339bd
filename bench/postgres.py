"""The PostgreSQL cluster the bench owns, so its outage test stops nobody else's database.

By default the bench creates (once) and uses its own cluster "bench" on port 5433: stopping a
shared cluster would break every other program using it (other test runs, a dev server).
`--cluster main --pg-port 5432` runs against the machine's main cluster instead.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass


@dataclass
class Cluster:
    name: str = "bench"
    port: int = 5433

    @property
    def version(self) -> str:
        return sorted(os.listdir("/etc/postgresql"))[-1]

    def exists(self) -> bool:
        return os.path.isdir(f"/etc/postgresql/{self.version}/{self.name}")

    def create(self) -> None:
        """A new cluster, trusting local connections only, as the main one is set up here."""
        subprocess.run(
            [
                "pg_createcluster",
                self.version,
                self.name,
                "--port",
                str(self.port),
                "--",
                "--auth-local=trust",
                "--auth-host=trust",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def ctl(self, action: str, *options: str) -> None:
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                *options,
                self.version,
                self.name,
                action,
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )

    def ready(self) -> bool:
        command = ["pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-q"]
        return subprocess.run(command, check=False).returncode == 0

    def ensure_up(self, timeout: float = 60) -> None:
        if self.ready():
            return
        if not self.exists():
            self.create()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("start")  # fails when it is already starting: then just wait below
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL cluster {self.name} did not come up")
            time.sleep(0.5)


CLUSTER = Cluster()
