"""The club the seed documents describe: the library's book discussion and its reading list."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from discussions.models import Candidate, Club, Meeting, Poll

LIBRARY_CLUB_SLUG = "mcl-book-discussion"
LIBRARY_CLUB_NAME = "Multnomah County Library Book Discussion"
LIBRARY_TIME_ZONE = "America/Los_Angeles"  # Multnomah County is Portland, Oregon.
# Assumption: the catalog page gives only the date ("Join the discussion on
# October 21, 2014"), so we assume a typical evening library discussion, 18:30–20:00.
DISCUSSION_START = datetime.time(18, 30)
DISCUSSION_END = datetime.time(20, 0)
POLL_TITLE = "Coming up: what should we read next?"
# Assumption: the blog's list has no closing date; the seeded poll stays open this long.
POLL_OPEN_FOR = datetime.timedelta(days=30)


def club_seed_from_documents(
    *,
    book,
    library_source,
    discussion_date: datetime.date,
    teaser: str,
    blog_source,
    candidate_books: list,
) -> dict[str, int]:
    """Create the library's club, its past meeting and its next-book poll; idempotent.

    Returns how many rows of each kind were created (all zero on a second call).
    """
    created = {"clubs": 0, "meetings": 0, "polls": 0, "candidates": 0}
    club, made = Club.objects.get_or_create(
        slug=LIBRARY_CLUB_SLUG,
        defaults={
            "name": LIBRARY_CLUB_NAME,
            "description": (
                "The library's book discussion group. Find it at MCL "
                "(Multnomah County Library, Portland, Oregon)."
            ),
            "visibility": Club.Visibility.PUBLIC,
            "join_policy": Club.JoinPolicy.OPEN,
        },
    )
    created["clubs"] += made

    zone = zoneinfo.ZoneInfo(LIBRARY_TIME_ZONE)
    starts_at = datetime.datetime.combine(discussion_date, DISCUSSION_START, tzinfo=zone)
    ends_at = datetime.datetime.combine(discussion_date, DISCUSSION_END, tzinfo=zone)
    _, made = Meeting.objects.get_or_create(
        club=club,
        book=book,
        starts_at=starts_at.astimezone(datetime.UTC),
        defaults={
            "title": f"Book discussion: {book.title}",
            "description": teaser.strip(),
            "ends_at": ends_at.astimezone(datetime.UTC),
            "time_zone": LIBRARY_TIME_ZONE,
            "place": "Multnomah County Library",
            "source": library_source,
        },
    )
    created["meetings"] += made

    poll, made = Poll.objects.get_or_create(
        club=club,
        title=POLL_TITLE,
        defaults={"closes_at": timezone.now() + POLL_OPEN_FOR, "source": blog_source},
    )
    created["polls"] += made
    for candidate_book in candidate_books:
        _, made = Candidate.objects.get_or_create(poll=poll, book=candidate_book)
        created["candidates"] += made
    return created
