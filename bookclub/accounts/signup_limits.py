"""Sign-up limits that stop scripts but not a room of people.

A club often signs up together: six to a dozen people on one library's or school's
network within a few minutes. A script makes hundreds, from one address or spread over
many addresses with one throwaway email domain. So each source gets a generous short
burst and a tight daily budget, counted per network address (an IPv6 client's /64, which
it can change at will) and per email domain:

  address: 12 in 10 minutes, 30 a day (SIGNUP_RATE_LIMIT_ADDRESS)
  domain:  30 in 10 minutes, 200 a day (SIGNUP_RATE_LIMIT_DOMAIN)

Each limit is "count/seconds", several separated by commas. Only completed sign-ups
count, so a mistyped password costs the room nothing. Counters live in the cache, shared
by every process when REDIS_URL is set.
"""

from __future__ import annotations

import ipaddress
from math import ceil

from django.conf import settings

from bookclub import ratelimit

ADDRESS_LIMITS = "12/600,30/86400"
DOMAIN_LIMITS = "30/600,200/86400"


def _sources(*, address: str, email: str) -> list[tuple[str, str]]:
    """(counter key, limits) for each source a sign-up counts against."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        network = address
    else:
        prefix = 64 if ip.version == 6 else 32
        network = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    domain = email.rpartition("@")[2].strip().lower()
    sources = [
        (
            f"signup:address:{network}",
            getattr(settings, "SIGNUP_RATE_LIMIT_ADDRESS", ADDRESS_LIMITS),
        )
    ]
    if domain:
        limits = getattr(settings, "SIGNUP_RATE_LIMIT_DOMAIN", DOMAIN_LIMITS)
        sources.append((f"signup:domain:{domain}", limits))
    return sources


def signup_refusal(*, address: str, email: str) -> str:
    """Why a sign-up from here must wait ("" when it may go ahead); counts nothing."""
    for key, limits in _sources(address=address, email=email):
        for limit in limits.split(","):
            verdict = ratelimit.peek(key, limit=limit.strip())
            if not verdict.allowed:
                minutes = max(round(verdict.retry_after / 60), 1)
                wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
                if minutes > 90:
                    hours = ceil(minutes / 60)
                    wait = f"{hours} hour{'s' if hours != 1 else ''}"
                return (
                    "Many accounts have been created from your network or email provider "
                    f"recently. Please try again in about {wait}."
                )
    return ""


def signup_count(*, address: str, email: str) -> None:
    """Count a completed sign-up against its address and email domain."""
    for key, limits in _sources(address=address, email=email):
        for limit in limits.split(","):
            ratelimit.hit(key, limit=limit.strip())
