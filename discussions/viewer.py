"""What depends on who is reading: the one source of every personal value on a page.

Every path that shows these (the whole page, an htmx partial, a form re-rendered with its
errors, a moderator's view) calls these selectors, and templates render their values
outside cached fragments. Comment cards are shared, so the per-card controls (Edit and
Delete on your own, Flag on others') come from `data-author` and site.js instead.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from bookclub.cache import reader_version, versions
from discussions import markup
from discussions.models import (
    AgeVote,
    Flag,
    Follow,
    NoticeSecond,
    PrivateNote,
    Rating,
    ReadThrough,
    Shelf,
    ShelfEntry,
)

READER_TIMEOUT = 60 * 60


def for_reader(user, what: str, build, *, known: dict | None = None, **depends_on: str):
    """build() cached for this member under their reader version (bookclub/cache.py)
    and the versions it also shows (`depends_on`): any write of theirs retires it, and a
    cached value is theirs alone. `known` holds the versions the page has read already
    (bookclub.cache.page_versions), so they cost no second round trip."""
    wanted = {"reader": reader_version(user.pk), **depends_on}
    current = {alias: known[alias] for alias in wanted if alias in (known or {})}
    if len(current) < len(wanted):
        current = versions(**wanted)
    key = f"viewer:{user.pk}:{what}:" + ":".join(current[name] for name in sorted(current))
    return cache.get_or_set(key, build, READER_TIMEOUT)


def _thread_marks(thread, user) -> dict:
    """Whether the member follows the thread, and which of its comments they flagged."""
    flags = Flag.objects.filter(reporter=user, comment__thread=thread)
    return {
        "following": Follow.objects.filter(thread=thread, user=user).exists(),
        "flagged_ids": set(flags.values_list("comment_id", flat=True)),
    }


def thread_viewer(thread, user, *, known: dict | None = None) -> dict:
    """Whether the reader follows the thread, may post (and why not), may moderate, and
    which of its comments they have flagged."""
    signed_in = getattr(user, "is_authenticated", False)
    if thread is None:
        return {
            "following": False,
            "flagged_ids": set(),
            "can_post": signed_in,
            "post_refusal": "",
            "can_moderate": False,
        }
    refusal = thread.post_check(user)
    if signed_in and thread.pk is not None:
        marks = for_reader(
            user, f"thread:{thread.pk}", lambda: _thread_marks(thread, user), known=known
        )
    else:
        marks = {"following": False, "flagged_ids": set()}
    return {
        **marks,
        "can_post": not refusal,
        "post_refusal": refusal,
        "can_moderate": thread.can_moderate(user),
    }


def _note_html(user, book) -> str | None:
    """The member's private note on the book (an imported review), rendered and sanitised."""
    body = PrivateNote.objects.filter(user=user, book=book).values_list("body", flat=True).first()
    return markup.render(body, known_usernames=lambda names: set()) if body else None


def reading_viewer(book, user) -> dict:
    """The reader's place for the book in their library: its status shelf, their own
    shelves (each knowing whether the book is on it) and their read-throughs of it. Two
    queries for a member, none for a visitor."""
    if not getattr(user, "is_authenticated", False):
        return {
            "my_status": None,
            "my_shelves": [],
            "my_reads": [],
            "my_open_read": None,
            "my_note": None,
        }
    on_it = ShelfEntry.objects.filter(shelf=OuterRef("pk"), book=book)
    shelves = list(
        Shelf.objects.filter(user=user)
        .annotate(has_book=Exists(on_it))
        .order_by("created_at", "pk")
    )
    reads = list(ReadThrough.objects.filter(user=user, book=book))
    return {
        "my_status": next((s for s in shelves if s.is_status and s.has_book), None),
        "my_shelves": [s for s in shelves if not s.is_status],
        "my_reads": [r for r in reads if r.outcome != ReadThrough.Outcome.READING],
        "my_open_read": next((r for r in reads if r.outcome == ReadThrough.Outcome.READING), None),
        "my_note": _note_html(user, book),
    }


