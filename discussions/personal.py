"""What a shared signed-in page shows only to its reader (see bookclub.shared_pages).

Comment cards are rendered once for every member; each card's viewer actions (Edit and
Delete on your own comments, Flag or "Flagged" on others') are a marker filled here per
request, with one query for the reader's flags. The book page's holes (your rating, your
age vote, following the thread, the notices you agreed with) get their context here.
"""

from __future__ import annotations

import functools
import re

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from bookclub.request_memo import memoised, peek, prefetch, read_through, remember
from bookclub.versions import entries_changed
from catalog.cache import catalog_version
from discussions.models import AgeVote, Flag, Follow, Rating
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES

VIEWER_ACTIONS_MARKER = "<!--personal:viewer-actions:{pk}:{author}:{hidden}-->"
VIEWER_ACTIONS_PATTERN = re.compile(r"<!--personal:viewer-actions:(\d+):(\d+):([01])-->")
_SAMPLE_PK = 987654321


@functools.cache
def _url_pattern(name: str) -> str:
    # reverse() costs ~50 µs; a page of comments needs hundreds of these links.
    return reverse(name, args=[_SAMPLE_PK])


def _comment_url(name: str, pk: int) -> str:
    return _url_pattern(name).replace(str(_SAMPLE_PK), str(pk), 1)


def viewer_actions(
    pk: int,
    author_id: int | None,
    *,
    hidden: bool,
    viewer_id: int,
    flagged: bool,
    can_moderate: bool,
) -> SafeString:
    """A comment's links that depend on who reads it.

    Plain string building, no format_html: every value is an integer id or one of our
    own URLs, and a page runs this for each of its (often hundreds of) comments. The
    reader comes as an id: request.user is a lazy proxy, and reading through it for every
    comment cost more than building the links (bench/profile_page.py).
    """
    pk = int(pk)
    own = author_id is not None and author_id == viewer_id
    parts = []
    if own and not hidden:
        edit = _comment_url("discussions:comment_edit", pk)
        parts.append(
            f'<a href="{edit}" data-hx-get="{edit}" data-hx-target="#comment-body-{pk}">Edit</a>'
        )
    if own or can_moderate:
        parts.append(f'<a href="{_comment_url("discussions:comment_delete", pk)}">Delete</a>')
    if not own:
        if flagged:
            parts.append('<span class="muted">Flagged</span>')
        else:
            parts.append(f'<a href="{_comment_url("discussions:comment_flag", pk)}">Flag</a>')
    return mark_safe("\n      ".join(parts))  # noqa: S308 - integers and our own URLs only


def viewer_actions_marker(pk: int, author_id: int | None, *, hidden: bool) -> SafeString:
    marker = VIEWER_ACTIONS_MARKER.format(pk=pk, author=author_id or 0, hidden=int(hidden))
    return mark_safe(marker)  # noqa: S308 - integers only


FLAGS_TIMEOUT = 60 * 60


def _flags_key(user_id: int) -> str:
    return f"flags:by:{user_id}"


def flagged_by(user) -> frozenset[int]:
    """The comments this member has flagged: cached per member, retired when they flag
    (signals in DiscussionsConfig.ready), so the common "none" costs no query."""
    key = _flags_key(user.pk)
    flagged = memoised(key, lambda: cache.get(key))
    if flagged is None:
        flagged = frozenset(Flag.objects.filter(reporter=user).values_list("comment_id", flat=True))
        cache.set(key, flagged, FLAGS_TIMEOUT)
        remember(key, flagged)
    return flagged


def flag_row_changed(sender, instance, **_signal_arguments) -> None:
    entries_changed(_flags_key(instance.reporter_id))


def fill_viewer_actions(request: HttpRequest, personal: dict, markers: list[str]) -> dict:
    """Each card's actions for this reader (the reader's flags loaded once, from the cache)."""
    user = request.user
    viewer_id = user.pk
    flagged = None  # loaded at the first comment by someone else
    filled = {}
    for marker in markers:
        pk, author, hidden = (int(part) for part in marker.split(":"))
        if flagged is None and author != viewer_id:
            flagged = flagged_by(user)
        filled[marker] = viewer_actions(
            pk,
            author or None,
            hidden=hidden == 1,
            viewer_id=viewer_id,
            flagged=flagged is not None and pk in flagged,
            can_moderate=False,  # moderators' pages are never shared
        )
    return filled


