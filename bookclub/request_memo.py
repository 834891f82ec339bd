"""Values read from the shared cache once per request.

A book page asks for the catalog version, the book's community version and a few cached
rows several times over (the page key, the shared render, the personal holes); each ask
is a Redis round trip. Within one request they cannot usefully change, except by the
request's own writes, which forget() what they changed. Outside a request (management
commands, tests calling functions directly) nothing is memoised.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def memoised(key: str, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def prefetch(keys: list[str]) -> None:
    """Read these keys from the shared cache in one round trip (MGET) for the memoised
    reads that follow in this request. Keys not found are left to those reads (a version
    is created there, after the request's access checks, never for any key asked here)."""
    from django.core.cache import cache

    memo = _memo.get()
    if memo is None:
        return
    missing = [key for key in keys if key not in memo]
    if missing:
        memo.update(cache.get_many(missing))


def peek(key: str):
    """What this request has read for `key` so far (None if nothing)."""
    memo = _memo.get()
    return None if memo is None else memo.get(key)


def remember(key: str, value) -> None:
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def forget(key: str) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def read_through(key: str, build: Callable[[], T], timeout: int) -> T:
    """build() kept in the shared cache under `key` (a key that carries its data's
    versions), read once per request. None is a value too (boxed in a tuple)."""
    from django.core.cache import cache

    boxed = memoised(key, lambda: cache.get(key))
    if boxed is None:
        boxed = (build(),)
        cache.set(key, boxed, timeout)
        remember(key, boxed)
    return boxed[0]
