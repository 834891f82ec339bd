"""Spoiler safety: has this reader got far enough to read about that section?

Progress means "I have finished reading up to here". A comment tagged with a
section is safe once the reader has finished that section, measured by the
section itself, or by page or percentage when the section says where it ends.
When we cannot tell, we hide: a needless click is cheaper than a spoiler.

The comment engine calls `is_spoiler_for` per comment with the progress loaded
once per page by `progress_for_meeting`.
"""

from __future__ import annotations

from discussions.models import Meeting, ReadingProgress, ReadingSection


def is_spoiler_for(
    *, reader_progress: ReadingProgress | None, section: ReadingSection | None
) -> bool:
    """True when text about `section` would spoil the book for this reader."""
    if section is None:
        return False
    if reader_progress is None:
        return True
    if reader_progress.book_id != section.book_id:
        return True
    if reader_progress.percent == 100:
        return False
    finished = reader_progress.section
    if finished is not None and finished.position >= section.position:
        return False
    if (
        reader_progress.page is not None
        and section.last_page is not None
        and reader_progress.page >= section.last_page
    ):
        return False
    return not (
        reader_progress.percent is not None
        and section.last_percent is not None
        and reader_progress.percent >= section.last_percent
    )


def progress_for_meeting(*, user, meeting: Meeting) -> ReadingProgress | None:
    """The member's progress in the meeting's book, with its section, in one query."""
    if user is None or not user.is_authenticated:
        return None
    return ReadingProgress.objects.for_meeting(user=user, meeting=meeting).first()


def spoilers_mark(*, comments, user, reader_progress: ReadingProgress | None) -> None:
    """Set `is_spoiler` on each comment for this reader; authors always see their own words."""
    own = user.pk if getattr(user, "is_authenticated", False) else None
    for comment in comments:
        comment.is_spoiler = (own is None or comment.author_id != own) and is_spoiler_for(
            reader_progress=reader_progress, section=comment.section
        )