# Book id -> the community version its page's holes read under last, in this process.
_community_versions_seen: dict[int, int] = {}
_VERSIONS_KEPT = 4096


def _book_page_reads(book_id: int, user_id, version: int) -> list[str]:
    from discussions.cache import community_key

    return [
        community_key(book_id, "thread", version=version),
        community_key(book_id, "contributions", version=version),
        answers_key(book_id, user_id, version=version),
    ]


def book_page_guessed_reads(request: HttpRequest, book_id: int) -> list[str]:
    """What book_page_personal will read, at the community version this process saw last
    for the book, fetched with the page's first reads (CATALOG_BOOK_PAGE_GUESSED_READS).
    Until someone writes about the book the guess holds and the holes need no round trip
    of their own; a wrong guess costs three keys fetched for nothing."""
    version = _community_versions_seen.get(book_id)
    user_id = request.session.get(SESSION_KEY)
    if version is None or user_id is None:
        return []
    return _book_page_reads(book_id, user_id, version)


def book_page_personal(request: HttpRequest, book) -> dict:
    """The book page's holes: the reader's rating and age vote, following, notices."""
    from discussions.cache import community_version
    from discussions.selectors import book_notices, book_thread

    user = request.user
    version = community_version(book.pk)
    if len(_community_versions_seen) >= _VERSIONS_KEPT:
        _community_versions_seen.clear()
    _community_versions_seen[book.pk] = version
    reads = _book_page_reads(book.pk, user.pk, version)
    answers = reads[-1]
    # One round trip for the cached reads this page makes (none when they were guessed
    # right and came with the page's first reads).
    prefetch(reads)
    thread = book_thread(book)
    # No SQL on a warm page: under load a query costs PostgreSQL's CPU on the same cores.
    rating, age, following = read_through(
        answers,
        lambda: _reader_answers(book_id=book.pk, thread=thread, user_id=user.pk),
        PAGE_READ_TIMEOUT,
    )
    return {
        "book": book,
        "thread": thread,
        "following": following,
        "ratings": {"mine": rating, "choices": RATING_CHOICES},
        "age": {"mine": age, "ages": range(MIN_AGE, MAX_AGE + 1)},
        "notices": book_notices(book, user=user),
    }


def answers_key(book_id: int, user_id: int, *, version: int | None = None) -> str:
    """The reader's rating, age vote and following of a book, under its community version
    (ratings and votes bump it); a follow or unfollow deletes it (follow_row_changed)."""
    from discussions.cache import community_version

    if version is None:
        version = community_version(book_id)
    return f"answers:{book_id}:{user_id}:v{version}"


_READER_ANSWERS = (
    "SELECT (SELECT value FROM {rating} WHERE book_id = %s AND user_id = %s),"
    " (SELECT minimum_age FROM {age} WHERE book_id = %s AND user_id = %s),"
    " EXISTS (SELECT 1 FROM {follow} WHERE thread_id = %s AND user_id = %s)"
)


def _reader_answers(*, book_id: int, thread, user_id: int) -> tuple:
    """The reader's rating, age vote and whether they follow the thread, in one query.

    Plain SQL on purpose: this runs on every signed-in book page, and the ORM's version
    (three Subquery/Exists annotations) spent ~1.3 ms compiling a 0.2 ms query.
    """
    quote = connection.ops.quote_name
    tables = {
        "rating": quote(Rating._meta.db_table),
        "age": quote(AgeVote._meta.db_table),
        "follow": quote(Follow._meta.db_table),
    }
    sql = _READER_ANSWERS.format(**tables)  # our own table names; values are parameters
    thread_id = thread.pk if thread is not None else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [book_id, user_id, book_id, user_id, thread_id, user_id])
        rating, age, following = cursor.fetchone()
    rating_field = Rating._meta.get_field("value")
    return (
        rating_field.to_python(rating) if rating is not None else None,
        age,
        bool(following),
    )


def header_context(request: HttpRequest) -> dict:
    """The header's unread badge, for the account links' hole (and its memo key)."""
    from discussions.services.notifications import unread_badge

    return {"unread_badge": unread_badge(request.user)}


# --- the meeting page -------------------------------------------------------------------


# Reads the meeting page makes on every request, kept in the shared cache under the
# versions that retire them (clubs_version: clubs, memberships, meetings, sections;
# meeting_version: RSVPs and the discussion) or deleted by signals (progress, follows).
PAGE_READ_TIMEOUT = 60 * 10


