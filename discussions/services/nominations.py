"""Writes for nominations: nominating, seconding, withdrawing, the club's reading
settings, and sending the shortlist to a ranked-choice poll."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from bookclub.cache import bump
from catalog.models import Book
from discussions.models import Club, Nomination, NominationSecond, Poll
from discussions.models.nominations import first_in_series
from discussions.services.errors import DiscussionError, NotAllowed
from discussions.services.polls import poll_create


def nomination_refusal(*, club: Club, book: Book, member) -> str:
    """Why `member` cannot nominate `book` now ("" when they can)."""
    if club.books_read().filter(pk=book.pk).exists():
        met = club.meetings.past().active().filter(book=book).first()
        when = f" (you met about it on {date_format(met.local_starts_at, 'j F Y')})" if met else ""
        return (
            f"The club has already read {book.title}{when}: nominate a book the club hasn't read."
        )
    if Nomination.objects.filter(club=club, book=book, poll__isnull=True).exists():
        return f"{book.title} is already nominated: second it instead."
    mine = Nomination.objects.filter(club=club, nominated_by=member, poll__isnull=True).count()
    if mine >= club.nomination_quota:
        return (
            f"You have nominated {mine} book{'s' if mine != 1 else ''}, the club's limit for "
            "each member: withdraw one to nominate another."
        )
    return ""


def series_warning(*, club: Club, book: Book) -> str:
    """A later book in a series whose book 1 the club has not read ("" otherwise)."""
    first = first_in_series([book]).get(book.pk)
    if first is None or club.books_read().filter(pk=first.pk).exists():
        return ""
    return (
        f"{book.title} follows other books in its series, and the club has not read "
        f"book 1, {first.title}."
    )


@transaction.atomic
def nomination_create(*, club: Club, book: Book, member) -> Nomination:
    """Nominate a book for the club's next vote, within the member's quota."""
    # Lock the member's row of the club so two quick nominations cannot both fit the quota.
    list(club.memberships.select_for_update().filter(user=member))
    refusal = nomination_refusal(club=club, book=book, member=member)
    if refusal:
        raise DiscussionError(refusal)
    try:
        with transaction.atomic():
            return Nomination.objects.create(club=club, book=book, nominated_by=member)
    except IntegrityError:  # nominated by someone else a moment ago
        raise DiscussionError(f"{book.title} is already nominated: second it instead.") from None


def nomination_second(*, nomination: Nomination, member) -> NominationSecond:
    """Second another member's open nomination; enough seconds put it on the ballot."""
    if nomination.poll_id is not None:
        raise DiscussionError("This nomination has already gone to a vote.")
    if nomination.nominated_by_id == member.pk:
        raise DiscussionError("You nominated this book: another member has to second it.")
    try:
        with transaction.atomic():
            second, _ = NominationSecond.objects.get_or_create(nomination=nomination, member=member)
    except IntegrityError:  # a double click
        second = NominationSecond.objects.get(nomination=nomination, member=member)
    return second


def nomination_withdraw(*, nomination: Nomination, member, by_organiser: bool = False) -> None:
    if nomination.poll_id is not None:
        raise DiscussionError("This nomination has already gone to a vote.")
    if nomination.nominated_by_id != member.pk and not by_organiser:
        raise NotAllowed("Only the member who nominated a book, or an organiser, can withdraw it.")
    nomination.delete()


def club_reading_settings_update(
    *,
    club: Club,
    nomination_quota: int,
    seconds_needed: int,
    read_length_weeks: int,
    pages_per_week: int,
) -> Club:
    club.nomination_quota = nomination_quota
    club.seconds_needed = seconds_needed
    club.read_length_weeks = read_length_weeks
    club.pages_per_week = pages_per_week
    club.full_clean(validate_unique=False)
    club.save(
        update_fields=["nomination_quota", "seconds_needed", "read_length_weeks", "pages_per_week"]
    )
    return club


@transaction.atomic
def nominations_to_ballot(*, club: Club, created_by, closes_at: datetime, title: str = "") -> Poll:
    """Open a ranked-choice poll on the shortlisted nominations (results hidden until it
    closes); the others stay nominated for the next round. Candidates are added in the
    order they were nominated, so a tie for last place removes the latest nomination."""
    if closes_at <= timezone.now():
        raise DiscussionError("The closing time must be in the future.")
    Club.objects.select_for_update().filter(pk=club.pk).first()  # one ballot at a time
    shortlist = list(Nomination.objects.shortlisted_in(club))
    if not shortlist:
        needed = club.seconds_needed
        raise DiscussionError(
            f"No nomination has {needed} second{'s' if needed != 1 else ''} yet, so the "
            "ballot would be empty."
        )
    poll = poll_create(
        club=club,
        created_by=created_by,
        closes_at=closes_at,
        books=[nomination.book for nomination in shortlist],
        title=title,
        allow_suggestions=False,
        show_results_early=False,
    )
    Nomination.objects.filter(pk__in=[n.pk for n in shortlist]).update(poll=poll)
    bump("clubs")  # the bulk update sent no signals
    return poll
