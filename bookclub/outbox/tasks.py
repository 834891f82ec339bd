"""Email tasks: thin wrappers over bookclub.outbox.services, one email per task."""

from __future__ import annotations

from celery import shared_task

from bookclub.outbox import services


@shared_task(name="outbox.deliver_email", bind=True, time_limit=300)
def deliver_email(self, email_id: int) -> str:
    """Send one email; a transient failure comes back after its backoff."""
    delivery = services.email_deliver(email_id=email_id)
    # Eagerly (development, tests) a retry would run at once, inside the request: the row
    # stays pending with its due time instead, for the sweeper.
    if delivery.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=delivery.retry_in, max_retries=None)
    return delivery.status


@shared_task(name="outbox.sweep_outbox")
def sweep_outbox() -> int:
    return services.emails_sweep()


@shared_task(name="outbox.prune_sent_emails")
def prune_sent_emails() -> int:
    return services.emails_prune()