def meeting_page_first_reads(request: HttpRequest, slug: str, pk: int) -> list[str]:
    from bookclub.accounts.backends import PERMISSIONS_VERSION_KEY
    from catalog.cache import VERSION_KEY as CATALOG_VERSION_KEY
    from discussions.cache import CLUBS_VERSION_KEY, meeting_version_key

    return [
        CLUBS_VERSION_KEY,
        CATALOG_VERSION_KEY,
        PERMISSIONS_VERSION_KEY,
        meeting_version_key(pk),
    ]


# meeting id -> (its book's id, its thread's id) as this process last read them.
_meeting_ids_seen: dict[int, tuple[int, int | None]] = {}
MEETING_IDS_KEPT = 4096


def meeting_page_key(request: HttpRequest, slug: str, pk: int) -> str | None:
    """The shared meeting page's key, after the same access rule as the view (a hidden
    club is a 404 here too, see Club.is_visible_to); None where the page must be rendered
    for this reader alone (organisers)."""
    from bookclub.accounts.backends import permissions_key
    from discussions import permissions
    from discussions.cache import (
        clubs_version,
        meeting_version,
        meeting_version_key,
    )
    from discussions.models import Club, Comment, Meeting

    user = request.user
    # The page's cached reads come in three round trips (MGET) instead of one each:
    # the versions (meeting_page_first_reads), what they key, what the meeting leads to.
    clubs = clubs_version()
    known_version = peek(meeting_version_key(pk))  # found above, or None
    # The reader's progress and follow are keyed by the meeting's book and thread, known
    # only once the meeting is read: ask for them with the rest by the ids this process
    # saw last (a wrong guess only misses, and they are asked for again below).
    book_id, thread_id = _meeting_ids_seen.get(pk, (None, None))
    prefetch(
        [
            f"club-by-slug:{slug}:k{clubs}",
            f"membership:{slug}:{user.pk}:k{clubs}",
            f"meeting:{slug}:{pk}:k{clubs}:c{catalog_version()}",
            permissions_key(user.pk),
        ]
        + (
            [
                f"sectioned-comments:{pk}:{user.pk}:m{known_version}",
                f"rsvp:{pk}:{user.pk}:m{known_version}",
                f"meeting-thread:{pk}:m{known_version}",
            ]
            if known_version is not None
            else []
        )
        + ([_progress_key(user.pk, book_id)] if book_id is not None else [])
        + ([_follow_key(thread_id, user.pk)] if thread_id is not None else [])
    )
    club = read_through(
        f"club-by-slug:{slug}:k{clubs}",
        lambda: Club.objects.filter(slug=slug).first(),
        PAGE_READ_TIMEOUT,
    )
    if club is None:
        raise Http404("No such club.")
    membership = read_through(
        f"membership:{slug}:{user.pk}:k{clubs}",
        lambda: club.memberships.filter(user=user).first(),
        PAGE_READ_TIMEOUT,
    )
    club.remember_membership(user, membership)
    if not club.is_visible_to(user):
        raise Http404("No such club.")
    meeting = read_through(
        f"meeting:{slug}:{pk}:k{clubs}:c{catalog_version()}",
        lambda: (
            Meeting.objects.select_related("book", "section", "created_by", "source")
            .filter(club=club, pk=pk)
            .first()
        ),
        PAGE_READ_TIMEOUT,
    )
    if meeting is None:
        raise Http404("No such meeting.")
    meeting.club = club
    if permissions.can_organise(user, club):
        return None  # organisers' controls and forms are theirs alone
    version = meeting_version(meeting.pk)
    thread = _meeting_thread(meeting, version)
    if len(_meeting_ids_seen) >= MEETING_IDS_KEPT:
        _meeting_ids_seen.clear()
    _meeting_ids_seen[meeting.pk] = (meeting.book_id, thread.pk if thread is not None else None)
    prefetch(
        [_progress_key(user.pk, meeting.book_id)]
        + ([_follow_key(thread.pk, user.pk)] if thread is not None else [])
    )
    progress = reader_progress(user, meeting)
    # Authors always see their own words un-gated; the shared page gates by progress only.
    if read_through(
        f"sectioned-comments:{meeting.pk}:{user.pk}:m{version}",
        lambda: Comment.objects.filter(
            thread__meeting=meeting, author=user, section__isnull=False
        ).exists(),
        PAGE_READ_TIMEOUT,
    ):
        return None
    request._meeting_page = (club, meeting, progress)
    reader = "member" if club.is_member(user) else "reader"
    read = "none"
    if progress is not None:
        position = progress.section.position if progress.section_id else ""
        read = f"{progress.book_id}.{position}.{progress.page}.{progress.percent}"
    return ":".join(
        [
            f"meeting-page:{meeting.pk}",
            f"k{clubs}",
            f"m{version}",
            f"c{catalog_version()}",
            reader,
            f"p{read}",
            f"e{int(meeting.has_ended())}",
        ]
    )


