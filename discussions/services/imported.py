"""Community activity imported from a seed document (the public-library catalog).

Imported contributions keep the handle, date and source they had there. They
are not accounts: no User row exists for them, so nobody can sign in as one or
claim one by registering the same name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from django.db import transaction

from catalog.models import Book, Source
from discussions.models import AgeVote, Comment, Rating
from discussions.services.comments import comment_render, thread_for_book


class ImportedComment(Protocol):
    handle: str
    posted_on: datetime.date
    rating: Decimal | None
    body: str
    line: int


class ImportedAgeVote(Protocol):
    handle: str
    posted_on: datetime.date
    rating: Decimal | None
    minimum_age: int


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _rating_save(*, book: Book, source: Source, handle: str, day, value) -> bool:
    _, created = Rating.objects.get_or_create(
        book=book,
        source=source,
        imported_handle=handle,
        user=None,
        defaults={"value": Decimal(value), "created_at": _moment(day)},
    )
    return created


@transaction.atomic
def imported_activity_save(
    *,
    book: Book,
    source: Source,
    comments: Iterable[ImportedComment],
    age_votes: Iterable[ImportedAgeVote],
) -> dict[str, int]:
    """Store the document's comments, ratings and age votes; re-running creates nothing."""
    counts = dict.fromkeys(
        [
            "comments_created", "comments_unchanged", "ratings_created",
            "ratings_unchanged", "age_votes_created", "age_votes_unchanged",
        ],
        0,
    )  # fmt: skip
    thread = thread_for_book(book=book)
    for item in comments:
        comment, created = Comment.objects.get_or_create(
            thread=thread,
            source=source,
            imported_handle=item.handle,
            created_at=_moment(item.posted_on),
            defaults={"body": item.body.strip(), "body_html": comment_render(item.body)},
        )
        if created:
            comment.place_in_tree(None)
            comment.save(update_fields=["path", "root"])
        counts["comments_created" if created else "comments_unchanged"] += 1
        if item.rating is not None:
            created = _rating_save(
                book=book, source=source, handle=item.handle, day=item.posted_on, value=item.rating
            )
            counts["ratings_created" if created else "ratings_unchanged"] += 1
    for vote in age_votes:
        _, created = AgeVote.objects.get_or_create(
            book=book,
            source=source,
            imported_handle=vote.handle,
            user=None,
            defaults={"minimum_age": vote.minimum_age, "created_at": _moment(vote.posted_on)},
        )
        counts["age_votes_created" if created else "age_votes_unchanged"] += 1
        if vote.rating is not None:
            created = _rating_save(
                book=book, source=source, handle=vote.handle, day=vote.posted_on, value=vote.rating
            )
            counts["ratings_created" if created else "ratings_unchanged"] += 1
    return counts
