"""Readying an app process before it serves: load what requests use, then freeze it.

Everything a worker loads at start (Django, every app, each view module through the
URLconf, the compiled templates) lives as long as the process. gc.freeze() moves it out
of the cyclic garbage collector's reach; otherwise each full collection walked ~120,000
objects and held every thread of the worker for ~70 ms, a few times a minute under a
stream of posts: much of a write's p99 (bench/README.md, "Findings"). Objects made later
are collected as before. Nothing here touches the database or the cache: a worker must
start while either is down.
"""

from __future__ import annotations

import gc

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver


def warm_up() -> int:
    """Import every view and compile the project's templates; the number compiled."""
    get_resolver().reverse_dict  # noqa: B018 - building it imports every view module
    directory = settings.BASE_DIR / "templates"
    names = sorted(str(path.relative_to(directory)) for path in directory.rglob("*.html"))
    for name in names:
        get_template(name)  # kept by the cached template loader
    return len(names)


def warm_up_and_freeze() -> None:
    warm_up()
    gc.collect()
    gc.freeze()
