"""A member's Goodreads or StoryGraph export brought into their library.

Two steps, run in the background (discussions.tasks.import_library):
1. Match: every row is looked up in the catalog (ISBN-13, then ISBN-10, then title and
   author), in chunks, writing nothing but the import's progress.
2. Save, in one transaction: books the catalog lacks are created (member-added, with
   their provenance), then shelves, status, read-throughs, ratings and reviews. A failure
   anywhere leaves nothing behind.
Each write compares with what the member already has and changes only what differs, so
importing the same file again changes nothing. New rows are written in bulk (a file may
hold thousands of books), so no model signal runs: _Library.save() and
member_books_create() bump the versions that show them (the member's shelves and choices,
the rated books' communities, the catalog).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookclub.cache import bump
from catalog.models import Authorship, Book, Edition
from catalog.models.book import filing_title
from discussions.cache import community_version, reader_version, shelves_version
from discussions.library_csv import MalformedFile, Row, match_key, parse_export
from discussions.models import (
    Comment,
    LibraryImport,
    PrivateNote,
    Rating,
    ReadThrough,
    Shelf,
    ShelfEntry,
)
from discussions.services.comments import comment_create, thread_for_book
from discussions.services.errors import DiscussionError
from discussions.services.library import status_shelves_ensure
from discussions.services.member_books import member_books_create

logger = logging.getLogger(__name__)
CHUNK = 250
Status = LibraryImport.Status


def library_import_start(
    *, user, file_name: str, content: str, reviews: str, expected: str = ""
) -> LibraryImport:
    """Check the whole file now (MalformedFile names the line and column: nothing is
    stored), then queue the import; one at a time per member."""
    if LibraryImport.objects.filter(
        user=user, status__in=[Status.QUEUED, Status.MATCHING, Status.SAVING]
    ).exists():
        raise ValidationError("An import of yours is still running; wait for it to finish.")
    kind, rows = parse_export(content, expected=expected)
    library_import = LibraryImport.objects.create(
        user=user,
        format=kind,
        reviews=reviews,
        file_name=file_name[:255],
        content=content,
        total_rows=len(rows),
    )
    from discussions.tasks import import_library

    transaction.on_commit(lambda: import_library.delay(library_import.pk))
    return library_import


def _progress(library_import: LibraryImport, **fields) -> None:
    for name, value in fields.items():
        setattr(library_import, name, value)
    library_import.save(update_fields=list(fields))


def _book_ids_by_isbn(rows: list[Row]) -> dict[str, int]:
    isbns = {r.isbn13 for r in rows if r.isbn13} | {r.isbn10_as_13 for r in rows if r.isbn10_as_13}
    return dict(Edition.objects.filter(isbn13__in=isbns).values_list("isbn13", "book_id"))


def _book_ids_by_title(rows: list[Row]) -> dict[tuple[str, str], int]:
    titles = {filing_title(r.title) for r in rows} | {
        filing_title(match_key(r.title, "")[0]) for r in rows
    }
    found = {}
    authorships = Authorship.objects.filter(book__sort_title__in=titles).select_related(
        "author", "book"
    )
    for authorship in authorships:
        key = match_key(authorship.book.title, authorship.author.name)
        found.setdefault(key, authorship.book_id)
    return found


def _match(rows: list[Row]) -> list[tuple[int | None, str]]:
    """(book id or None, how it was matched) per row."""
    by_isbn, by_title = _book_ids_by_isbn(rows), _book_ids_by_title(rows)
    matches = []
    for row in rows:
        if row.isbn13 in by_isbn:
            matches.append((by_isbn[row.isbn13], "ISBN-13"))
        elif row.isbn10_as_13 in by_isbn:
            matches.append((by_isbn[row.isbn10_as_13], "ISBN-10"))
        elif match_key(row.title, row.author) in by_title:
            matches.append((by_title[match_key(row.title, row.author)], "title and author"))
        else:
            matches.append((None, ""))
    return matches


@dataclass
class _Library:
    """What the member already has, loaded once, so each row compares without a query;
    new rows wait in lists and are written together by save()."""

    user: object
    shelves: dict[str, Shelf]
    status_entries: dict[int, ShelfEntry]
    on_shelves: set[tuple[int, int]]
    reads: set[tuple[int, str, object]]
    ratings: dict[int, object]
    notes: dict[int, PrivateNote]
    changed: set[int] = field(default_factory=set)
    new_entries: list[ShelfEntry] = field(default_factory=list)
    new_reads: list[ReadThrough] = field(default_factory=list)
    new_notes: list[PrivateNote] = field(default_factory=list)
    new_ratings: dict[Book, object] = field(default_factory=dict)

    @classmethod
    def load(cls, user) -> _Library:
        status = status_shelves_ensure(user=user)
        shelves = {s.name.lower(): s for s in Shelf.objects.filter(user=user, kind="custom")}
        shelves.update({s.slug: s for s in shelves.values()})
        shelves.update(status)
        entries = list(ShelfEntry.objects.filter(user=user))
        return cls(
            user=user,
            shelves=shelves,
            status_entries={e.book_id: e for e in entries if e.is_status},
            on_shelves={(e.shelf_id, e.book_id) for e in entries},
            reads=set(
                ReadThrough.objects.filter(user=user).values_list(
                    "book_id", "outcome", "finished_on"
                )
            ),
            ratings=dict(Rating.objects.filter(user=user).values_list("book_id", "value")),
            notes={n.book_id: n for n in PrivateNote.objects.filter(user=user)},
        )

    def save(self) -> None:
        """Write the new rows in bulk (no signals), then bump what shows them: the
        member's shelves and choices, and each rated book's community."""
        user, now = self.user, timezone.now()
        ShelfEntry.objects.bulk_create(self.new_entries, batch_size=500)
        ReadThrough.objects.bulk_create(self.new_reads, batch_size=500)
        PrivateNote.objects.bulk_create(self.new_notes, batch_size=500)
        Rating.objects.bulk_create(
            [
                Rating(book=book, user=user, value=value, created_at=now)
                for book, value in self.new_ratings.items()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["book", "user"],
            update_fields=["value", "updated_at"],
        )
        rated = [community_version(book.slug) for book in self.new_ratings]
        bump(shelves_version(user.username), reader_version(user.pk), *rated)


def _shelve(library: _Library, row: Row, book: Book) -> None:
    user = library.user
    if row.status:
        shelf = library.shelves[row.status]
        entry = library.status_entries.get(book.pk)
        if entry is None:
            entry = ShelfEntry(user=user, book=book, is_status=True, shelf=shelf)
            library.new_entries.append(entry)
            library.status_entries[book.pk] = entry
            library.changed.add(row.line)
        elif entry.shelf_id != shelf.pk:  # a status the member changed since: one save
            entry.shelf, entry.user = shelf, user
            entry.save()
            library.changed.add(row.line)
    for name in row.shelves:
        shelf = library.shelves.get(name.lower())
        if shelf is None:
            shelf = Shelf.objects.create(user=user, kind="custom", name=name[:80])
            library.shelves[name.lower()] = library.shelves[shelf.slug] = shelf
        if (shelf.pk, book.pk) not in library.on_shelves:
            library.new_entries.append(ShelfEntry(shelf=shelf, book=book, user=user))
            library.on_shelves.add((shelf.pk, book.pk))
            library.changed.add(row.line)


def _read_throughs(library: _Library, row: Row, book: Book) -> None:
    """An open read-through for "currently reading", one per date read (the last one
    given up on for "did not finish"); an undated read when the book has one already
    adds nothing."""
    reading = (book.pk, ReadThrough.Outcome.READING, None)
    if row.status == "currently-reading" and reading not in library.reads:
        library.new_reads.append(ReadThrough(user=library.user, book=book))
        library.reads.add(reading)
        library.changed.add(row.line)
    for index, (started, finished) in enumerate(row.reads):
        given_up = row.status == "did-not-finish" and index == len(row.reads) - 1
        outcome = ReadThrough.Outcome.DID_NOT_FINISH if given_up else ReadThrough.Outcome.READ
        key = (book.pk, outcome, finished)
        undated_again = finished is None and any(
            b == book.pk and o == outcome for b, o, _ in library.reads
        )
        if key in library.reads or undated_again:
            continue
        if started and finished and started > finished:
            started = None
        library.new_reads.append(
            ReadThrough(
                user=library.user,
                book=book,
                outcome=outcome,
                started_on=started,
                finished_on=finished,
            )
        )
        library.reads.add(key)
        library.changed.add(row.line)


def _review(library: _Library, row: Row, book: Book, *, public: bool) -> str:
    """The review as a public comment or a private note; "" or why it went private."""
    kept = "" if public else row.review
    note = "\n\n".join(part for part in (kept, row.private_notes) if part)
    why = ""
    if public and row.review:
        thread = thread_for_book(book=book)
        mine = Comment.objects.filter(thread=thread, author=library.user, body=row.review)
        if not mine.exists():
            try:
                comment_create(thread=thread, author=library.user, body=row.review)
                library.changed.add(row.line)
            except DiscussionError as refusal:  # e.g. a locked thread: keep it, privately
                why = str(refusal)
                note = "\n\n".join(p for p in (row.review, row.private_notes) if p)
    existing = library.notes.get(book.pk)
    if note and (existing is None or existing.body != note):
        if existing is None:
            existing = PrivateNote(user=library.user, book=book, body=note)
            library.new_notes.append(existing)
        else:
            existing.body, existing.updated_at = note, timezone.now()
            existing.save()
        library.notes[book.pk] = existing
        library.changed.add(row.line)
    return why


def _books_for(library_import: LibraryImport, rows, matches) -> list[Book | None]:
    """Each row's book: the catalog's match, or one created (once per book in the file)."""
    books = Book.objects.in_bulk({book_id for book_id, _ in matches if book_id})
    keys, missing = [], {}
    for row, (book_id, _how) in zip(rows, matches, strict=True):
        key = None
        if row.title and book_id not in books:
            key = row.isbn13 or row.isbn10_as_13 or match_key(row.title, row.author)
            missing.setdefault(key, row)
        keys.append(key)
    created = member_books_create(
        rows=list(missing.values()),
        user=library_import.user,
        source=library_import.get_format_display(),
    )
    new = dict(zip(missing, created, strict=True))
    return [
        books.get(book_id) if key is None else new[key]
        for key, (book_id, _how) in zip(keys, matches, strict=True)
    ]


def _save_all(library_import: LibraryImport, rows, matches) -> dict:
    user = library_import.user
    library = _Library.load(user)
    summary = {"matched": 0, "created": 0, "skipped": [], "rounded": [], "unchanged": 0}
    matched = {book_id for book_id, _ in matches if book_id}
    seen: dict[int, int] = {}
    for row, book in zip(rows, _books_for(library_import, rows, matches), strict=True):
        if book is None:
            summary["skipped"].append({"line": row.line, "reason": "no title"})
            continue
        if book.pk in seen:
            summary["skipped"].append(
                {"line": row.line, "reason": f"the same book as line {seen[book.pk]}"}
            )
            continue
        seen[book.pk] = row.line
        if book.pk in matched:
            summary["matched"] += 1
        else:
            summary["created"] += 1
            library.changed.add(row.line)
        _shelve(library, row, book)
        _read_throughs(library, row, book)
        if row.rating is not None and library.ratings.get(book.pk) != row.rating:
            library.new_ratings[book] = library.ratings[book.pk] = row.rating
            library.changed.add(row.line)
        if row.rating_given:
            summary["rounded"].append(
                {"line": row.line, "given": row.rating_given, "kept": str(row.rating)}
            )
        why = _review(library, row, book, public=library_import.reviews == "public")
        if why:
            summary["skipped"].append(
                {"line": row.line, "reason": f"review kept as a private note: {why}"}
            )
        if row.line not in library.changed:
            summary["unchanged"] += 1
    library.save()
    return summary


def library_import_run(*, import_id: int) -> LibraryImport:
    """Match, then save everything at once; a retry of a finished import does nothing."""
    library_import = LibraryImport.objects.select_related("user").get(pk=import_id)
    if library_import.is_finished:
        return library_import
    try:
        _kind, rows = parse_export(library_import.content, expected=library_import.format)
        _progress(library_import, status=Status.MATCHING, processed_rows=0)
        matches = []
        for start in range(0, len(rows), CHUNK):
            matches += _match(rows[start : start + CHUNK])
            _progress(library_import, processed_rows=len(matches))
        _progress(library_import, status=Status.SAVING)
        with transaction.atomic():
            summary = _save_all(library_import, rows, matches)
    except (MalformedFile, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _progress(library_import, status=Status.FAILED, error=message, finished_at=timezone.now())
        return library_import
    except Exception:
        logger.exception("Library import %s failed", import_id)
        _progress(
            library_import,
            status=Status.FAILED,
            error="Something went wrong on our side; nothing was imported. Please try again.",
            finished_at=timezone.now(),
        )
        return library_import
    _progress(
        library_import,
        status=Status.DONE,
        summary=summary,
        content="",
        finished_at=timezone.now(),
    )
    return library_import
