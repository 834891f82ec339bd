"""Data versions: one counter in the shared cache per kind of data a page shows.

Cached pages and reads are keyed by the versions of what they show; a write bumps the
version (now, and again when its transaction commits, so anything another process cached
from the not-yet-committed state is retired too). Old entries are never read again and
expire on their own. Within a request a version is read once (bookclub.request_memo).
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

from bookclub.request_memo import forget, memoised


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


def version_changed(key: str) -> None:
    """Retire everything cached under this version, now and again on commit."""
    bump_version(key)
    transaction.on_commit(lambda: bump_version(key), robust=True)
