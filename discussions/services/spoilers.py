"""Spoiler safety: has this reader got far enough to read about that section?

Progress means "I have finished reading up to here", in whatever format the member reads:
a section, a chapter, a page of their own edition, a percentage, a time in the audiobook.
`progress_position` turns it into one `ReaderPosition` (the last section they have
finished), and `is_safe_for(position, section)` is the one gate every section-tagged thing
passes through: comments, quotes, summaries, recaps, questions. When we cannot tell, we
hide: a needless click is cheaper than a spoiler.

For a club read, `reader_position(user, read)` loads the member's progress and the book's
sections and returns their position in one query (two for a read without its sections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from discussions.models import Meeting, ReadingProgress, ReadingSection

# A position past every section: the reader has finished the book.
FINISHED = 10**9


@dataclass(frozen=True)
class ReaderPosition:
    """How far a reader is in one book: `through` is the position of the last section
    they have finished (0 before they start, FINISHED once they have read it all)."""

    book_id: int | None
    through: int = 0

    @property
    def has_started(self) -> bool:
        return self.through > 0

    @property
    def key(self) -> str:
        """What a cached fragment that depends on the position is keyed by."""
        return f"{self.book_id}.{self.through}"


NOWHERE = ReaderPosition(book_id=None)


def _fraction(progress: ReadingProgress) -> float | None:
    """How far through the book, 0 to 1, from the formats that say it."""
    found = []
    if progress.percent is not None:
        found.append(progress.percent / 100)
    if progress.page is not None and progress.edition_pages:
        found.append(progress.page / progress.edition_pages)
    if progress.audio_seconds is not None and progress.audio_length_seconds:
        found.append(progress.audio_seconds / progress.audio_length_seconds)
    return max(found) if found else None


def _finished(progress: ReadingProgress, section: ReadingSection, fraction: float | None) -> bool:
    finished = progress.section
    if finished is not None and finished.position >= section.position:
        return True
    if fraction is not None and fraction >= 1:
        return True
    if (
        progress.chapter is not None
        and section.last_chapter is not None
        and progress.chapter >= section.last_chapter
    ):
        return True
    # A page without the edition's length is read as a page of the edition the
    # sections were set in (how progress was recorded before the formats).
    if (
        progress.page is not None
        and not progress.edition_pages
        and section.last_page is not None
        and progress.page >= section.last_page
    ):
        return True
    return (
        fraction is not None
        and section.last_percent is not None
        and fraction * 100 >= section.last_percent
    )


def progress_position(
    progress: ReadingProgress | None, sections: Iterable[ReadingSection]
) -> ReaderPosition:
    """The one mapping from a member's progress, in any format, to a position in the book's
    `sections`: the last section (in reading order) they have finished."""
    if progress is None:
        return NOWHERE
    fraction = _fraction(progress)
    if fraction is not None and fraction >= 1:
        return ReaderPosition(book_id=progress.book_id, through=FINISHED)
    through = 0
    for section in sections:
        if section.book_id == progress.book_id and _finished(progress, section, fraction):
            through = max(through, section.position)
    if progress.section is not None:
        through = max(through, progress.section.position)
    return ReaderPosition(book_id=progress.book_id, through=through)


def is_safe_for(position: ReaderPosition, section: ReadingSection | None) -> bool:
    """The gate: may a reader at `position` read something tagged with `section`?
    Untagged things are safe; a section of another book, or one not yet finished, is not."""
    if section is None:
        return True
    if position.book_id != section.book_id:
        return False
    return position.through >= section.position


def reader_position(user, read) -> ReaderPosition:
    """A member's position in a club read's book (nowhere for visitors and non-readers)."""
    if user is None or not user.is_authenticated:
        return NOWHERE
    progress = (
        ReadingProgress.objects.filter(user=user, book_id=read.book_id)
        .select_related("section")
        .first()
    )
    if progress is None:
        return ReaderPosition(book_id=read.book_id)
    return progress_position(progress, read.book.sections.all())


def is_spoiler_for(
    *, reader_progress: ReadingProgress | None, section: ReadingSection | None
) -> bool:
    """True when text about `section` would spoil the book for this reader."""
    if section is None:
        return False
    return not is_safe_for(progress_position(reader_progress, [section]), section)


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
