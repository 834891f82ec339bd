"""Queueing and delivering email: one row and one task per message, each sent at most once."""

from __future__ import annotations

import hashlib
import logging
import random
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.errors import MessageError
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bookclub.outbox.models import OutboundEmail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    """A message to queue: `key` names what it is about, so asking twice sends it once."""

    key: str
    to: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    status: str  # "sent", "failed", "retry" or "skipped" (sent already, or being sent)
    retry_in: float | None = None


def emails_queue(emails: list[Email]) -> int:
    """Write the emails to the outbox and enqueue one delivery each once the caller commits.

    Keys already in the outbox are left as they are (sent, pending or failed); returns how
    many rows are newly pending. Call it in the transaction that decided to send them.
    """
    if not emails:
        return 0
    from bookclub.outbox.tasks import deliver_email

    keys = [email.key for email in emails]
    with transaction.atomic():
        existing = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        OutboundEmail.objects.bulk_create(
            [
                OutboundEmail(
                    key=email.key,
                    to=email.to,
                    # Names and titles are member-written; a header is one line.
                    subject=" ".join(email.subject.split())[:255],
                    body=email.body,
                    headers=email.headers,
                )
                for email in emails
                if email.key not in existing
            ],
            ignore_conflicts=True,
        )
        fresh = list(
            OutboundEmail.objects.pending()
            .filter(key__in=[key for key in keys if key not in existing])
            .values_list("pk", flat=True)
        )
    for pk in fresh:
        deliver_email.enqueue_on_commit(pk)
    return len(fresh)


def email_queue(*, key: str, to: str, subject: str, body: str, headers=None) -> int:
    return emails_queue([Email(key=key, to=to, subject=subject, body=body, headers=headers or {})])


def message_id(key: str) -> str:
    """The same Message-ID for every attempt: a mail client shows a rare resend as one email."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    host = urlsplit(settings.SITE_URL).hostname or "bookclub.local"
    return f"<{digest}@{host}>"


def is_permanent(error: Exception) -> bool:
    """Whether sending again can never succeed: the server refused the address or the
    message (5xx), or the message cannot even be built. Anything else may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    # A refused sender or failed login is the site's configuration, fixed once for all.
    return isinstance(error, MessageError | UnicodeError | ValueError)


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, capped, half of it random (jitter), so
    emails that failed together do not all come back at the same instant."""
    ceiling = min(
        settings.EMAIL_RETRY_MAX_SECONDS, settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def email_deliver(*, email_id: int) -> Delivery:
    """Send one pending email, holding its row's lock, and record what happened.

    Another delivery of the same row (a redelivered message, the sweeper's copy) skips a
    locked row and finds a sent one sent. The row says "sent" before the message goes, and
    the commit comes as soon as the server has taken it, before the goodbye (QUIT) that a
    slow server may take seconds to answer: only a crash in that one commit's round trip
    can send an email twice, and then with the same Message-ID.
    """
    connection = get_connection()
    try:
        return _deliver_locked(email_id, connection)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - the message was taken (or refused) already
            logger.info("Email %s: closing the mail connection failed", email_id, exc_info=True)


def _deliver_locked(email_id: int, connection) -> Delivery:
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return Delivery("skipped")
        email.attempts += 1
        headers = {**email.headers, "Message-ID": message_id(email.key)}
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            to=[email.to],
            headers=headers,
            connection=connection,
        )
        # Written before sending (uncommitted, under the lock): once the server has the
        # message only the commit is left; a failure below writes the row over again.
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["status", "sent_at", "attempts"])
        try:
            # Opened here, the connection stays open after the send: QUIT waits for the commit.
            connection.open()
            message.send()
        except Exception as error:
            email.status, email.sent_at = OutboundEmail.Status.PENDING, None
            return _record_failure(email, error)
    return Delivery("sent")


def _record_failure(email: OutboundEmail, error: Exception) -> Delivery:
    email.last_error = _describe(error)
    if is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        if not is_permanent(error):
            email.last_error = f"Gave up after {email.attempts} attempts. {email.last_error}"
        email.status = OutboundEmail.Status.FAILED
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        logger.warning("Email %s to %s failed for good: %s", email.key, email.to, email.last_error)
        return Delivery("failed")
    wait = backoff(email.attempts)
    email.due_at = timezone.now() + timedelta(seconds=wait)
    email.save(update_fields=["status", "sent_at", "attempts", "last_error", "due_at"])
    logger.info(
        "Email %s: attempt %d failed (%s); again in %.0f s",
        email.key,
        email.attempts,
        email.last_error,
        wait,
    )
    return Delivery("retry", retry_in=wait)


def emails_retry(*, emails: QuerySet[OutboundEmail]) -> int:
    """Staff's retry: failed emails become pending again, with a fresh count of attempts."""
    from bookclub.outbox.tasks import deliver_email

    with transaction.atomic():
        ids = list(
            emails.select_for_update()
            .filter(status=OutboundEmail.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, attempts=0, due_at=timezone.now()
        )
        for pk in ids:
            deliver_email.enqueue_on_commit(pk)
    return len(ids)


def emails_sweep(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue again the pending emails overdue by OUTBOX_STALE_SECONDS: their messages were
    lost (the broker was down at enqueue time, a worker died holding them)."""
    from bookclub.outbox.tasks import deliver_email

    now = now or timezone.now()
    before = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.overdue(before=before)
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        # Due again now: the next sweeps leave them to this delivery for a while.
        OutboundEmail.objects.filter(pk__in=ids).update(due_at=now)
        for pk in ids:
            deliver_email.enqueue_on_commit(pk)
    if ids:
        logger.warning("Outbox sweep: %d overdue email(s) enqueued again", len(ids))
    return len(ids)


def emails_prune(*, now: datetime | None = None) -> int:
    """Forget sent emails after SENT_EMAIL_RETENTION_DAYS (long after any redelivery)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS)
    deleted, _ = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


def emails_purge(*, to: list[str]) -> int:
    """Drop every email to these addresses: those still owed (pending, or failed and kept
    for staff), so a member who deleted their account hears nothing more from us, and the
    copies of those sent, which hold what they were told."""
    addresses = [address for address in to if address]
    if not addresses:
        return 0
    query = Q()
    for address in addresses:
        query |= Q(to__iexact=address)
    deleted, _ = OutboundEmail.objects.filter(query).delete()
    return deleted