def _meeting_thread(meeting, version: int):
    from discussions.models import Thread

    return read_through(
        f"meeting-thread:{meeting.pk}:m{version}",
        lambda: Thread.objects.filter(meeting=meeting).first(),
        PAGE_READ_TIMEOUT,
    )


def _progress_key(user_id: int, book_id: int) -> str:
    return f"progress:{user_id}:{book_id}"


def reader_progress(user, meeting):
    """progress_for_meeting, cached per member and book (with the sections' version,
    since it carries its section) and deleted when they record progress."""
    from discussions.cache import clubs_version
    from discussions.services.spoilers import progress_for_meeting

    key = _progress_key(user.pk, meeting.book_id)
    clubs = clubs_version()
    stored = memoised(key, lambda: cache.get(key))
    if stored is None or stored[0] != clubs:
        stored = (clubs, progress_for_meeting(user=user, meeting=meeting))
        cache.set(key, stored, PAGE_READ_TIMEOUT)
        remember(key, stored)
    return stored[1]


def progress_row_changed(sender, instance, **_signal_arguments) -> None:
    entries_changed(_progress_key(instance.user_id, instance.book_id))


def _follow_key(thread_id: int, user_id: int) -> str:
    return f"follows:{thread_id}:{user_id}"


def follows_thread(thread_id: int, user_id: int) -> bool:
    """Whether the member follows the thread, cached until they follow or unfollow it."""
    return read_through(
        _follow_key(thread_id, user_id),
        lambda: Follow.objects.filter(thread_id=thread_id, user_id=user_id).exists(),
        PAGE_READ_TIMEOUT,
    )


def follow_row_changed(sender, instance, **_signal_arguments) -> None:
    from discussions.models import Thread

    keys = [_follow_key(instance.thread_id, instance.user_id)]
    thread = instance._state.fields_cache.get("thread")
    # By id, not instance.thread: a follow deleted with its thread has no thread to load.
    book_id = (
        thread.book_id
        if thread is not None
        else Thread.objects.filter(pk=instance.thread_id).values_list("book_id", flat=True).first()
    )
    if book_id is not None:
        keys.append(answers_key(book_id, instance.user_id))
    entries_changed(*keys)


def meeting_page_personal(request: HttpRequest, slug: str, pk: int) -> dict:
    """The meeting page's holes: the reader's RSVP, reading progress and following."""
    from discussions.cache import clubs_version, meeting_version
    from discussions.forms.clubs import ProgressForm, RSVPForm
    from discussions.models import RSVP

    club, meeting, progress = request._meeting_page
    user = request.user
    version = meeting_version(meeting.pk)
    rsvp = read_through(
        f"rsvp:{meeting.pk}:{user.pk}:m{version}",
        lambda: RSVP.objects.filter(meeting=meeting, user=user).first(),
        PAGE_READ_TIMEOUT,
    )
    thread = _meeting_thread(meeting, version)
    following = thread is not None and follows_thread(thread.pk, user.pk)
    initial = (
        {"section": progress.section_id, "page": progress.page, "percent": progress.percent}
        if progress
        else None
    )
    return {
        "club": club,
        "meeting": meeting,
        "rsvp": rsvp,
        "rsvp_form": RSVPForm(),
        "progress": progress,
        # Built only when its hole is rendered (a memoised hole needs no sections query).
        "progress_form": SimpleLazyObject(lambda: ProgressForm(book=meeting.book, initial=initial)),
        "sections_version": clubs_version(),
        "thread": thread,
        "following": following,
    }


def header_first_reads(user_id) -> list[str]:
    from discussions.services.notifications import badge_key

    return [badge_key(user_id), _flags_key(user_id)]
