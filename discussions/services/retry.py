"""Retry a short write when SQLite reports lock contention.

PostgreSQL waits for row locks; SQLite (shared-cache test databases, several
threads of one dev server) fails at once with "database table is locked", so
writes that may race retry briefly there. Other errors propagate untouched.
"""

from __future__ import annotations

import functools
import time

from django.db import OperationalError, connection


def retry_when_locked(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(50):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.02)
        return None  # unreachable

    return wrapper
