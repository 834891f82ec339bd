"""A meeting's agenda and the notes taken at it, from which its recap starts.

The recap itself stays on the meeting (`Meeting.recap`, `recap_posted_at`): it is what
the meeting page, its emails and exports show once published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from discussions.models.meetings import Meeting

AGENDA_MAX_LENGTH = 10_000
NOTES_MAX_LENGTH = 20_000


class Agenda(models.Model):
    """What a meeting will go through, as its organisers edited it, and the notes taken."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    body = models.TextField(max_length=AGENDA_MAX_LENGTH, blank=True)
    # The note-taker's notes (organisers for now; the rota's note-taker later).
    notes = models.TextField(max_length=NOTES_MAX_LENGTH, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Agenda of {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse(
            "discussions:agenda_detail",
            kwargs={"slug": self.meeting.club.slug, "pk": self.meeting_id},
        )
