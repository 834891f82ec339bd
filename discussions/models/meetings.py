"""Scheduled discussions, who is coming, and how far each member has read."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from bookclub.accounts.models import validate_time_zone
from discussions.models.clubs import Club


class ReadingSection(models.Model):
    """A stretch of a book organisers name ("Part One, chapters 1–9"), in reading order.

    Sections belong to the book, not to one club: a book's parts are the same for
    everyone, and progress recorded against them then works in every club.
    """

    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(help_text="Reading order: 1 is the first section.")
    title = models.CharField(max_length=160)
    last_page = models.PositiveIntegerField(
        null=True, blank=True, help_text="Page on which the section ends, if known."
    )
    last_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How far through the book the section ends (%)."
    )
    last_chapter = models.PositiveIntegerField(
        null=True, blank=True, help_text="Chapter with which the section ends, if known."
    )

    class Meta:
        ordering = ["book", "position"]
        constraints = [
            models.UniqueConstraint(fields=["book", "position"], name="section_position_per_book"),
            models.CheckConstraint(
                condition=Q(last_percent__isnull=True) | Q(last_percent__lte=100),
                name="section_percent_at_most_100",
                violation_error_message=(
                    "A section cannot end more than 100 percent of the way through the book."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None) -> MeetingQuerySet:
        """Meetings that have not ended yet, soonest first (cancelled ones included, marked)."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def visible_to(self, user) -> MeetingQuerySet:
        return self.filter(club__in=Club.objects.visible_to(user))

    def attended_by(self, user) -> MeetingQuerySet:
        """Meetings in clubs the user belongs to."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(club__memberships__user=user)

    def active(self) -> MeetingQuerySet:
        return self.exclude(status=Meeting.Status.CANCELLED)

    def for_listing(self) -> MeetingQuerySet:
        return self.select_related("club", "book", "section")

    def in_club(self, club: Club, pk: int) -> Meeting | None:
        """The club's meeting with this id (None: not one of the club's)."""
        meeting = self.filter(club=club, pk=pk).first()
        if meeting is not None:
            meeting.club = club
        return meeting

    def locked(self, meeting: Meeting) -> Meeting:
        """The meeting afresh, its row locked until the transaction ends. Read what the
        lock guards (RSVPs, seats) in statements after this one: a statement that waited
        for the lock sees the locked row's new version but other rows as they were when
        it started."""
        fresh = self.select_for_update().filter(pk=meeting.pk).first()
        if fresh is None:
            raise Meeting.DoesNotExist("The meeting was deleted.")
        fresh.club = meeting.club
        return fresh


class Meeting(models.Model):
    """A scheduled discussion of a book. Times are stored in UTC plus the zone it was set in."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="meetings")
    book = models.ForeignKey("catalog.Book", on_delete=models.PROTECT, related_name="meetings")
    section = models.ForeignKey(
        ReadingSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The part of the book this meeting discusses.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    place = models.CharField(max_length=255, blank=True)
    online_url = models.URLField("online link", blank=True, help_text="Shown to members only.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats; leave empty for no limit."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    recap = models.TextField(blank=True)
    recap_posted_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: calendar apps apply an update only when it grows.
    sequence = models.PositiveIntegerField(default=0)
    source = models.ForeignKey(
        "catalog.Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Seed document this meeting was imported from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="The meeting must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="meeting_capacity_positive",
                violation_error_message=(
                    "A meeting needs at least 1 seat; leave the capacity empty for no limit."
                ),
            ),
        ]
        indexes = [models.Index(fields=["club", "starts_at"], name="meeting_club_schedule")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:meeting_detail", kwargs={"slug": self.club.slug, "pk": self.pk})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self) -> datetime:
        """Start in the meeting's own time zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == self.Status.POSTPONED

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())

    def starts_in_words(self, *, zone: str, now: datetime | None = None) -> str:
        """When it starts, as a reminder would say it in `zone`: "Today at 18:30",
        "Tomorrow at 09:00", or the day for anything later."""
        tz = zoneinfo.ZoneInfo(zone)
        start = self.starts_at.astimezone(tz)
        days = (start.date() - (now or timezone.now()).astimezone(tz).date()).days
        day = {0: "Today", 1: "Tomorrow"}.get(days, f"{start:%A} {start.day} {start:%B}")
        return f"{day} at {start:%H:%M}"

    def thread_title(self) -> str:
        """Title for this meeting's discussion thread (used by the comment engine at merge)."""
        return f"{self.club.name}: {self.title}"

    def rota_lines(self) -> list[tuple[str, str]]:
        """Each of the club's roles and who holds it at this meeting ("" for nobody yet)."""
        slots = self.rota_slots.select_related("holder")
        held = {slot.role_id: slot.holder.public_name for slot in slots}
        return [(role.name, held.get(role.pk, "")) for role in self.club.rota_roles.all()]

    def going_count(self) -> int:
        return self.rsvps.filter(response=RSVP.Response.GOING).count()

    def capacity_refusal(self, capacity: int | None) -> str:
        """Why this meeting cannot have `capacity` seats now ("" when it can).

        Cutting seats below the number going is refused rather than moving the last to
        answer onto the waitlist: a member who was told they have a seat may have planned
        around it, and only the organiser can know whom to ask to give theirs up.
        """
        if capacity is None or self.pk is None:
            return ""
        going = self.going_count()
        if capacity >= going:
            return ""
        return (
            f"{going} members are going, so the meeting needs at least {going} seats. "
            "Ask some of them to change their answer first, or leave the capacity empty "
            "for no limit."
        )

    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.going_count(), 0)


class RSVPQuerySet(models.QuerySet):
    def seats_taken(self, meeting: Meeting) -> int:
        """How many members are going."""
        return self.filter(meeting=meeting, response=RSVP.Response.GOING).count()

    def answer_of(self, meeting: Meeting, user) -> RSVP | None:
        """The member's RSVP to the meeting, if any."""
        rsvp = self.filter(meeting=meeting, user=user).first()
        if rsvp is not None:
            rsvp.meeting = meeting
        return rsvp


class RSVP(models.Model):
    """A member's answer. "Going" beyond capacity becomes "waitlisted" with a queue position."""

    class Response(models.TextChoices):
        GOING = "going", "Going"
        WAITLISTED = "waitlisted", "On the waitlist"
        MAYBE = "maybe", "Maybe"
        NOT_GOING = "not_going", "Can't go"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    response = models.CharField(max_length=16, choices=Response.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RSVPQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_once_per_meeting"),
            models.UniqueConstraint(
                fields=["meeting", "waitlist_position"], name="rsvp_unique_waitlist_position"
            ),
            models.CheckConstraint(
                condition=(
                    Q(response="waitlisted", waitlist_position__isnull=False)
                    | (~Q(response="waitlisted") & Q(waitlist_position__isnull=True))
                ),
                name="rsvp_waitlist_position_iff_waitlisted",
                violation_error_message="Only members on the waitlist have a place on it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.meeting}: {self.response}"


class ReadingProgressQuerySet(models.QuerySet):
    def for_meeting(self, *, user, meeting: Meeting) -> ReadingProgressQuerySet:
        return self.for_book(user=user, book_id=meeting.book_id)

    def for_book(self, *, user, book_id: int) -> ReadingProgressQuerySet:
        return self.filter(user=user, book_id=book_id).select_related("section")


class ReadingProgress(models.Model):
    """How far one member has read one book, in the format they read it in: through a
    section, to a chapter, to a page of their own edition (with its page count), a
    percentage (an ebook), or a time into the audiobook (with its length).
    discussions/services/spoilers.py turns it into a position in the book's sections."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        ReadingSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The last section finished.",
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    chapter = models.PositiveIntegerField(null=True, blank=True, help_text="Last chapter finished.")
    edition_pages = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pages in the member's own edition."
    )
    audio_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="How far into the audiobook, in seconds."
    )
    audio_length_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="The audiobook's length, in seconds."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReadingProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reading progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="progress_once_per_book"),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="progress_percent_at_most_100",
                violation_error_message="A percentage runs from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(edition_pages__isnull=True)
                | Q(page__isnull=True)
                | Q(page__lte=F("edition_pages")),
                name="progress_page_within_edition",
                violation_error_message="The page is past the end of your edition.",
            ),
            models.CheckConstraint(
                condition=Q(audio_seconds__isnull=True)
                | (
                    Q(audio_length_seconds__isnull=False)
                    & Q(audio_seconds__lte=F("audio_length_seconds"))
                ),
                name="progress_audio_within_length",
                violation_error_message="The time is past the end of the audiobook.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.book}: {self.describe()}"

    def describe(self) -> str:
        parts = []
        if self.section_id:
            parts.append(f"finished {self.section.title}")
        if self.chapter is not None:
            parts.append(f"chapter {self.chapter}")
        if self.page is not None:
            of = f" of {self.edition_pages}" if self.edition_pages else ""
            parts.append(f"page {self.page}{of}")
        if self.audio_seconds is not None:
            parts.append(f"{clock(self.audio_seconds)} of {clock(self.audio_length_seconds or 0)}")
        if self.percent is not None:
            parts.append(f"{self.percent}%")
        return ", ".join(parts) or "not started"


def clock(seconds: int) -> str:
    """A time into an audiobook as h:mm:ss."""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Reminder(models.Model):
    """One row per reminder sent: the unique pair makes sending twice impossible."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="reminder_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.user} for {self.meeting}"
