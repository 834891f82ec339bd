"""Writes for club reads: starting one, its schedule, shifting it, following it, catching
up, and the digests that bring the catch-up to members' inboxes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from bookclub.cache import bump
from bookclub.outbox.services import Email, emails_queue
from discussions.markup import without_spoiler_blocks
from discussions.models import (
    ClubRead,
    Comment,
    Membership,
    ReadFollow,
    ReadingSection,
    ScheduledSection,
)
from discussions.services.meetings import section_add
from discussions.services.spoilers import ReaderPosition, is_safe_for, reader_position

# How a section's extent is given, and how its title reads when the organiser gives none.
UNITS = {
    "part": "Part {last}",
    "chapters": "Chapters {first}–{last}",
    "pages": "Pages {first}–{last}",
    "percent": "{first}%–{last}%",
}
CATCH_UP_LIMIT = 50


def read_create(
    *, club, book, starts_on: date, created_by, poll=None, edition_pages: int | None = None
) -> ClubRead:
    """Start reading `book` together (a poll's winner, or chosen directly)."""
    chosen = {"book": book, "poll": poll, "edition_pages": edition_pages}
    read = ClubRead(club=club, created_by=created_by, starts_on=starts_on, **chosen)
    read.full_clean()
    read.save()
    return read


def _last_ends(read: ClubRead) -> dict[str, int]:
    """Where the book's sections so far end, in each unit they give."""
    ends: dict[str, int] = {}
    for section in read.book.sections.all():
        for unit, value in (
            ("chapters", section.last_chapter),
            ("pages", section.last_page),
            ("percent", section.last_percent),
        ):
            if value is not None:
                ends[unit] = max(ends.get(unit, 0), value)
    return ends


def _schedule_refusals(
    read: ClubRead, *, due_on: date, unit: str, first: int | None, last: int | None
) -> dict[str, str]:
    refusals = {}
    if due_on < read.starts_on:
        refusals["due_on"] = (
            f"The due date is before the read starts ({read.starts_on:%A} "
            f"{read.starts_on.day} {read.starts_on:%B})."
        )
    latest = read.schedule.order_by("-due_on").values_list("due_on", flat=True).first()
    if latest is not None and due_on < latest and "due_on" not in refusals:
        refusals["due_on"] = (
            f"The previous section is due on {latest:%A} {latest.day} {latest:%B}: "
            "a later section cannot be due before it."
        )
    if unit == "part" or last is None:
        return refusals
    if first is not None and first > last:
        refusals["first"] = "The section ends before it begins."
        return refusals
    if unit == "pages" and read.edition_pages and last > read.edition_pages:
        refusals["last"] = f"The read's edition has {read.edition_pages} pages."
    previous_end = _last_ends(read).get(unit)
    if previous_end is not None and (last <= previous_end or (first or last) <= previous_end):
        name = {"chapters": "chapter", "pages": "page", "percent": "percent"}[unit]
        where = f"{previous_end}%" if unit == "percent" else f"{name} {previous_end}"
        refusals["first"] = (
            f"This section overlaps the previous one, which ends at {where}. "
            f"Start it after {where}."
        )
    return refusals


def schedule_add(
    *,
    read: ClubRead,
    due_on: date,
    unit: str = "part",
    title: str = "",
    first: int | None = None,
    last: int | None = None,
    section: ReadingSection | None = None,
) -> ScheduledSection:
    """Put a section on the read's schedule, due on `due_on`: one of the book's sections,
    or a new one appended after them (a part, a chapter, page or percentage range)."""
    refusals = _schedule_refusals(
        read, due_on=due_on, unit=unit, first=first, last=None if section else last
    )
    if refusals:
        raise ValidationError(refusals)
    with transaction.atomic():
        if section is None:
            section = _section_append(read, unit=unit, title=title, first=first, last=last)
        elif section.book_id != read.book_id:
            raise ValidationError({"section": "That section belongs to another book."})
        scheduled = ScheduledSection(read=read, section=section, due_on=due_on)
        scheduled.full_clean()
        scheduled.save()
    return scheduled


def _section_append(
    read: ClubRead, *, unit: str, title: str, first: int | None, last: int | None
) -> ReadingSection:
    percent = last if unit == "percent" else None
    if unit == "pages" and read.edition_pages and last is not None:
        # Members read other editions: where the section ends as a share of the book
        # (rounded up, so nobody is let in early).
        percent = min(math.ceil(last * 100 / read.edition_pages), 100)
    return section_add(
        book=read.book,
        title=title or UNITS[unit].format(first=first if first is not None else last, last=last),
        last_chapter=last if unit == "chapters" else None,
        last_page=last if unit == "pages" else None,
        last_percent=percent,
    )


def read_shift(*, read: ClubRead, weeks: int = 1, today: date | None = None) -> int:
    """Move every section not yet due by `weeks`, and tell the read's followers by email.
    Returns how many sections moved."""
    today = today or timezone.localdate()
    with transaction.atomic():
        rest = list(read.schedule.filter(due_on__gte=today).in_order())
        for scheduled in rest:
            scheduled.due_on = scheduled.shifted(weeks)
        ScheduledSection.objects.bulk_update(rest, ["due_on"])
        bump("clubs")
        if rest:
            _tell_followers_of_shift(read, rest, weeks=weeks)
    return len(rest)


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _followers(read: ClubRead):
    """Followers who are still members and want email: leaving a private club ends its news."""
    members = Membership.objects.filter(club=read.club_id, user=OuterRef("user"))
    return (
        read.followers.filter(Exists(members), user__is_active=True, user__email_notifications=True)
        .exclude(user__email="")
        .select_related("user")
    )


def _tell_followers_of_shift(read: ClubRead, rest: list[ScheduledSection], *, weeks: int) -> None:
    url = _site_url(read.get_absolute_url())
    context = {"read": read, "rest": rest, "weeks": weeks, "url": url}
    emails = [
        Email(
            key=f"read-shifted:{read.pk}:{follow.user_id}:{rest[0].due_on.isoformat()}",
            to=follow.user.email,
            subject=f"[{read.club.name}] The schedule for {read.book.title} moved",
            body=render_to_string(
                "discussions/email/read_shifted.txt", {"user": follow.user, **context}
            ),
        )
        for follow in _followers(read)
    ]
    emails_queue(emails)


def read_follow(*, read: ClubRead, user, digest: str = ReadFollow.Digest.NONE) -> ReadFollow:
    """Follow the read (news of the schedule, a digest if chosen)."""
    follow, _ = ReadFollow.objects.update_or_create(
        read=read, user=user, defaults={"digest": digest}
    )
    return follow


def read_unfollow(*, read: ClubRead, user) -> None:
    ReadFollow.objects.filter(read=read, user=user).delete()


def read_caught_up(*, read: ClubRead, user, now: datetime | None = None) -> ReadFollow:
    """Mark everything so far as seen: the catch-up view's "new" starts again from now.
    Catching up follows the read (that row remembers the visit)."""
    follow, _ = ReadFollow.objects.update_or_create(
        read=read, user=user, defaults={"caught_up_at": now or timezone.now()}
    )
    return follow


@dataclass
class CatchUp:
    """What of a read's discussion a member may read now, and how much waits ahead."""

    position: ReaderPosition
    since: datetime | None
    new: list = field(default_factory=list)
    earlier: list = field(default_factory=list)
    ahead: int = 0


def read_discussion(read: ClubRead):
    """The read's discussion: comments in the threads of the club's meetings on its book."""
    return (
        Comment.objects.filter(
            thread__meeting__club=read.club_id,
            thread__meeting__book=read.book_id,
            deleted_at__isnull=True,
            is_hidden=False,
        )
        .select_related("author", "section", "thread__meeting")
        .order_by("-created_at", "-id")
    )


def catch_up_build(*, read: ClubRead, user, since: datetime | None) -> CatchUp:
    """The member's catch-up: what is safe at their position, newest first, split at their
    last visit; things ahead of them are only counted. Their own words are always safe."""
    position = reader_position(user, read)
    catch_up = CatchUp(position=position, since=since)
    for comment in read_discussion(read)[:CATCH_UP_LIMIT]:
        if comment.author_id != user.pk and not is_safe_for(position, comment.section):
            catch_up.ahead += 1
        elif since is None or comment.created_at > since:
            catch_up.new.append(comment)
        else:
            catch_up.earlier.append(comment)
    return catch_up


def _section_fallen_due(follow: ReadFollow, today: date) -> int | None:
    """The scheduled section of the follower's read that fell due in the last week, if any."""
    due = (
        follow.read.schedule.filter(due_on__lte=today)
        .order_by("-due_on")
        .values_list("pk", "due_on")
        .first()
    )
    return due[0] if due is not None and (today - due[1]) < timedelta(days=7) else None


def digests_queue(*, today: date | None = None) -> int:
    """One catch-up email per member per period, keyed so that running again in the same
    period sends nothing more: a weekly one covering every read they chose it for, and one
    when a section of a read they chose "per section" for falls due. Returns how many."""
    today = today or timezone.localdate()
    follows = (
        _followers_wanting_digests()
        .select_related("read__club", "read__book", "user")
        .order_by("user_id", "pk")
    )
    year, week, _ = today.isocalendar()
    weekly: dict[int, list[ReadFollow]] = {}
    emails = []
    for follow in follows:
        if follow.digest == ReadFollow.Digest.WEEKLY:
            weekly.setdefault(follow.user_id, []).append(follow)
        elif (due := _section_fallen_due(follow, today)) is not None:
            emails.append(_digest_email([follow], key=f"section-{due}"))
    for theirs in weekly.values():
        emails.append(_digest_email(theirs, key=f"week-{year}-{week:02d}"))
    return emails_queue(emails)


def _followers_wanting_digests():
    members = Membership.objects.filter(club=OuterRef("read__club"), user=OuterRef("user"))
    return (
        ReadFollow.objects.exclude(digest=ReadFollow.Digest.NONE)
        .filter(Exists(members), user__is_active=True, user__email_notifications=True)
        .exclude(user__email="")
    )


def _digest_part(follow: ReadFollow) -> dict:
    read = follow.read
    catch_up = catch_up_build(read=read, user=follow.user, since=follow.caught_up_at)
    for comment in catch_up.new:
        comment.email_text = without_spoiler_blocks(comment.body)
    return {
        "read": read,
        "catch_up": catch_up,
        "this_week": read.schedule.due_this_week().select_related("section").first(),
        "url": _site_url(read.get_absolute_url() + "catch-up/"),
    }


def _digest_email(follows: list[ReadFollow], *, key: str) -> Email:
    """One member's digest of these reads (all theirs), for the period `key` names."""
    user = follows[0].user
    parts = [_digest_part(follow) for follow in follows]
    if len(parts) == 1:
        read = parts[0]["read"]
        subject = f"[{read.club.name}] Catch up on {read.book.title}"
    else:
        subject = f"Catch up on your {len(parts)} club reads"
    body = render_to_string("discussions/email/read_digest.txt", {"user": user, "parts": parts})
    return Email(key=f"read-digest:{user.pk}:{key}", to=user.email, subject=subject, body=body)
