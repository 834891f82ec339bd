"""The Celery app: Redis as the broker in production, eager (in-process) without one.

Workers and beat are started with `celery -A bookclub worker` / `celery -A bookclub beat`;
their configuration is the CELERY_* block of bookclub/settings.py.
"""

from __future__ import annotations

import logging
import os
import time

import celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookclub.settings")

logger = logging.getLogger(__name__)

# After a failed publish, requests stop trying the broker for this long: each try costs a
# connect timeout, and a page that queues twenty emails must not pay it twenty times.
BROKER_DOWN_PAUSE = 5.0
_broker_down_until = 0.0


class Task(celery.Task):
    """A task enqueued once the caller's transaction commits (pretix's TransactionAwareTask).

    Every caller also writes the row that says the work is owed (a pending email, a comment
    not yet fanned out) in that same transaction, so a broker that cannot be reached loses
    nothing: the failure is logged and the beat sweepers enqueue the work again later.
    """

    def enqueue_on_commit(self, *args) -> None:
        # robust: the caller's data is committed; a failure here must not answer an error.
        transaction.on_commit(lambda: self.enqueue(*args), robust=True)

    def enqueue(self, *args) -> bool:
        """Publish now; False (logged) when the broker cannot be reached."""
        global _broker_down_until
        if self.app.conf.task_always_eager:
            self.apply_async(args)
            return True
        if time.monotonic() < _broker_down_until:
            logger.warning("Broker down: %s%r left for the sweeper", self.name, args)
            return False
        try:
            self.apply_async(args)
        except Exception:
            _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
            logger.exception("Could not enqueue %s%r; the sweeper will pick it up", self.name, args)
            return False
        return True


app = celery.Celery("bookclub", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
_broker_clients: dict[str, object] = {}


def broker_status() -> dict:
    """For /healthz: whether the broker answers, and how many messages wait on each queue."""
    from django.conf import settings

    if app.conf.task_always_eager:
        return {"broker": "eager"}
    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return {"broker": "unknown"}
    import redis

    client = _broker_clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        _broker_clients[url] = client
    queues = list(settings.CELERY_TASK_QUEUES)
    try:
        pipe = client.pipeline(transaction=False)
        for queue in queues:
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        lengths = pipe.execute()
    except (redis.RedisError, OSError):
        return {"broker": "down"}
    step = len(_PRIORITY_SUFFIXES)
    depth = {queue: sum(lengths[i * step : (i + 1) * step]) for i, queue in enumerate(queues)}
    return {"broker": "up", "queues": depth}
