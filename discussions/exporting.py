"""A member's data to take away: a ZIP of a Goodreads-compatible CSV and a JSON archive.

Only what the member wrote or chose. Other members appear by display name at most (whose
comment a reply answered), and nothing from a club the member has left: club-bound rows
(meeting comments, RSVPs, poll ballots) are kept only for clubs they still belong to.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Prefetch
from django.utils import timezone

from catalog.models import Authorship, Book
from discussions.models import (
    RSVP,
    AgeVote,
    Ballot,
    Comment,
    ContentNotice,
    Follow,
    Membership,
    NoticeSecond,
    Quote,
    Rating,
    ReadingProgress,
    ReadThrough,
    Shelf,
    ShelfEntry,
    Summary,
)

# Goodreads' own export columns, in its order.
GOODREADS_HEADERS = [
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Owned Copies",
]


def _day(value) -> str:
    """Goodreads writes dates as 2024/03/15."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return value.strftime("%Y/%m/%d")


def _isbn(value: str | None) -> str:
    # Goodreads wraps ISBNs as ="…" so spreadsheets keep leading zeros.
    return f'="{value or ""}"'


def _whole_stars(value: Decimal | None) -> str:
    """Goodreads has whole stars: a half star rounds up (3.5 → 4)."""
    if value is None:
        return "0"
    return str(int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def goodreads_csv(*, user) -> str:
    """One row per book the member shelved, rated or read."""
    entries = list(
        ShelfEntry.objects.filter(user=user).select_related("shelf").order_by("added_at", "pk")
    )
    ratings = dict(Rating.objects.filter(user=user).values_list("book_id", "value"))
    reads = defaultdict(list)
    for read in ReadThrough.objects.filter(user=user, outcome=ReadThrough.Outcome.READ):
        reads[read.book_id].append(read)
    by_book = defaultdict(list)
    positions = defaultdict(int)
    for entry in entries:
        positions[entry.shelf_id] += 1
        by_book[entry.book_id].append((entry, positions[entry.shelf_id]))
    book_ids = set(by_book) | set(ratings) | set(reads)
    books = Book.objects.filter(pk__in=book_ids).prefetch_related(
        "editions",
        Prefetch(
            "authorships", queryset=Authorship.objects.select_related("author").order_by("position")
        ),
    )
    averages = dict(
        Rating.objects.filter(book_id__in=book_ids)
        .values("book_id")
        .annotate(average=Avg("value"))
        .values_list("book_id", "average")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOODREADS_HEADERS)
    for book in sorted(books, key=lambda b: b.title.lower()):
        shelved = by_book.get(book.pk, [])
        authors = [a.author for a in book.authorships.all()]
        edition = next(iter(book.editions.all()), None)
        status = next((e.shelf for e, _ in shelved if e.is_status), None)
        exclusive = status.slug if status else "read"
        finished = sorted(r.finished_on for r in reads.get(book.pk, []) if r.finished_on)
        added = min((e.added_at for e, _ in shelved), default=None)
        average = averages.get(book.pk)
        writer.writerow(
            [
                book.pk,
                book.title,
                authors[0].name if authors else "",
                (authors[0].sort_name or authors[0].name) if authors else "",
                ", ".join(a.name for a in authors[1:]),
                _isbn(edition.isbn10 if edition else ""),
                _isbn(edition.isbn13 if edition else ""),
                _whole_stars(ratings.get(book.pk)),
                f"{average:.2f}" if average is not None else "0.00",
                edition.publisher if edition else "",
                edition.binding if edition else "",
                (edition.pages or "") if edition else "",
                (edition.year or "") if edition else "",
                book.first_published_year or "",
                _day(finished[-1]) if finished else "",
                _day(added),
                ", ".join(e.shelf.slug for e, _ in shelved if e.shelf.kind != Shelf.Kind.READ),
                ", ".join(
                    f"{e.shelf.slug} (#{n})" for e, n in shelved if e.shelf.kind != Shelf.Kind.READ
                ),
                exclusive,
                "",
                "",
                "",
                len(reads.get(book.pk, [])),
                0,
            ]
        )
    return out.getvalue()


def _book(book) -> dict:
    return {"title": book.title, "slug": book.slug}


def archive(*, user) -> dict:
    """Everything the member wrote or chose, as plain data."""
    clubs = set(Membership.objects.filter(user=user).values_list("club_id", flat=True))
    comments = []
    for comment in (
        Comment.objects.filter(author=user, deleted_at__isnull=True)
        .select_related("thread__book", "thread__meeting__club", "parent__author")
        .order_by("created_at", "pk")
    ):
        meeting = comment.thread.meeting
        if meeting is not None and meeting.club_id not in clubs:
            continue
        parent = comment.parent
        comments.append(
            {
                "on": _book(comment.thread.book)
                if comment.thread.book_id
                else {"meeting": meeting.title, "club": meeting.club.name},
                "body": comment.body,
                "created_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
                "hidden_by_moderators": comment.is_hidden,
                "in_reply_to": parent.author.public_name
                if parent is not None and parent.author_id
                else None,
            }
        )
    ballots = []
    for ballot in (
        Ballot.objects.filter(voter=user, poll__club_id__in=clubs)
        .select_related("poll__club")
        .prefetch_related("choices__candidate__book")
    ):
        ballots.append(
            {
                "poll": ballot.poll.title,
                "club": ballot.poll.club.name,
                "choices": [
                    {"rank": c.rank, "book": _book(c.candidate.book)}
                    for c in sorted(ballot.choices.all(), key=lambda c: c.rank)
                ],
            }
        )
    shelves = Shelf.objects.filter(user=user).prefetch_related(
        Prefetch("entries", queryset=ShelfEntry.objects.select_related("book").order_by("added_at"))
    )
    return {
        "format": "bookclub member export",
        "version": 1,
        "exported_at": _iso(timezone.now()),
        "member": {
            "username": user.username,
            "display_name": user.display_name,
            "bio": user.bio,
            "email": user.email,
            "time_zone": user.time_zone,
            "date_joined": _iso(user.date_joined),
        },
        "notification_preferences": {
            "email_notifications": user.email_notifications,
            "following": [
                {"book": _book(f.thread.book)}
                if f.thread.book_id
                else {"meeting": f.thread.meeting.title, "club": f.thread.meeting.club.name}
                for f in Follow.objects.filter(user=user).select_related(
                    "thread__book", "thread__meeting__club"
                )
                if f.thread.book_id or f.thread.meeting.club_id in clubs
            ],
        },
        "clubs": [
            {"club": m.club.name, "role": m.role, "joined_at": _iso(m.joined_at)}
            for m in Membership.objects.filter(user=user).select_related("club")
        ],
        "shelves": [
            {
                "name": shelf.name,
                "kind": shelf.kind,
                "public": shelf.is_public,
                "books": [
                    {**_book(e.book), "added_at": _iso(e.added_at)} for e in shelf.entries.all()
                ],
            }
            for shelf in shelves
        ],
        "read_throughs": [
            {
                "book": _book(r.book),
                "outcome": r.outcome,
                "started_on": _iso(r.started_on),
                "finished_on": _iso(r.finished_on),
                "point_reached": r.point_reached() or None,
            }
            for r in ReadThrough.objects.filter(user=user).select_related("book")
        ],
        "ratings": [
            {"book": _book(r.book), "stars": str(r.value), "created_at": _iso(r.created_at)}
            for r in Rating.objects.filter(user=user).select_related("book")
        ],
        "age_votes": [
            {"book": _book(v.book), "minimum_age": v.minimum_age}
            for v in AgeVote.objects.filter(user=user).select_related("book")
        ],
        "comments": comments,
        "summaries": [
            {"book": _book(s.book), "body": s.body, "created_at": _iso(s.created_at)}
            for s in Summary.objects.filter(author=user).select_related("book")
        ],
        "notices": [
            {"book": _book(n.book), "category": n.category, "note": n.note}
            for n in ContentNotice.objects.filter(author=user).select_related("book")
        ],
        "notices_agreed_with": [
            {"book": _book(s.notice.book), "category": s.notice.category}
            for s in NoticeSecond.objects.filter(user=user).select_related("notice__book")
        ],
        "quotes": [
            {"book": _book(q.book), "text": q.text, "location": q.location}
            for q in Quote.objects.filter(author=user).select_related("book")
        ],
        "rsvps": [
            {
                "meeting": r.meeting.title,
                "club": r.meeting.club.name,
                "starts_at": _iso(r.meeting.starts_at),
                "response": r.response,
            }
            for r in RSVP.objects.filter(user=user, meeting__club_id__in=clubs).select_related(
                "meeting__club"
            )
        ],
        "reading_progress": [
            {"book": _book(p.book), "progress": p.describe(), "updated_at": _iso(p.updated_at)}
            for p in ReadingProgress.objects.filter(user=user).select_related("book", "section")
        ],
        "poll_ballots": ballots,
    }


def export_zip(*, user) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("goodreads_library_export.csv", goodreads_csv(user=user))
        bundle.writestr(
            "bookclub_archive.json", json.dumps(archive(user=user), indent=2, ensure_ascii=False)
        )
    return buffer.getvalue()
