"""The question bank: discussion questions per reading section, upvoted and answered.

A question belongs to a club (private clubs keep theirs private) and to a book, and
usually to one of the book's reading sections, which spoiler-gates it and its answers.
Its answers are the comments of its own small Thread.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from discussions.models.clubs import Club
from discussions.models.meetings import ReadingSection

QUESTION_MAX_LENGTH = 1000


class QuestionQuerySet(models.QuerySet):
    def live(self) -> QuestionQuerySet:
        """Neither retired nor deleted: what can still be voted on and put on an agenda."""
        return self.filter(retired_at__isnull=True, deleted_at__isnull=True)

    def of_book(self, *, club: Club, book_id: int) -> QuestionQuerySet:
        return self.filter(club=club, book_id=book_id)

    def in_bank_order(self) -> QuestionQuerySet:
        """Pinned first, then the organisers' order, then the most votes, oldest first;
        each with its vote and answer counts, authors and sections, in one query."""
        return (
            self.select_related("author", "section", "thread")
            .annotate(
                vote_count=Count("votes", distinct=True),
                answer_count=Count("thread__comments", distinct=True),
            )
            .order_by(
                "-is_pinned",
                F("position").asc(nulls_last=True),
                "-vote_count",
                "created_at",
                "pk",
            )
        )

    def in_club(self, club: Club, pk: int) -> Question | None:
        """The club's question with this id, its book, section, thread and counts (None:
        not one of the club's)."""
        question = self.in_bank_order().select_related("book").filter(club=club, pk=pk).first()
        if question is not None:
            question.club = club
        return question


class Question(models.Model):
    """A discussion question a member or organiser proposed for a section of a book."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="questions")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        ReadingSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The part of the book it asks about: readers not there yet see it collapsed.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=QUESTION_MAX_LENGTH)
    body_html = models.TextField(blank=True, default="")
    is_pinned = models.BooleanField(default=False)
    # The organisers' order (empty: ordered by votes after the ordered ones).
    position = models.PositiveIntegerField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["club", "book", "section"], name="question_bank_of_a_book"),
        ]

    def __str__(self) -> str:
        return "[deleted question]" if self.is_deleted else self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse(
            "discussions:question_detail", kwargs={"slug": self.club.slug, "pk": self.pk}
        )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author_id else "[deleted]"

    def can_delete(self, user) -> bool:
        """Its author, and the club's organisers."""
        if not getattr(user, "is_authenticated", False) or self.is_deleted:
            return False
        return self.author_id == user.pk or user.can_organise(self.club)


class QuestionVote(models.Model):
    """One member's upvote of one question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "user"],
                name="question_vote_once_per_member",
                violation_error_message="You have already voted for this question.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} upvoted question {self.question_id}"
