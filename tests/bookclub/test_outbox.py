"""The email outbox: one row and one task per email, sent once, retried with backoff,
refused addresses kept for staff, nothing lost while the broker is down (tasks run eagerly)."""

from __future__ import annotations

import datetime
import logging
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from bookclub.outbox.models import OutboundEmail
from bookclub.outbox.services import backoff, email_deliver, email_queue, emails_sweep
from bookclub.outbox.tasks import deliver_email, prune_sent_emails, sweep_outbox
from tests.conftest import require_redis

pytestmark = pytest.mark.django_db


def queue(key="notification:1", to="kathy@example.org", **fields) -> OutboundEmail:
    fields = {"subject": "Hello", "body": "A body", **fields}
    email_queue(key=key, to=to, **fields)
    return OutboundEmail.objects.get(key=key)


@pytest.fixture
def smtp(monkeypatch):
    """smtp.fail_with(error) makes every send raise it; smtp.recover() undoes it."""

    class Smtp:
        def fail_with(self, error):
            def send_messages(backend, messages):
                raise error

            monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

        def recover(self):
            monkeypatch.undo()

    return Smtp()


def test_an_email_is_queued_on_commit_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
    assert email.status == OutboundEmail.Status.PENDING and mail.outbox == []
    assert len(callbacks) == 1, "one delivery task, after the commit"
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at and email.attempts == 1
    assert [m.to for m in mail.outbox] == [["kathy@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<")


def test_the_same_key_twice_is_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(key="reminder:7")
    with django_capture_on_commit_callbacks(execute=True):
        queue(key="reminder:7", subject="Another subject")
    assert OutboundEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_a_redelivered_task_after_a_lost_ack_sends_nothing_more():
    email = queue()
    assert deliver_email.delay(email.pk).get() == "sent"
    assert deliver_email.delay(email.pk).get() == "skipped"
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id(smtp):
    email = queue()
    smtp.fail_with(smtplib.SMTPServerDisconnected("gone"))
    email_deliver(email_id=email.pk)
    smtp.recover()
    email_deliver(email_id=email.pk)
    other = queue(key="notification:2")
    email_deliver(email_id=other.pk)
    first, second = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first != second
    from bookclub.outbox.services import message_id

    assert first == message_id("notification:1")


class WorkerDied(BaseException):
    """What a SIGKILL is to the code it interrupts: nothing after it runs, no except clause."""


@pytest.fixture
def mail_server(settings):
    """A real mail server on loopback (the bench's), and Django's SMTP backend pointed at it."""
    from bench.smtp_server import MailServer

    server = MailServer(port=0).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    yield server
    server.stop()


def test_a_worker_dying_after_the_server_took_an_email_does_not_send_it_twice(
    mail_server, monkeypatch
):
    """The server has the message; the worker dies saying goodbye (QUIT), or while a slow
    server takes its time answering it: the email must already be recorded as sent, or the
    sweeper's copy sends it again (found by the bench's worker-kill fault)."""
    email = queue()

    def dies(smtp_connection):
        raise WorkerDied

    monkeypatch.setattr(smtplib.SMTP, "quit", dies)
    with pytest.raises(WorkerDied):
        email_deliver(email_id=email.pk)
    monkeypatch.undo()
    assert [d.to for d in mail_server.delivered] == ["kathy@example.org"]
    assert email_deliver(email_id=email.pk).status == "skipped", "the sweeper's copy"
    assert [d.to for d in mail_server.delivered] == ["kathy@example.org"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1


def test_an_email_refused_by_a_real_mail_server_stays_owed_and_goes_once_it_is_back(mail_server):
    email = queue()
    mail_server.refuse()
    assert email_deliver(email_id=email.pk).status == "retry"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and email.sent_at is None
    assert "ConnectionRefusedError" in email.last_error
    mail_server.accept()
    assert email_deliver(email_id=email.pk).status == "sent"
    assert [d.to for d in mail_server.delivered] == ["kathy@example.org"]


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("connection refused"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPRecipientsRefused({"kathy@example.org": (450, b"mailbox busy")}),
        smtplib.SMTPDataError(451, b"try again later"),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),
    ],
)
def test_a_transient_failure_is_recorded_and_retried_after_a_backoff(smtp, error):
    email = queue()
    smtp.fail_with(error)
    before = timezone.now()
    assert email_deliver(email_id=email.pk).status == "retry"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 1
    assert type(error).__name__ in email.last_error
    assert email.due_at > before
    smtp.recover()
    assert email_deliver(email_id=email.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_a_worker_retries_with_a_countdown(smtp):
    """Outside eager mode the task asks Celery to run it again after the backoff."""
    email = queue()
    smtp.fail_with(ConnectionRefusedError("connection refused"))
    with pytest.raises(Retry):
        deliver_email.run(email.pk)


def test_in_eager_mode_a_transient_failure_waits_for_the_sweeper(
    smtp, settings, django_capture_on_commit_callbacks
):
    email = queue()
    smtp.fail_with(ConnectionRefusedError("connection refused"))
    assert deliver_email.delay(email.pk).get() == "retry"
    smtp.recover()
    email.refresh_from_db()
    settings.OUTBOX_STALE_SECONDS = 0
    assert emails_sweep(now=email.due_at - datetime.timedelta(seconds=1)) == 0, "not due yet"
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_sweep(now=email.due_at) == 1
    assert len(mail.outbox) == 1


def test_backoff_grows_exponentially_with_jitter_up_to_a_ceiling(settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    settings.EMAIL_RETRY_MAX_SECONDS = 3600
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)]:
        waits = {backoff(attempts) for _ in range(50)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits), (attempts, waits)
        assert len(waits) > 1, "jitter"


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"kathy@example.org": (550, b"no such user")}),
        smtplib.SMTPDataError(554, b"message refused"),
    ],
)
def test_a_refused_address_fails_for_good_and_is_never_retried(smtp, error, settings):
    email = queue()
    smtp.fail_with(error)
    assert deliver_email.delay(email.pk).get() == "failed"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED and email.attempts == 1
    assert "550" in email.last_error or "554" in email.last_error
    smtp.recover()
    settings.OUTBOX_STALE_SECONDS = 0
    assert emails_sweep(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert deliver_email.delay(email.pk).get() == "skipped"
    assert mail.outbox == []


def test_transient_failures_give_up_after_the_maximum_attempts(smtp, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    email = queue()
    smtp.fail_with(ConnectionRefusedError("connection refused"))
    outcomes = [email_deliver(email_id=email.pk).status for _ in range(4)]
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    email.refresh_from_db()
    assert email.last_error.startswith("Gave up after 3 attempts.")


def test_staff_see_failed_emails_with_their_last_error_and_retry_them(
    client, staff, smtp, django_capture_on_commit_callbacks
):
    email = queue(to="typo@example.org")
    smtp.fail_with(smtplib.SMTPRecipientsRefused({"typo@example.org": (550, b"no such user")}))
    email_deliver(email_id=email.pk)
    smtp.recover()
    client.force_login(staff)
    changelist = reverse("admin:outbox_outboundemail_changelist")
    page = client.get(changelist + "?status=failed").content.decode()
    assert "typo@example.org" in page and "no such user" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry", "_selected_action": [email.pk]}, follow=True
        )
    assert "1 email(s) queued again." in response.content.decode()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    assert [m.to for m in mail.outbox] == [["typo@example.org"]]


def test_members_cannot_see_the_outbox(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:outbox_outboundemail_changelist"))
    assert response.status_code == 302


def test_the_sweeper_enqueues_again_only_what_is_overdue(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_STALE_SECONDS = 300
    lost = queue(key="notification:lost")
    recent = queue(key="notification:recent")
    sent = queue(key="notification:sent")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    OutboundEmail.objects.filter(pk__in=[lost.pk, sent.pk]).update(due_at=an_hour_ago)
    email_deliver(email_id=sent.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[lost.to]]
    recent.refresh_from_db()
    assert recent.status == OutboundEmail.Status.PENDING


def test_sent_emails_are_pruned_after_the_retention(settings):
    settings.SENT_EMAIL_RETENTION_DAYS = 30
    old, new, failed = queue(key="a"), queue(key="b"), queue(key="c")
    for email in (old, new):
        email_deliver(email_id=email.pk)
    OutboundEmail.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status=OutboundEmail.Status.FAILED, created_at=timezone.now() - datetime.timedelta(days=90)
    )
    assert prune_sent_emails.delay().get() == 1
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {"b", "c"}


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_reply_is_stored_logged_and_swept_once_it_is_back(
    client, make_user, real_broker, caplog, settings
):
    from catalog.models import Book
    from discussions.models import Comment, Notification
    from discussions.services.comments import comment_create, thread_for_book
    from discussions.tasks import sweep_fan_outs

    author, replier = make_user(), make_user()
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    parent = comment_create(thread=thread_for_book(book=book), author=author, body="Anyone?")
    real_broker("redis://127.0.0.1:1/0")  # nothing listens there
    client.force_login(replier)
    with caplog.at_level(logging.WARNING, logger="bookclub.celery"):
        response = client.post(
            reverse("discussions:comment_reply", args=[parent.pk]), {"body": "Me"}
        )
        second = client.post(
            reverse("discussions:comment_reply", args=[parent.pk]), {"body": "Too"}
        )
    assert response.status_code == second.status_code == 302
    assert "Could not enqueue discussions.fan_out_comment" in caplog.text
    assert "left for the sweeper" in caplog.text, "the second request did not wait on the broker"
    health = client.get("/healthz")
    assert health.status_code == 200, "a broker outage must not pull the instance"
    assert health.json()["broker"] == "down" and health.json()["status"] == "degraded"
    replies = Comment.objects.filter(parent=parent)
    assert all(reply.fan_out_pending for reply in replies)
    assert not Notification.objects.exists() and mail.outbox == []

    from bookclub.celery import app

    app.conf.task_always_eager = True  # the broker is back (here: tasks run in-process)
    settings.OUTBOX_STALE_SECONDS = 0
    assert sweep_fan_outs.delay().get() == 2
    assert Notification.objects.filter(recipient=author).count() == 2
    assert len(mail.outbox) == 2
    assert sweep_fan_outs.delay().get() == 0


def test_healthz_reports_the_brokers_queue_depth(client, real_broker, settings):
    import redis

    url = require_redis().rsplit("/", 1)[0] + "/11"
    queue_name = f"healthz-test-{id(settings)}"
    settings.CELERY_TASK_QUEUES = {queue_name: {}}
    real_broker(url)
    try:
        sweep_outbox.apply_async(queue=queue_name)
        sweep_outbox.apply_async(queue=queue_name)
        body = client.get("/healthz").json()
    finally:
        redis.Redis.from_url(url).delete(queue_name)
    assert body["status"] == "ok" and body["broker"] == "up"
    assert body["queues"] == {queue_name: 2}
