"""Caching of what the catalog shows: one version number for the whole catalog.

The catalog changes rarely (imports, admins' edits) and is read on every book
page, so pages cache their catalog part under the current version. Any write to
a catalog model bumps the version once its transaction commits; old entries are
simply never read again and expire on their own.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from bookclub.request_memo import forget, memoised, remember
from bookclub.shared_pages import fresh_version

VERSION_KEY = "catalog:version"
PAGE_TIMEOUT = 60 * 60 * 24


def catalog_version() -> int:
    return memoised(VERSION_KEY, _read_version)


def _read_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() only sets the key if no other process set it meanwhile.
        cache.add(VERSION_KEY, fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    forget(VERSION_KEY)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, fresh_version(), timeout=None)


def catalog_changed(**_signal_arguments) -> None:
    """Invalidate every cached catalog page, now and again when the transaction commits.

    Bumping now makes this process's next read fresh; bumping again after commit
    retires anything another process cached from the not-yet-committed state.
    """
    _bump()
    transaction.on_commit(_bump, robust=True)


def cached_catalog_context(key: str, build, *, version: int | None = None):
    """build() under `key` for the current catalog version (or `version`, read already)."""
    versioned = f"catalog:v{version or catalog_version()}:{key}"
    value = memoised(versioned, lambda: cache.get(versioned))
    if value is None:
        value = build()
        cache.set(versioned, value, PAGE_TIMEOUT)
        remember(versioned, value)
    return value
