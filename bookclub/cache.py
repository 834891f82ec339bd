"""Data versions: the one rule that keeps cached output fresh.

Every cached fragment and every visitor page's ETag is keyed by the versions of the data
it shows (pretix's ObjectRelatedCache idea): "catalog", "book:<slug>" (a book's community),
"meeting:<id>", "clubs", "people", "shelves:<username>", and "reader:<user id>" (a
member's own choices). A write bumps the version of what it changed, from a model signal
(catalog/apps.py, discussions/apps.py, bookclub/accounts/apps.py) or from the service
that writes in bulk (discussions/services/comments.py, ratings.py), so old entries are
never read again and expire on their own.
"""

from __future__ import annotations

import secrets
import threading

from django.core.cache import cache
from django.db import transaction

# Set when a bump could not reach the cache (an outage that kept its data): the first
# read once it answers again bumps "epoch", which is part of every version.
_bump_lost = threading.Event()


def _key(name: str) -> str:
    return f"version:{name}"


def _fresh() -> int:
    # Random, not 1: a version that starts again (Redis restarted, key evicted) must not
    # meet entries stored under its old numbers.
    return secrets.randbelow(2**48) + 1


def versions(**names: str) -> dict[str, str]:
    """{alias: the current version of its name}, in one round trip when they all exist:
    versions(catalog="catalog", community="book:dune")."""
    if _bump_lost.is_set() and _incr("epoch"):
        _bump_lost.clear()
    keys = {alias: _key(name) for alias, name in {**names, "epoch": "epoch"}.items()}
    found = cache.get_many(list(keys.values()))
    current = {}
    for alias, key in keys.items():
        value = found.get(key)
        if value is None:
            cache.add(key, _fresh(), timeout=None)  # only if no other process did meanwhile
            value = cache.get(key)
        # None again: the cache is unreachable. A number nothing was stored under means
        # every fragment renders afresh and no ETag matches: slower, never stale.
        current[alias] = value if value is not None else _fresh()
    epoch = current.pop("epoch")
    return {alias: f"{epoch}.{value}" for alias, value in current.items()}


def _incr(name: str) -> bool:
    """Add one to a version; False when the cache could not be reached."""
    try:
        return cache.incr(_key(name)) is not None
    except ValueError:  # never read, or evicted: start afresh
        return cache.add(_key(name), _fresh(), timeout=None) is not None


def bump(*names: str) -> None:
    """Retire everything cached under these versions: now, so the writing request reads
    its own change, and again on commit, since another process may have cached the
    pre-commit state under the new number meanwhile."""

    def bump_now() -> None:
        for name in names:
            if not _incr(name):
                _bump_lost.set()

    bump_now()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump_now, robust=True)


def reader_version(user_id: int) -> str:
    """A member's own choices (ratings, votes, follows, flags, RSVPs, progress, shelves):
    what discussions/viewer.py caches for them is keyed by it. Pages read it with their
    other versions (one round trip) and hand it to the viewer."""
    return f"reader:{user_id}"


def page_versions(user, **names: str) -> dict[str, str]:
    """versions(**names), plus the member's own as "reader" when `user` is signed in."""
    if getattr(user, "is_authenticated", False):
        names["reader"] = reader_version(user.pk)
    return versions(**names)


def cache_is_up() -> bool:
    """Whether the cache answers (for /healthz): a miss and an outage look alike otherwise."""
    cache.set("healthz:probe", 1, timeout=10)
    return cache.get("healthz:probe") == 1
