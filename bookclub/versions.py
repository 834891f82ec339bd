"""Data versions: one counter in the shared cache per kind of data a page shows (and the
retiring of single cached entries, entries_changed).

Cached pages and reads are keyed by the versions of what they show; a write bumps the
version, so old entries are never read again and expire on their own. Within a request a
version is read once (bookclub.request_memo).

A write bumps twice: at once, so the writing request (and a test, whose transaction never
commits) reads its own change, and when the transaction commits, so whatever another
process cached meanwhile from the uncommitted state is retired too. Each key is bumped at
most once per request and once per commit however many rows changed it (a new comment
saves twice: that was four bumps of two Redis round trips each; now two of one)."""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from bookclub.request_memo import forget, memoised, peek, remember

# Keys changed by this thread's open transaction, bumped together when it commits.
_pending: ContextVar[set[str] | None] = ContextVar("versions_pending", default=None)


def fresh_version() -> int:
    """A version's first value: random, not 1, so that after the cache is emptied (Redis
    restarted, the key evicted) versions do not start again at numbers whose pages
    processes still hold in memory (bookclub.shared_pages.local_pages)."""
    return secrets.randbelow(2**40) + 1


def read_version(key: str) -> int:
    def read() -> int:
        version = cache.get(key)
        if version is None:
            # add() only sets the key if no other process set it meanwhile.
            cache.add(key, fresh_version(), timeout=None)
            version = cache.get(key, 1)
        return version

    return memoised(key, read)


def bump_version(key: str) -> None:
    forget(key)
    try:
        cache.incr(key)
    except ValueError:  # not there (never read, or evicted): start afresh
        cache.add(key, fresh_version(), timeout=None)


def _bump_pending() -> None:
    pending = _pending.get()
    if not pending:
        return
    keys = sorted(pending)
    pending.clear()
    for key in keys:
        bump_version(key)
        forget(_bumped_marker(key))  # a later transaction in the request bumps at once again


def _bumped_marker(key: str) -> str:
    return f"bumped-now:{key}"


def version_changed(key: str) -> None:
    """Retire everything cached under this version, now and again on commit."""
    if not transaction.get_connection().in_atomic_block:
        bump_version(key)  # autocommit: the write is committed already
        return
    if not peek(_bumped_marker(key)):
        bump_version(key)
        remember(_bumped_marker(key), True)  # outside a request nothing is remembered
    pending = _pending.get()
    if pending is None:
        pending = set()
        _pending.set(pending)
    pending.add(key)
    # One callback per call (they are cheap, and all but the first find nothing to do): a
    # rolled-back savepoint drops the callbacks registered inside it, and the keys changed
    # before it must still be bumped when the outer transaction commits. Keys a rolled-back
    # transaction left here are bumped at the next commit: one harmless extra bump.
    transaction.on_commit(_bump_pending, robust=True)


def entries_changed(*keys: str) -> None:
    """Delete cache entries whose rows changed: now (one round trip for all of them) and,
    inside a transaction, again when it commits (another process may have cached the
    uncommitted state meanwhile). In autocommit the write is committed already: once."""
    for key in keys:
        forget(key)
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
