"""A real Celery worker (and its beat) against the real Redis broker, on PostgreSQL.

A comment's followers get their emails exactly once, even when the worker is killed in the
middle of the batch and started again: the outbox rows, not the broker's messages, say what
is owed; the sweeper enqueues what the dead worker held; a sent row is never sent again.
"""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import clean_environ

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/11")
FOLLOWERS = 24
SEND_DELAY = 0.3  # seconds per email in the worker: a batch takes long enough to interrupt
# What the dead worker held is enqueued again by beat's sweeper after this long.
STALE_SECONDS, SWEEP_SECONDS = 3, 1


def _broker() -> str:
    """Redis must be there: on PostgreSQL this test fails loudly rather than skip."""
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        pytest.fail(f"the real-worker test needs Redis at {BROKER}: {error}")
    return BROKER


def _clear_queues(url: str) -> None:
    """Messages left on this test's broker database by an earlier run (never flushdb: the
    queues' bindings must stay for publishers that declared them already)."""
    import redis

    client = redis.Redis.from_url(url)
    for queue in ("default", "email"):
        for suffix in ("", "\x06\x163", "\x06\x166", "\x06\x169"):
            client.delete(queue + suffix)
    client.delete("unacked", "unacked_index", "unacked_mutex")


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{database['USER']}{password}@{host}:{port}/{database['NAME']}"


