"""A member's import of a Goodreads or StoryGraph export, and what it brings in.

Not the seed importer (discussions/importing.py): that one turns seed documents into
discussions; this one is a member's own library file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class LibraryImport(models.Model):
    """One uploaded file: its progress while it runs and its summary once done."""

    class Format(models.TextChoices):
        GOODREADS = "goodreads", "Goodreads"
        STORYGRAPH = "storygraph", "StoryGraph"

    class Reviews(models.TextChoices):
        PRIVATE = "private", "As private notes only I see"
        PUBLIC = "public", "As public comments on each book"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        MATCHING = "matching", "Matching books"
        SAVING = "saving", "Saving to your library"
        DONE = "done", "Done"
        FAILED = "failed", "Refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_imports"
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    reviews = models.CharField(max_length=10, choices=Reviews.choices, default=Reviews.PRIVATE)
    file_name = models.CharField(max_length=255, blank=True)
    # Emptied once the import has run: the member's file is not kept.
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="library_import_member_recent")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_format_display()} import {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:library_import_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        # Matching is the first 90%; saving, all at once, the rest.
        done = 90 * self.processed_rows // self.total_rows
        return done + (5 if self.status == self.Status.SAVING else 0)


class MemberAddedBook(models.Model):
    """A book a member brought into the catalog (by importing it), for staff to curate."""

    book = models.OneToOneField(
        "catalog.Book", on_delete=models.CASCADE, related_name="member_added"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    provenance = models.CharField(max_length=255)
    curated = models.BooleanField(
        default=False, help_text="Staff have checked the title, authors and ISBN."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["curated", "-created_at"]

    def __str__(self) -> str:
        return f"{self.book}, {self.provenance}"


class PrivateNote(models.Model):
    """A member's own note on a book, seen by them only (an imported private review)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "book"],
                name="private_note_once_per_book",
                violation_error_message="You already have a note on this book.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}'s note on {self.book}"