def book_viewer(book, user, *, known: dict | None = None) -> dict:
    """The reader's rating, age vote, the content notices they agreed with and where the
    book is in their library."""
    if not getattr(user, "is_authenticated", False):
        return {"my_rating": None, "my_age": None, "seconded": set(), **reading_viewer(book, user)}
    return for_reader(user, f"book:{book.pk}", lambda: _book_choices(book, user), known=known)


def _book_choices(book, user) -> dict:
    return {
        **reading_viewer(book, user),
        "my_rating": Rating.objects.filter(book=book, user=user)
        .values_list("value", flat=True)
        .first(),
        "my_age": AgeVote.objects.filter(book=book, user=user)
        .values_list("minimum_age", flat=True)
        .first(),
        "seconded": set(
            NoticeSecond.objects.filter(notice__book=book, user=user).values_list(
                "notice_id", flat=True
            )
        ),
    }


def meeting_viewer(meeting, club, user, *, known: dict | None = None) -> dict:
    """The reader's part in a meeting: their RSVP and reading progress, and what they may
    do (see the members-only link, answer, organise)."""
    from discussions import permissions

    signed_in = getattr(user, "is_authenticated", False)
    return {
        "is_member": permissions.can_view_members_only(user, club),
        # Ballots and RSVPs are the club's own: visiting staff see them but cannot cast them.
        "can_take_part": club.is_member(user),
        "is_organiser": permissions.can_organise(user, club),
        # The progress names its reading section: retired with the clubs' version too.
        **(
            for_reader(
                user,
                f"meeting:{meeting.pk}",
                lambda: _meeting_choices(meeting, user),
                known=known,
                clubs="clubs",
            )
            if signed_in
            else {"rsvp": None, "progress": None}
        ),
    }


def _meeting_choices(meeting, user) -> dict:
    from discussions.models import RSVP
    from discussions.services.spoilers import progress_for_meeting

    return {
        "rsvp": RSVP.objects.filter(meeting=meeting, user=user).first(),
        "progress": progress_for_meeting(user=user, meeting=meeting),
    }


def read_viewer(read, club, user) -> dict:
    """The reader's part in a club read: what they may do, their progress, their position
    in the schedule (discussions/services/spoilers.py) and whether they follow it."""
    from discussions import permissions
    from discussions.services.spoilers import NOWHERE

    signed_in = getattr(user, "is_authenticated", False)
    may_read = permissions.can_view_members_only(user, club)
    return {
        "is_member": may_read,
        "is_organiser": permissions.can_organise(user, club),
        **(
            for_reader(user, f"read:{read.pk}", lambda: _read_choices(read, user), clubs="clubs")
            if signed_in
            else {"progress": None, "position": NOWHERE, "follow": None}
        ),
    }


def _read_choices(read, user) -> dict:
    from discussions.models import ReadFollow, ReadingProgress
    from discussions.services.spoilers import progress_position

    progress = (
        ReadingProgress.objects.filter(user=user, book_id=read.book_id)
        .select_related("section")
        .first()
    )
    return {
        "progress": progress,
        "position": progress_position(progress, read.book.sections.all()),
        "follow": ReadFollow.objects.filter(read=read, user=user).first(),
    }


def question_viewer(club, book_id: int, user) -> dict:
    """The reader's part in a club's question bank for a book: which questions they
    upvoted, how far they have read the book (the spoiler gate), and what they may do."""
    from discussions import permissions

    signed_in = getattr(user, "is_authenticated", False)
    return {
        "can_take_part": permissions.can_view_members_only(user, club),
        "is_organiser": permissions.can_organise(user, club),
        # The progress names its reading section: retired with the clubs' version too.
        **(
            for_reader(
                user,
                f"questions:{club.pk}:{book_id}",
                lambda: _question_choices(club, book_id, user),
                clubs="clubs",
            )
            if signed_in
            else {"my_votes": set(), "progress": None}
        ),
    }


def _question_choices(club, book_id: int, user) -> dict:
    from discussions.models import QuestionVote
    from discussions.services.questions import question_reader_progress

    votes = QuestionVote.objects.filter(user=user, question__club=club, question__book_id=book_id)
    return {
        "my_votes": set(votes.values_list("question_id", flat=True)),
        "progress": question_reader_progress(user=user, book_id=book_id),
    }
