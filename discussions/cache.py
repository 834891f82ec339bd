"""Per-book community version: what is cached about a book's community is retired on any write.

Every write that changes what a book page shows about its community (comments,
ratings, age votes, summaries, notices and their seconds, quotes, thread locks)
bumps that book's version, now and again when the transaction commits. Cached
aggregates and visitors' page fragments are keyed by it, so they are never stale
for longer than a request. Members' display names in cached fragments may lag by
up to COMMUNITY_TIMEOUT after a profile edit.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from bookclub.request_memo import forget, memoised, remember
from bookclub.shared_pages import fresh_version

COMMUNITY_TIMEOUT = 60 * 10


def _key(book_id: int) -> str:
    return f"community:version:{book_id}"


def community_version(book_id: int) -> int:
    return memoised(_key(book_id), lambda: _read_version(book_id))


def _read_version(book_id: int) -> int:
    version = cache.get(_key(book_id))
    if version is None:
        cache.add(_key(book_id), fresh_version(), timeout=None)
        version = cache.get(_key(book_id), 1)
    return version


def _bump(book_id: int) -> None:
    forget(_key(book_id))
    try:
        cache.incr(_key(book_id))
    except ValueError:
        cache.add(_key(book_id), fresh_version(), timeout=None)


def community_changed(book_id: int | None) -> None:
    if book_id is None:
        return
    _bump(book_id)
    transaction.on_commit(lambda: _bump(book_id), robust=True)


def community_key(book_id: int, name: str) -> str:
    return f"community:{book_id}:v{community_version(book_id)}:{name}"


def cached_community(book_id: int, name: str, build):
    """build() cached under the book's current community version."""
    key = community_key(book_id, name)
    boxed = memoised(key, lambda: cache.get(key))  # boxed: None can be cached too
    if boxed is None:
        boxed = (build(),)
        cache.set(key, boxed, COMMUNITY_TIMEOUT)
        remember(key, boxed)
    return boxed[0]


def book_id_of(instance) -> int | None:
    """The book a community row is about, without a query where the row already knows."""
    if hasattr(instance, "book_id"):
        return instance.book_id
    if hasattr(instance, "notice_id"):  # a notice's second
        notice = instance._state.fields_cache.get("notice")
        if notice is not None:
            return notice.book_id
        from discussions.models import ContentNotice

        return (
            ContentNotice.objects.filter(pk=instance.notice_id)
            .values_list("book_id", flat=True)
            .first()
        )
    if hasattr(instance, "thread_id"):  # a comment
        thread = instance._state.fields_cache.get("thread")
        if thread is not None:
            return thread.book_id
        from discussions.models import Thread

        return (
            Thread.objects.filter(pk=instance.thread_id).values_list("book_id", flat=True).first()
        )
    return None


def community_row_changed(sender, instance, **_signal_arguments) -> None:
    community_changed(book_id_of(instance))


# --- clubs and meetings ---------------------------------------------------------------
# One version for everything club-shaped (clubs, memberships, meetings, reading sections):
# the home page's meeting lists are cached under it, per member.
CLUBS_VERSION_KEY = "clubs:version"


def clubs_version() -> int:
    return memoised(CLUBS_VERSION_KEY, _read_clubs_version)


def _read_clubs_version() -> int:
    version = cache.get(CLUBS_VERSION_KEY)
    if version is None:
        cache.add(CLUBS_VERSION_KEY, fresh_version(), timeout=None)
        version = cache.get(CLUBS_VERSION_KEY, 1)
    return version


def _bump_clubs() -> None:
    forget(CLUBS_VERSION_KEY)
    try:
        cache.incr(CLUBS_VERSION_KEY)
    except ValueError:
        cache.add(CLUBS_VERSION_KEY, fresh_version(), timeout=None)


def clubs_changed(**_signal_arguments) -> None:
    _bump_clubs()
    transaction.on_commit(_bump_clubs, robust=True)


# --- one meeting's page ---------------------------------------------------------------
# What members do on a meeting page (RSVPs, its discussion) bumps that meeting's version;
# the shared meeting page is keyed by it and by clubs_version (the meeting itself, its
# club, memberships and reading sections).


def meeting_version_key(meeting_id: int) -> str:
    return f"meeting:version:{meeting_id}"


def meeting_version(meeting_id: int) -> int:
    def read() -> int:
        version = cache.get(meeting_version_key(meeting_id))
        if version is None:
            cache.add(meeting_version_key(meeting_id), fresh_version(), timeout=None)
            version = cache.get(meeting_version_key(meeting_id), 1)
        return version

    return memoised(meeting_version_key(meeting_id), read)


def _bump_meeting(meeting_id: int) -> None:
    forget(meeting_version_key(meeting_id))
    try:
        cache.incr(meeting_version_key(meeting_id))
    except ValueError:
        cache.add(meeting_version_key(meeting_id), fresh_version(), timeout=None)


def meeting_changed(meeting_id: int | None) -> None:
    if meeting_id is None:
        return
    _bump_meeting(meeting_id)
    transaction.on_commit(lambda: _bump_meeting(meeting_id), robust=True)


def meeting_id_of(instance) -> int | None:
    """The meeting an RSVP, a thread or a comment belongs to (None for book threads)."""
    if hasattr(instance, "meeting_id"):  # an RSVP or a thread
        return instance.meeting_id
    thread = instance._state.fields_cache.get("thread")
    if thread is not None:
        return thread.meeting_id
    from discussions.models import Thread

    return Thread.objects.filter(pk=instance.thread_id).values_list("meeting_id", flat=True).first()


def meeting_row_changed(sender, instance, **_signal_arguments) -> None:
    meeting_changed(meeting_id_of(instance))
