"""Rate-limit probes: one client spreads attempts over every app process and counts refusals.

Counters live in the shared cache (Redis), so the configured limit must hold for the sum over
processes; per-process counters would let through `limit` attempts on each process. A probe
for a members-only limit (posting comments, POST_RATE_LIMIT) sets `member` to a facts key and
its own `fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.web import Browser, Reply

Fields = Callable[[int, dict[str, str]], dict[str, str]]


def wrong_password(login_fact: str = "") -> Fields:
    """Log-in attempts with a wrong password: one account (a facts key) or a new login each."""

    def fields(number: int, facts: dict[str, str]) -> dict[str, str]:
        login = facts[login_fact] if login_fact else f"nobody{number:04d}"
        return {"login": login, "password": f"wrong-password-{number}"}

    return fields


@dataclass
class RateLimitProbe:
    name: str
    path: str  # formatted with the facts
    fields: Fields
    limit: int  # attempts the configured limit lets through, summed over all processes
    attempts: int  # more than `limit`, fewer than `limit` x processes
    form_path: str  # GET first: sets the CSRF cookie
    message: bytes = b""  # a 200 page carrying this (lowercase) text is a refusal too
    member: str = ""  # facts key of the member to sign in as; a visitor when empty

    def limited(self, reply: Reply) -> bool:
        if reply.status == 429:
            return True
        return bool(self.message) and self.message in reply.body.lower()

    def run(self, ports: list[int], facts: dict[str, str]) -> tuple[int, int, list[int | None]]:
        """Returns (accepted, limited, statuses) over `attempts` posts alternating processes."""
        cookies = {}
        if self.member:
            from bench.integrity import sign_in

            cookies["sessionid"] = sign_in([facts[self.member]])[facts[self.member]]
        browser = Browser(ports, timeout=30, cookies=cookies)
        browser.get(self.form_path.format(**facts), port=ports[0])
        accepted = limited = 0
        statuses = []
        for number in range(self.attempts):
            reply = browser.post(self.path.format(**facts), self.fields(number, facts))
            statuses.append(reply.status)
            if self.limited(reply):
                limited += 1
            elif reply.status is not None and reply.status < 500:
                accepted += 1
        browser.close()
        return accepted, limited, statuses
