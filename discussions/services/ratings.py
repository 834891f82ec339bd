"""Ratings and age votes: one per member per book, enforced by the database."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from bookclub.cache import bump
from catalog.models import Book
from discussions.cache import book_changed, reader_version
from discussions.models import AgeVote, Rating
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES
from discussions.services.errors import DiscussionError
from discussions.services.retry import retry_when_locked


@retry_when_locked
def _upsert(model, *, book: Book, user, field: str, value) -> object:
    """One row per member and book: INSERT … ON CONFLICT DO UPDATE, one statement.

    The database settles a race (two first ratings at once) inside that statement, so there
    is never a second row, no lock to wait for between a read and a write, and no unique-key
    error to recover from. It is a bulk write: it sends no post_save, so the book's
    community version is bumped here. The instance returned carries the values sent (its
    created_at is now's even when an earlier rating was updated).
    """
    now = timezone.now()
    (obj,) = model.objects.bulk_create(
        [model(book=book, user=user, created_at=now, **{field: value})],
        update_conflicts=True,
        unique_fields=["book", "user"],
        update_fields=[field, "updated_at"],
    )
    book_changed(book)
    bump(reader_version(user.pk))
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
