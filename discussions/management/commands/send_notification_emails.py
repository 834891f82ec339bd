"""Make the notifications of comments posted since, and send the emails waiting in the
outbox (production's way; see NOTIFICATIONS_INLINE).

    manage.py send_notification_emails            # one pass over what is waiting
    manage.py send_notification_emails --loop 5   # keep going, resting 5 s when idle

Run the looping form as its own process beside the web servers (or the one-pass form
from cron every minute). Several senders may run at once: each claims its rows with
SELECT … FOR UPDATE SKIP LOCKED. Delivery is at least once: a batch whose transaction
fails is sent again, whole, by the next pass.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from discussions.services.notifications import (
    fan_out_pending_comments,
    notification_emails_send,
    pending_email_batch,
)

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Email members the notifications waiting in the outbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="keep sending; rest this long when idle"
        )
        parser.add_argument("--batch", type=int, default=200, help="notifications per pass")

    def handle(self, *args, loop: float | None = None, batch: int = 200, **options):
        while True:
            claimed, sent = self.send_batch(batch)
            if options.get("verbosity", 1) >= 2 or (claimed and loop is None):
                self.stdout.write(f"{sent} email(s) sent for {claimed} notification(s).")
            if loop is None:
                return
            if claimed < batch:
                time.sleep(loop)

    def send_batch(self, limit: int) -> tuple[int, int]:
        with transaction.atomic():
            fanned_out = fan_out_pending_comments()
        with transaction.atomic():
            pending = pending_email_batch(limit)
            sent = sum(
                notification_emails_send(comment_id=comment_id, user_ids=user_ids)
                for comment_id, user_ids in pending
            )
        return fanned_out + sum(len(user_ids) for _, user_ids in pending), sent
