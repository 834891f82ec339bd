"""Work a request should not wait for, done in this process after the answer is sent.

Notification emails fan out to every follower of a thread: rendering and sending dozens
of messages inside the request made a comment's p99 latency 170 ms in the bench (and an
SMTP server's round trips would be worse). In production they run on one background
thread per process; in development and tests (BACKGROUND_TASKS_INLINE, on by default
outside production) they run inline, so what a test sends is in the outbox at once.

Not a queue: a task still waiting when its process is killed is lost (Python finishes
pending tasks on a normal exit). The in-app notification rows are written in the
request's transaction either way; only their emails ride on this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None


def _run(task: Callable[[], object]) -> None:
    close_old_connections()
    try:
        task()
    except Exception:  # noqa: BLE001 - a background task has nobody to raise to
        logger.exception("Background task failed: %s", task)
    finally:
        # This thread's own database connection, closed so it never goes stale.
        connections.close_all()


def run_after_response(task: Callable[[], object]) -> None:
    """Run task() inline (development, tests) or on this process's background thread."""
    global _executor
    if getattr(settings, "BACKGROUND_TASKS_INLINE", True):
        task()
        return
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")
    _executor.submit(_run, task)


def wait_for_background_tasks(timeout: float = 10) -> None:
    """Block until every task submitted so far has run (tasks run one at a time, in order)."""
    if _executor is not None:
        marker: Future = _executor.submit(lambda: None)
        marker.result(timeout=timeout)
