"""Club reads: a book a club reads together, its dated schedule, and who follows it."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from discussions.models.clubs import Club
from discussions.models.meetings import ReadingSection


class ClubReadQuerySet(models.QuerySet):
    def of_member(self, user) -> ClubReadQuerySet:
        """Reads of the clubs the user belongs to (membership implies visibility)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(club__memberships__user=user)

    def in_club(self, club: Club, pk: int) -> ClubRead | None:
        read = self.select_related("book").filter(club=club, pk=pk).first()
        if read is not None:
            read.club = club
        return read


class ClubRead(models.Model):
    """A book a club reads together, from a poll's winner or chosen directly."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="reads")
    book = models.ForeignKey("catalog.Book", on_delete=models.PROTECT, related_name="club_reads")
    poll = models.ForeignKey(
        "discussions.Poll",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The poll whose winner this read is.",
    )
    starts_on = models.DateField(help_text="The day the club starts reading.")
    edition_pages = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Pages in the edition the schedule's page numbers follow, if it uses pages.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClubReadQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["club", "starts_on"], name="read_club_start")]

    def __str__(self) -> str:
        return f"{self.club}: {self.book}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:read_detail", kwargs={"slug": self.club.slug, "pk": self.pk})


class ScheduledSectionQuerySet(models.QuerySet):
    def in_order(self) -> ScheduledSectionQuerySet:
        return self.select_related("section").order_by("section__position")

    def due_this_week(self, today: date | None = None) -> ScheduledSectionQuerySet:
        """Sections due from today, soonest first: the first is "this week" for a reader."""
        today = today or timezone.localdate()
        return self.filter(due_on__gte=today).order_by("due_on", "section__position")

    def next_per_read(self, reads, *, today: date | None = None, limit: int = 10) -> list:
        """Each of these reads' next section due ("This week: …"), for reads under way
        or starting within the week, soonest first (one query)."""
        today = today or timezone.localdate()
        due = (
            self.due_this_week(today)
            .filter(read__in=reads, read__starts_on__lte=today + timedelta(days=6))
            .select_related("read__club", "read__book", "section")
        )
        found: dict[int, ScheduledSection] = {}
        for scheduled in due[: limit * 20]:
            found.setdefault(scheduled.read_id, scheduled)
        return list(found.values())[:limit]


class ScheduledSection(models.Model):
    """One section of a read, due on a date (meetings attach to sections)."""

    read = models.ForeignKey(ClubRead, on_delete=models.CASCADE, related_name="schedule")
    section = models.ForeignKey(ReadingSection, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()

    objects = ScheduledSectionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["read", "section"],
                name="scheduled_section_once_per_read",
                violation_error_message="That section is already on the schedule.",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="scheduled_section_due")]

    def __str__(self) -> str:
        return f"{self.section} by {self.due_on}"

    def due_in_words(self, today: date | None = None) -> str:
        """ "due Sunday" within the week, else "due Sunday 14 March"."""
        today = today or timezone.localdate()
        days = (self.due_on - today).days
        if days == 0:
            return "due today"
        if 0 < days < 7:
            return f"due {self.due_on:%A}"
        return f"due {self.due_on:%A} {self.due_on.day} {self.due_on:%B}"

    def shifted(self, weeks: int) -> date:
        return self.due_on + timedelta(weeks=weeks)


class ReadFollow(models.Model):
    """A member following a read: told when the schedule moves, sent digests, and when
    they last caught up (what the catch-up view calls new)."""

    class Digest(models.TextChoices):
        NONE = "none", "No digest"
        WEEKLY = "weekly", "Weekly"
        SECTION = "section", "When a section is due"

    read = models.ForeignKey(ClubRead, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_follows"
    )
    digest = models.CharField(max_length=16, choices=Digest.choices, default=Digest.NONE)
    caught_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["read", "user"], name="read_followed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.read}"
