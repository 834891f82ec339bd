"""Posting rate limit: a fixed window per member, counted in the Django cache.

The counters live in the shared cache (Redis when REDIS_URL is set), so every
app process enforces the same limit. ``settings.POST_RATE_LIMIT`` is
"count/seconds", e.g. "20/60".
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def parse_limit(value: str) -> tuple[int, int]:
    count, _, seconds = value.partition("/")
    return max(int(count), 1), max(int(seconds or 60), 1)


def peek(key: str, *, limit: str, now: float | None = None) -> Verdict:
    """Whether one more action for ``key`` would be allowed, counting nothing."""
    count, seconds = parse_limit(limit)
    now = time.time() if now is None else now
    window = int(now // seconds)
    used = cache.get(f"ratelimit:{key}:{seconds}:{window}", 0)
    return Verdict(allowed=used < count, retry_after=int((window + 1) * seconds - now) + 1)


def hit(key: str, *, limit: str | None = None, now: float | None = None) -> Verdict:
    """Count one action for ``key``; refuse it when the window's budget is spent."""
    count, seconds = parse_limit(limit or settings.POST_RATE_LIMIT)
    now = time.time() if now is None else now
    window = int(now // seconds)
    cache_key = f"ratelimit:{key}:{seconds}:{window}"
    # Most hits land in a window that has its counter already: one round trip. add() is
    # atomic, so of two first requests racing to create the counter one counts on.
    try:
        used = cache.incr(cache_key)
    except ValueError:
        used = 1 if cache.add(cache_key, 1, timeout=seconds + 1) else cache.incr(cache_key)
    retry_after = int((window + 1) * seconds - now) + 1
    # None: the cache is unreachable. Members keep posting rather than all being refused;
    # the limit holds again as soon as it answers.
    return Verdict(allowed=used is None or used <= count, retry_after=retry_after)


def too_many_requests(request, retry_after: int):
    """429 with a clear message: the whole page, or just the message for htmx."""
    context = {"retry_after": retry_after}
    template = "429.html"
    if getattr(request, "htmx", False):
        template += "#rate-limit-message"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    if getattr(request, "htmx", False):
        response["HX-Retarget"] = "#page-alert"
        response["HX-Reswap"] = "innerHTML"
        response["X-Refused"] = "1"  # site.js shows it beside the form that asked
    return response


def post_rate_limited(view):
    """Limit POSTs per signed-in member (anonymous posts are refused elsewhere)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated:
            verdict = hit(f"post:user:{request.user.pk}")
            if not verdict.allowed:
                return too_many_requests(request, verdict.retry_after)
        return view(request, *args, **kwargs)

    return wrapper
