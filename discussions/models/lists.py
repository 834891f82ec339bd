"""Ordered book lists with a note per book: a member's own, or a club's that its members edit.

A club's "Books we've read" list is not stored: it is the club's past meetings' books
(Club.books_read()), so it fills itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class BookListQuerySet(models.QuerySet):
    def visible_to(self, user) -> BookListQuerySet:
        """Public personal lists, the viewer's own, and lists of clubs they may see."""
        from discussions.models import Club

        clubs = Club.objects.visible_to(user).values("pk")
        mine = Q(owner=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        return self.filter(Q(owner__isnull=False, is_public=True) | mine | Q(club__in=clubs))


class BookList(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="book_lists",
    )
    club = models.ForeignKey(
        "discussions.Club",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="book_lists",
    )
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    is_public = models.BooleanField(
        "anyone can see it", default=True, help_text="A club's list follows the club's privacy."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BookListQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True, club__isnull=False)
                | Q(owner__isnull=False, club__isnull=True),
                name="book_list_has_one_owner",
                violation_error_message="A list belongs to a member or to a club.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="book_list_has_a_title",
                violation_error_message="Give the list a title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:book_list", kwargs={"pk": self.pk})


class ListItem(models.Model):
    book_list = models.ForeignKey(BookList, on_delete=models.CASCADE, related_name="items")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["book_list", "book"],
                name="book_once_per_list",
                violation_error_message="That book is already on this list.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.book} on {self.book_list}"


class ReadingGoal(models.Model):
    """A member's soft goal for a year: shown on their stats page, never emailed about."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    books = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="reading_goal_once_per_year"),
            models.CheckConstraint(
                condition=Q(books__gte=1) & Q(books__lte=1000),
                name="reading_goal_in_range",
                violation_error_message="A goal is from 1 to 1000 books.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.books} books in {self.year}"
