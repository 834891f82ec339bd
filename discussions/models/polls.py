"""Choosing the next book: ranked-choice polls."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from discussions.models.clubs import Club


class Poll(models.Model):
    """Candidates ranked by members; counted by instant runoff when it closes."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="polls")
    title = models.CharField(max_length=200, default="What should we read next?")
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    allow_suggestions = models.BooleanField("members may suggest books", default=True)
    show_results_early = models.BooleanField("show results before closing", default=False)
    source = models.ForeignKey(
        "catalog.Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Seed document the candidates were imported from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:poll_detail", kwargs={"slug": self.club.slug, "pk": self.pk})

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.closed_at is not None or self.closes_at <= (now or timezone.now())

    def results_visible(self, now: datetime | None = None) -> bool:
        return self.show_results_early or self.is_closed(now)


class Candidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "book"], name="candidate_once_per_poll"),
        ]

    def __str__(self) -> str:
        return str(self.book)


class Ballot(models.Model):
    """A member's ranking; replaced whole when they vote again before the poll closes."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Empty once the voter deleted their account: the ballot still counts, anonymously.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="ballot_once_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter or 'a former member'} in {self.poll}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "rank"], name="ballot_rank_once"),
            models.UniqueConstraint(fields=["ballot", "candidate"], name="ballot_candidate_once"),
            models.CheckConstraint(
                condition=Q(rank__gte=1),
                name="ballot_rank_from_one",
                violation_error_message="Ranks start at 1 for your favourite.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.candidate}"
