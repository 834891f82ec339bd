"""Caching of what the catalog shows: one version number for the whole catalog.

The catalog changes rarely (imports, admins' edits) and is read on every book
page, so pages cache their catalog part under the current version. Any write to
a catalog model bumps the version once its transaction commits; old entries are
simply never read again and expire on their own.
"""

from __future__ import annotations

from django.core.cache import cache

from bookclub.request_memo import memoised, remember
from bookclub.versions import read_version, version_changed

VERSION_KEY = "catalog:version"
PAGE_TIMEOUT = 60 * 60 * 24


def catalog_version() -> int:
    return read_version(VERSION_KEY)


def catalog_changed(**_signal_arguments) -> None:
    """Invalidate every cached catalog page, now and again when the transaction commits."""
    version_changed(VERSION_KEY)


def cached_catalog_context(key: str, build, *, version: int | None = None):
    """build() under `key` for the current catalog version (or `version`, read already)."""
    versioned = f"catalog:v{version or catalog_version()}:{key}"
    value = memoised(versioned, lambda: cache.get(versioned))
    if value is None:
        value = build()
        cache.set(versioned, value, PAGE_TIMEOUT)
        remember(versioned, value)
    return value
