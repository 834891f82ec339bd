"""Per-book community version: what is cached about a book's community is retired on any write.

Every write that changes what a book page shows about its community (comments,
ratings, age votes, summaries, notices and their seconds, quotes, thread locks)
bumps that book's version, now and again when the transaction commits. Cached
aggregates and visitors' page fragments are keyed by it, so they are never stale
for longer than a request. Members' display names in cached fragments may lag by
up to COMMUNITY_TIMEOUT after a profile edit.
"""

from __future__ import annotations

from bookclub.request_memo import read_through
from bookclub.versions import read_version, version_changed

COMMUNITY_TIMEOUT = 60 * 10


def community_version_key(book_id: int) -> str:
    return f"community:version:{book_id}"


def community_version(book_id: int) -> int:
    return read_version(community_version_key(book_id))


def community_changed(book_id: int | None) -> None:
    if book_id is not None:
        version_changed(community_version_key(book_id))


def community_key(book_id: int, name: str, *, version: int | None = None) -> str:
    """`name` cached under the book's community version (its current one unless given)."""
    if version is None:
        version = community_version(book_id)
    return f"community:{book_id}:v{version}:{name}"


def cached_community(book_id: int, name: str, build):
    """build() cached under the book's current community version."""
    return read_through(community_key(book_id, name), build, COMMUNITY_TIMEOUT)


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
    return read_version(CLUBS_VERSION_KEY)


def clubs_changed(**_signal_arguments) -> None:
    version_changed(CLUBS_VERSION_KEY)


# --- one meeting's page ---------------------------------------------------------------
# What members do on a meeting page (RSVPs, its discussion) bumps that meeting's version;
# the shared meeting page is keyed by it and by clubs_version (the meeting itself, its
# club, memberships and reading sections).


def meeting_version_key(meeting_id: int) -> str:
    return f"meeting:version:{meeting_id}"


def meeting_version(meeting_id: int) -> int:
    return read_version(meeting_version_key(meeting_id))


def meeting_changed(meeting_id: int | None) -> None:
    if meeting_id is not None:
        version_changed(meeting_version_key(meeting_id))


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