class Worker:
    """`celery worker -B` in its own process group, so a kill takes its children too."""

    def __init__(self, tmp_path: Path, broker: str, mail_dir: Path):
        self.tmp_path, self.broker, self.mail_dir = tmp_path, broker, mail_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.environ: dict[str, str] = {}

    def start(self) -> None:
        self.starts += 1
        self.log = self.tmp_path / f"worker-{self.starts}.log"
        env = clean_environ(
            DJANGO_ENV="development",
            DATABASE_URL=_database_url(),
            REDIS_URL="",
            CELERY_BROKER_URL=self.broker,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_BACKEND="tests.worker_mail.SlowFileBackend",
            BOOKCLUB_TEST_MAIL_DIR=str(self.mail_dir),
            BOOKCLUB_TEST_MAIL_DELAY=str(SEND_DELAY),
            OUTBOX_STALE_SECONDS=str(STALE_SECONDS),
            OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS),
            **self.environ,
        )
        command = [
            sys.executable, "-m", "celery", "-A", "bookclub", "worker", "--beat",
            "--schedule", str(self.tmp_path / f"beat-{self.starts}"),
            "--concurrency", "1", "--loglevel", "INFO",
            "--hostname", f"test-{os.getpid()}-{self.starts}@{socket.gethostname()}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self._wait_for("ready.", timeout=60)

    def _wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker never said {text!r}:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL, worker and children at once: a crashed machine, no goodbye to the broker."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture
def worker(tmp_path, real_broker):
    broker = _broker()
    _clear_queues(broker)
    real_broker(broker)  # this process publishes there too
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(tmp_path, broker, mail_dir)
    yield worker
    worker.stop()
    _clear_queues(broker)


def _delivered(mail_dir: Path) -> list[str]:
    """The recipient of every email the worker wrote, one entry per file."""
    return [
        email.message_from_bytes(path.read_bytes())["To"] for path in sorted(mail_dir.glob("*.eml"))
    ]


def _wait_until(condition, timeout: float, message) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(message())


def test_followers_get_their_emails_exactly_once_when_the_worker_is_killed_mid_batch(
    client, make_user, worker
):
    from bookclub.outbox.models import OutboundEmail
    from catalog.models import Book
    from discussions.models import Follow, Notification
    from discussions.services.comments import thread_for_book

    assert connection.vendor == "postgresql"
    thread = thread_for_book(book=Book.objects.create(title="Klara and the Sun", slug="klara"))
    followers = [make_user() for _ in range(FOLLOWERS)]
    Follow.objects.bulk_create(Follow(thread=thread, user=user) for user in followers)
    expected = sorted(user.email for user in followers)
    author = make_user()
    worker.start()

    client.force_login(author)
    response = client.post(
        reverse("discussions:comment_create", args=[thread.pk]), {"body": "Who else cried?"}
    )
    assert response.status_code == 302, "the request answers before any email is sent"

    # Mid-batch: a few emails out, the worker asleep inside the next one's send.
    _wait_until(
        lambda: len(_delivered(worker.mail_dir)) >= 5,
        timeout=60,
        message=lambda: f"no emails arrived:\n{worker.tail()}",
    )
    time.sleep(SEND_DELAY / 2)
    worker.kill()
    before_restart = _delivered(worker.mail_dir)
    assert 5 <= len(before_restart) < FOLLOWERS, "the kill did not land mid-batch"
    assert len(set(before_restart)) == len(before_restart), "duplicates before the kill"

    worker.start()
    _wait_until(
        lambda: (
            len(_delivered(worker.mail_dir)) >= FOLLOWERS
            and not OutboundEmail.objects.pending().exists()
        ),
        timeout=90,
        message=lambda: (
            f"{len(_delivered(worker.mail_dir))}/{FOLLOWERS} emails after the restart, "
            f"{OutboundEmail.objects.pending().count()} pending:\n{worker.tail()}"
        ),
    )
    # Long enough for the sweeper to enqueue again whatever it thought lost, and for those
    # duplicate messages to be delivered (as no-ops).
    time.sleep(STALE_SECONDS + 3 * SWEEP_SECONDS + 2 * SEND_DELAY)
    log = worker.log.read_text(errors="replace")
    worker.stop()

    assert sorted(_delivered(worker.mail_dir)) == expected, "lost or duplicated emails"
    assert Notification.objects.filter(comment__thread=thread).count() == FOLLOWERS
    statuses = set(OutboundEmail.objects.values_list("status", flat=True))
    assert statuses == {OutboundEmail.Status.SENT}
    # The sweeper found what the killed worker held; its deliveries found the rows sent.
    assert "Outbox sweep:" in log, log[-3000:]


def test_emails_refused_while_smtp_is_down_go_out_once_when_it_is_back(client, make_user, worker):
    """The mail server refuses connections: the worker retries each email after a backoff
    (real Celery retries with a countdown, through Redis) and sends it once it answers."""
    from bookclub.outbox.models import OutboundEmail
    from catalog.models import Book
    from discussions.models import Follow
    from discussions.services.comments import thread_for_book

    thread = thread_for_book(book=Book.objects.create(title="Klara and the Sun", slug="klara"))
    followers = [make_user() for _ in range(6)]
    Follow.objects.bulk_create(Follow(thread=thread, user=user) for user in followers)
    down = worker.mail_dir / "smtp-down"
    down.touch()
    worker.environ = {"EMAIL_RETRY_BASE_SECONDS": "1", "EMAIL_RETRY_MAX_SECONDS": "2"}
    worker.start()
    client.force_login(make_user())
    response = client.post(
        reverse("discussions:comment_create", args=[thread.pk]), {"body": "Anyone there?"}
    )
    assert response.status_code == 302
    refused = OutboundEmail.objects.filter(attempts__gte=2, last_error__contains="refused")
    _wait_until(
        lambda: refused.count() == len(followers),
        timeout=60,
        message=lambda: f"{refused.count()} emails retried:\n{worker.tail()}",
    )
    assert _delivered(worker.mail_dir) == []
    down.unlink()
    _wait_until(
        lambda: (
            OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == len(followers)
        ),
        timeout=60,
        message=lambda: f"not all sent after SMTP came back:\n{worker.tail()}",
    )
    time.sleep(3)  # any retry still in flight would show up as a duplicate
    assert sorted(_delivered(worker.mail_dir)) == sorted(user.email for user in followers)
    assert "Retry in" in worker.log.read_text(errors="replace")
