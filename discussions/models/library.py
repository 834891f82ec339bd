"""A member's own library: reading status, read-throughs and named shelves.

The four reading statuses are shelves too (kind other than CUSTOM), so "public or private
per shelf" is one flag for all of them, and a book has at most one status at a time: its
entry on a status shelf. Re-reads are separate read-throughs, each with its own dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class Shelf(models.Model):
    class Kind(models.TextChoices):
        # Values are Goodreads' shelf names, so an export needs no translation.
        WANT_TO_READ = "to-read", "Want to read"
        CURRENTLY_READING = "currently-reading", "Currently reading"
        READ = "read", "Read"
        DID_NOT_FINISH = "did-not-finish", "Did not finish"
        CUSTOM = "custom", "Your own shelf"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shelves"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(max_length=80)
    is_public = models.BooleanField("show on my profile", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "shelves"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=~Q(kind="custom"),
                name="status_shelf_once_per_member",
                violation_error_message="You already have that reading-status shelf.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "user",
                name="shelf_name_once_per_member",
                violation_error_message="You already have a shelf with that name.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="shelf_has_a_name",
                violation_error_message="Give the shelf a name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"

    @property
    def is_status(self) -> bool:
        return self.kind != self.Kind.CUSTOM

    @property
    def slug(self) -> str:
        """The shelf's name as Goodreads writes shelves: lower case, hyphenated."""
        return self.kind if self.is_status else "-".join(self.name.lower().split())


class ShelfEntry(models.Model):
    """A book on a shelf. `user` and `is_status` repeat the shelf's, so the database can
    hold a book to one reading status per member."""

    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="entries")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_status = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "shelf entries"
        constraints = [
            models.UniqueConstraint(
                fields=["shelf", "book"],
                name="book_once_per_shelf",
                violation_error_message="That book is already on this shelf.",
            ),
            models.UniqueConstraint(
                fields=["user", "book"],
                condition=Q(is_status=True),
                name="one_reading_status_per_book",
                violation_error_message="A book has one reading status at a time.",
            ),
        ]
        indexes = [models.Index(fields=["user", "book"], name="shelf_entry_viewer_book")]

    def __str__(self) -> str:
        return f"{self.book} on {self.shelf}"


class ReadThrough(models.Model):
    """One reading of a book: started, finished or given up at some point."""

    class Outcome(models.TextChoices):
        READING = "reading", "Reading"
        READ = "read", "Read"
        DID_NOT_FINISH = "did-not-finish", "Did not finish"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_throughs"
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.READING)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(
        null=True, blank=True, help_text="The day it was finished, or put down for good."
    )
    stopped_at_page = models.PositiveIntegerField(null=True, blank=True)
    stopped_at_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "book"],
                condition=Q(outcome="reading"),
                name="one_open_read_through_per_book",
                violation_error_message="You are already reading this book.",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(finished_on__isnull=True)
                | Q(finished_on__gte=F("started_on")),
                name="read_through_ends_after_it_starts",
                violation_error_message="The finish date is before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="reading") | Q(finished_on__isnull=True),
                name="open_read_through_has_no_end",
                violation_error_message="A book you are still reading has no finish date.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="did-not-finish")
                | (Q(stopped_at_page__isnull=True) & Q(stopped_at_percent__isnull=True)),
                name="only_unfinished_reads_stop_early",
                violation_error_message="Only a book you did not finish has a point reached.",
            ),
            models.CheckConstraint(
                condition=Q(stopped_at_percent__isnull=True) | Q(stopped_at_percent__lte=100),
                name="read_through_percent_at_most_100",
                violation_error_message="A percentage goes up to 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_outcome_display().lower()} {self.book}"

    def point_reached(self) -> str:
        if self.stopped_at_page is not None:
            return f"page {self.stopped_at_page}"
        if self.stopped_at_percent is not None:
            return f"{self.stopped_at_percent}%"
        return ""
