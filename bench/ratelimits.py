"""Rate-limit probes: one client spreads attempts over every app process and counts refusals.

Counters live in the shared cache (Redis), so the configured limit must hold for the sum over
processes; per-process counters would let through `limit` attempts on each process.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.web import Browser, Reply


@dataclass
class RateLimitProbe:
    name: str
    path: str
    limit: int  # attempts the configured limit lets through, summed over all processes
    attempts: int  # more than `limit`, fewer than `limit` x processes
    form_path: str
    login: str = ""  # same account for every attempt when set; a new one each time otherwise
    message: bytes = b""  # a 200 page carrying this (lowercase) text is a refusal too

    def fields(self, number: int, facts: dict[str, str]) -> dict[str, str]:
        login = self.login.format(**facts) if self.login else f"nobody{number:04d}"
        return {"login": login, "password": f"wrong-password-{number}"}

    def limited(self, reply: Reply) -> bool:
        if reply.status == 429:
            return True
        return bool(self.message) and self.message in reply.body.lower()

    def run(self, ports: list[int], facts: dict[str, str]) -> tuple[int, int, list[int | None]]:
        """Returns (accepted, limited, statuses) over `attempts` posts alternating processes."""
        browser = Browser(ports, timeout=30)
        browser.get(self.form_path, port=ports[0])
        accepted = limited = 0
        statuses = []
        for number in range(self.attempts):
            reply = browser.post(self.path, self.fields(number, facts))
            statuses.append(reply.status)
            if self.limited(reply):
                limited += 1
            elif reply.status is not None and reply.status < 500:
                accepted += 1
        browser.close()
        return accepted, limited, statuses
