"""A member's library: reading status, read-throughs and their own shelves.

Every row is saved one at a time, so the model signals (DiscussionsConfig.ready) bump the
member's "shelves:<username>" version. Rules the database holds (one status per book,
one open read-through, dates in order) are checked first with the constraints' own plain
messages, and a race that still breaks one is answered with the same words.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Book
from discussions.models import ReadThrough, Shelf, ShelfEntry

Kind = Shelf.Kind
STATUS_KINDS = [Kind.WANT_TO_READ, Kind.CURRENTLY_READING, Kind.READ, Kind.DID_NOT_FINISH]
RACE = "Someone changed this at the same moment; please try again."


def _save(instance) -> None:
    """Check the row's constraints in words, then save it."""
    instance.validate_constraints()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(RACE) from error


def status_shelves_ensure(*, user) -> dict[str, Shelf]:
    """The member's four reading-status shelves, created (public) the first time."""
    found = {
        shelf.kind: shelf for shelf in Shelf.objects.filter(user=user).exclude(kind=Kind.CUSTOM)
    }
    for kind in STATUS_KINDS:
        if kind not in found:
            shelf, _ = Shelf.objects.get_or_create(
                user=user, kind=kind, defaults={"name": kind.label}
            )
            found[kind] = shelf
    return found


@transaction.atomic
def reading_status_set(
    *,
    user,
    book: Book,
    status: str,
    on: datetime.date | None = None,
    page: int | None = None,
    percent: int | None = None,
) -> ShelfEntry:
    """Put the book on one reading-status shelf and keep its read-throughs in step:
    "currently reading" opens one (started `on`), "read" and "did not finish" close the
    open one or record a new one (finished `on`, or given up at a page or percentage),
    so marking a read book read again is a re-read."""
    shelf = status_shelves_ensure(user=user)[status]
    entry = ShelfEntry.objects.filter(user=user, book=book, is_status=True).first()
    if entry is None:
        entry = ShelfEntry(user=user, book=book, is_status=True, shelf=shelf)
    entry.shelf, entry.user = shelf, user
    _save(entry)

    today = timezone.localdate()
    current = ReadThrough.objects.filter(
        user=user, book=book, outcome=ReadThrough.Outcome.READING
    ).first()
    if status == Kind.WANT_TO_READ:
        if current is not None:  # not started after all
            current.delete()
        return entry
    reading = current or ReadThrough(user=user, book=book)
    if status == Kind.CURRENTLY_READING:
        if current is None or on is not None:
            reading.started_on = on or today
    else:
        reading.outcome = (
            ReadThrough.Outcome.READ if status == Kind.READ else ReadThrough.Outcome.DID_NOT_FINISH
        )
        reading.finished_on = on or today
        if status == Kind.DID_NOT_FINISH:
            reading.stopped_at_page, reading.stopped_at_percent = page, percent
    _save(reading)
    return entry


@transaction.atomic
def reading_status_clear(*, user, book: Book) -> None:
    """Take the book off the member's status shelves; finished read-throughs stay."""
    ShelfEntry.objects.filter(user=user, book=book, is_status=True).delete()
    ReadThrough.objects.filter(user=user, book=book, outcome=ReadThrough.Outcome.READING).delete()


def shelf_create(*, user, name: str, is_public: bool = True) -> Shelf:
    status_shelves_ensure(user=user)  # so a custom shelf cannot take "Read" first
    shelf = Shelf(user=user, kind=Kind.CUSTOM, name=name.strip(), is_public=is_public)
    _save(shelf)
    return shelf


def shelf_update(*, shelf: Shelf, name: str | None = None, is_public: bool) -> Shelf:
    """Rename a member's own shelf (status shelves keep their names) or change who sees it."""
    if name is not None and not shelf.is_status:
        shelf.name = name.strip()
    shelf.is_public = is_public
    _save(shelf)
    return shelf


def shelf_delete(*, shelf: Shelf) -> None:
    if shelf.is_status:
        raise ValidationError("The reading-status shelves stay; you can make them private.")
    shelf.delete()


def shelf_book_add(*, shelf: Shelf, book: Book) -> ShelfEntry:
    """Put a book on one of the member's own shelves (status has its own service)."""
    if shelf.is_status:
        raise ValidationError("Set a reading status with the status control.")
    entry = ShelfEntry.objects.filter(shelf=shelf, book=book).first()
    if entry is None:
        entry = ShelfEntry(shelf=shelf, book=book, user=shelf.user)
        _save(entry)
    return entry


def shelf_book_remove(*, shelf: Shelf, book: Book) -> None:
    # A queryset delete still sends post_delete per row, so the member's version is bumped.
    ShelfEntry.objects.filter(shelf=shelf, book=book).delete()
