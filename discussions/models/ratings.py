"""Star ratings and age-suitability votes: one per member (or imported handle) per book."""

from __future__ import annotations

import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

RATING_CHOICES = [Decimal(n) / 2 for n in range(1, 11)]
MIN_AGE, MAX_AGE = 1, 21


def age_consensus(ages: list[int]) -> int | None:
    """The community's age suitability: the median vote, halves rounded up."""
    if not ages:
        return None
    return int(Decimal(str(statistics.median(ages))).quantize(Decimal(1), ROUND_HALF_UP))


class ContributionBase(models.Model):
    """By a member, or imported from a seed document with the handle it carried there."""

    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    imported_handle = models.CharField(max_length=150, blank=True, default="")
    source = models.ForeignKey(
        "catalog.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_imported(self) -> bool:
        return self.user_id is None

    @property
    def author_name(self) -> str:
        return self.user.public_name if self.user_id else self.imported_handle


class Rating(ContributionBase):
    value = models.DecimalField(max_digits=2, decimal_places=1)

    class Meta:
        constraints = [
            # NULLs are distinct in unique constraints on SQLite and PostgreSQL,
            # so members and imported handles each get one row per book.
            models.UniqueConstraint(fields=["book", "user"], name="rating_once_per_member"),
            models.UniqueConstraint(
                fields=["book", "source", "imported_handle"], name="rating_imported_once"
            ),
            models.CheckConstraint(
                condition=Q(value__in=RATING_CHOICES),
                name="rating_in_half_stars",
                violation_error_message="Choose a rating from 0.5 to 5 stars, in half stars.",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | (Q(source__isnull=False) & ~Q(imported_handle="")),
                name="rating_has_member_or_import",
                violation_error_message=(
                    "A rating needs a member, or a source and a reviewer's handle."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.value} for {self.book}"


class AgeVote(ContributionBase):
    minimum_age = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "user"], name="age_vote_once_per_member"),
            models.UniqueConstraint(
                fields=["book", "source", "imported_handle"], name="age_vote_imported_once"
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__gte=MIN_AGE) & Q(minimum_age__lte=MAX_AGE),
                name="age_vote_in_range",
                violation_error_message="Choose an age within the listed range.",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | (Q(source__isnull=False) & ~Q(imported_handle="")),
                name="age_vote_has_member_or_import",
                violation_error_message=(
                    "An age vote needs a member, or a source and a reviewer's handle."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.minimum_age}+ for {self.book}"
