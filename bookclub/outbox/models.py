"""Every email the site sends, one row each: the outbox the delivery tasks work through."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboundEmail.Status.PENDING)

    def overdue(self, *, before):
        """Pending emails whose delivery should have happened before `before`."""
        return self.pending().filter(due_at__lte=before)


class OutboundEmail(models.Model):
    """One message to one address, written in the transaction that decided to send it.

    The row, not the broker's message, is what is owed: a message lost with the broker or
    a killed worker is enqueued again by the sweeper, and the status (checked under the
    row's lock) makes every delivery after the first a no-op.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting to be sent"
        SENT = "sent", "sent"
        FAILED = "failed", "failed (not retried)"

    # The idempotency key: what the email is about, e.g. "notification:42". The same key
    # twice is the same email, whoever asks for it; it is also the Message-ID's local part.
    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # When it should next be sent: now, or after a transient failure's backoff.
    due_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="email_overdue"),
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="email_failed"),
            models.Index(fields=["sent_at"], condition=Q(status="sent"), name="email_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
