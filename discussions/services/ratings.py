"""Ratings and age votes: one per member per book, enforced by the database."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.models import Book
from discussions.models import AgeVote, Rating
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES
from discussions.services.errors import DiscussionError
from discussions.services.retry import retry_when_locked


@retry_when_locked
def _upsert(model, *, book: Book, user, field: str, value) -> object:
    # update_or_create locks the row it finds; when two requests both find
    # nothing, the unique constraint makes the loser's INSERT fail and Django
    # re-reads the winner's row, so there is never a second row.
    with transaction.atomic():
        obj, _ = model.objects.update_or_create(
            book=book,
            user=user,
            defaults={field: value},
            create_defaults={field: value, "created_at": timezone.now()},
        )
    return obj


def rating_set(*, book: Book, user, value: Decimal) -> Rating:
    value = Decimal(value)
    if value not in RATING_CHOICES:
        raise DiscussionError("Ratings go from 0.5 to 5 stars in half-star steps.")
    return _upsert(Rating, book=book, user=user, field="value", value=value)


@retry_when_locked
def rating_withdraw(*, book: Book, user) -> int:
    deleted, _ = Rating.objects.filter(book=book, user=user).delete()
    return deleted


def age_vote_set(*, book: Book, user, minimum_age: int) -> AgeVote:
    if not MIN_AGE <= int(minimum_age) <= MAX_AGE:
        raise DiscussionError(f"Choose an age from {MIN_AGE} to {MAX_AGE}.")
    return _upsert(AgeVote, book=book, user=user, field="minimum_age", value=int(minimum_age))


@retry_when_locked
def age_vote_withdraw(*, book: Book, user) -> int:
    deleted, _ = AgeVote.objects.filter(book=book, user=user).delete()
    return deleted
