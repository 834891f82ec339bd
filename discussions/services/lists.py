"""Book lists: a member's own, or a club's that its members edit together.

Positions are kept 1, 2, 3…: adding puts a book last, moving swaps it with its neighbour,
removing closes the gap. Every row is saved one at a time.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from catalog.models import Book
from discussions.models import BookList, Club, ListItem


def _touch(book_list: BookList) -> None:
    book_list.updated_at = timezone.now()
    book_list.save(update_fields=["updated_at"])


def book_list_create(
    *, title: str, description: str = "", owner=None, club: Club | None = None, is_public=True
) -> BookList:
    book_list = BookList(
        owner=owner,
        club=club,
        title=title.strip(),
        description=description.strip(),
        is_public=is_public if club is None else True,
    )
    book_list.full_clean()
    book_list.save()
    return book_list


def book_list_update(*, book_list: BookList, title: str, description: str, is_public: bool):
    book_list.title, book_list.description = title.strip(), description.strip()
    if book_list.club_id is None:
        book_list.is_public = is_public
    book_list.updated_at = timezone.now()
    book_list.full_clean()
    book_list.save()
    return book_list


@transaction.atomic
def list_item_add(*, book_list: BookList, book: Book, note: str = "", added_by) -> ListItem:
    if book_list.items.filter(book=book).exists():
        raise ValidationError(f"“{book.title}” is already on this list.")
    last = book_list.items.aggregate(last=Max("position"))["last"] or 0
    try:
        with transaction.atomic():
            item = ListItem.objects.create(
                book_list=book_list,
                book=book,
                note=note.strip(),
                position=last + 1,
                added_by=added_by,
            )
    except IntegrityError as error:
        raise ValidationError(f"“{book.title}” is already on this list.") from error
    _touch(book_list)
    return item


def list_item_note_set(*, item: ListItem, note: str) -> ListItem:
    item.note = note.strip()
    item.full_clean(exclude=["book_list", "book", "added_by"])
    item.save(update_fields=["note"])
    _touch(item.book_list)
    return item


@transaction.atomic
def list_item_move(*, item: ListItem, up: bool) -> ListItem:
    """Swap the book with the one before it (up) or after it."""
    siblings = item.book_list.items.select_for_update()
    neighbour = (
        siblings.filter(position__lt=item.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is not None:
        item.position, neighbour.position = neighbour.position, item.position
        item.save(update_fields=["position"])
        neighbour.save(update_fields=["position"])
        _touch(item.book_list)
    return item


@transaction.atomic
def list_item_remove(*, item: ListItem) -> None:
    book_list, position = item.book_list, item.position
    item.delete()
    for later in book_list.items.filter(position__gt=position).order_by("position"):
        later.position = F("position") - 1
        later.save(update_fields=["position"])
    _touch(book_list)


def book_list_delete(*, book_list: BookList) -> None:
    book_list.delete()
