"""Queue a reminder email for everyone going to a meeting that starts within a day.

Celery beat runs the same work every quarter of an hour (discussions.tasks), so a
deployment needs no cron; this command is for a look (`--dry-run`) or a nudge by hand.
Each member gets at most one reminder per meeting: a Reminder row is written, under a
unique (meeting, member) constraint, in the same transaction as its queued email.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, transaction

from discussions.services.meetings import reminder_send, reminders_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue reminders to going members of meetings starting within a day (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be reminded; queue nothing."
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
                with transaction.atomic():
                    was_queued = reminder_send(rsvp=rsvp)
            except DatabaseError:
                # Its log row rolled back, so the next run retries it; one failure must not
                # stop everyone else's reminders.
                logger.exception("Reminder to %s for meeting %s failed", rsvp.user, rsvp.meeting_id)
                failed += 1
                continue
            if was_queued:
                sent += 1
                if verbosity >= 2:
                    self.stdout.write(f"Reminded {rsvp.user} about {rsvp.meeting}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {len(due)} reminder(s) due."))
        elif verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Queued {sent} reminder(s)."))
        if failed:
            self.stderr.write(
                self.style.ERROR(f"{failed} reminder(s) failed; they will be retried.")
            )
