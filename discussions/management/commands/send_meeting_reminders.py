"""Email everyone going to a meeting a reminder about a day before it starts.

Run it from cron as often as you like (hourly is plenty): each member gets at
most one reminder per meeting, because a Reminder row is written, under a
unique (meeting, member) constraint, in the same transaction as the send.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.management.base import BaseCommand

from discussions.services.meetings import reminder_send, reminders_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Email going members about meetings starting within the next day (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be reminded; send nothing."
        )
        parser.add_argument(
            "--hours", type=int, default=24, help="Remind about meetings starting this soon."
        )

    def handle(self, *args, dry_run: bool = False, hours: int = 24, verbosity: int = 1, **options):
        due = list(reminders_due(window=timedelta(hours=hours)))
        sent = failed = 0
        for rsvp in due:
            if dry_run:
                if verbosity >= 1:
                    self.stdout.write(f"Would remind {rsvp.user} about {rsvp.meeting}")
                continue
            try:
                was_sent = reminder_send(rsvp=rsvp)
            except Exception:
                # Its log row rolled back with the failed send, so the next run retries it;
                # one bad address must not stop everyone else's reminders.
                logger.exception("Reminder to %s for meeting %s failed", rsvp.user, rsvp.meeting_id)
                failed += 1
                continue
            if was_sent:
                sent += 1
                if verbosity >= 2:
                    self.stdout.write(f"Reminded {rsvp.user} about {rsvp.meeting}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {len(due)} reminder(s) due."))
        elif verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
        if failed:
            self.stderr.write(
                self.style.ERROR(f"{failed} reminder(s) failed; they will be retried.")
            )
