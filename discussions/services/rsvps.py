"""RSVPs and the waitlist.

Every change locks the meeting row first (SELECT … FOR UPDATE on PostgreSQL;
SQLite serialises writers with BEGIN IMMEDIATE), so counting seats and taking
one is a single step even when many members answer at the same moment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from discussions.models import RSVP, Meeting


def _has_free_seat(meeting: Meeting) -> bool:
    if meeting.capacity is None:
        return True
    return RSVP.objects.seats_taken(meeting) < meeting.capacity


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError("This meeting has been cancelled.")
    if meeting.has_ended():
        raise ValidationError("This meeting is over.")


def _answers_alike(current: str, answer: str) -> bool:
    """Whether `answer` would leave an RSVP of `current` as it is (going to a full meeting
    while on its waitlist stays on the waitlist)."""
    if answer == RSVP.Response.GOING:
        return current in (RSVP.Response.GOING, RSVP.Response.WAITLISTED)
    return current == answer


def waitlist_close_up(*, meeting: Meeting) -> None:
    """Renumber the waitlist 1, 2, 3… in its order, so nobody reads a place that is gone.
    Call with the lock held."""
    # In ascending order each member moves only into a place already vacated, so the
    # unique (meeting, position) constraint holds after every single update.
    waiting = meeting.rsvps.filter(response=RSVP.Response.WAITLISTED).order_by("waitlist_position")
    for place, rsvp in enumerate(waiting, start=1):
        if rsvp.waitlist_position != place:
            rsvp.waitlist_position = place
            rsvp.save(update_fields=["waitlist_position", "updated_at"])


def waitlist_promote(*, meeting: Meeting) -> list[RSVP]:
    """Move waitlisted members into free seats, first come first served, and close up the
    places behind them. Call with the lock held."""
    promoted = []
    while _has_free_seat(meeting):
        next_in_line = (
            meeting.rsvps.filter(response=RSVP.Response.WAITLISTED)
            .order_by("waitlist_position")
            .first()
        )
        if next_in_line is None:
            break
        next_in_line.response = RSVP.Response.GOING
        next_in_line.waitlist_position = None
        next_in_line.save(update_fields=["response", "waitlist_position", "updated_at"])
        promoted.append(next_in_line)
    if promoted:
        waitlist_close_up(meeting=meeting)
    return promoted


def rsvp_set(*, meeting: Meeting, user, response: str) -> RSVP:
    """Record a member's answer; "going" to a full meeting joins the waitlist.

    Giving up a seat promotes the first waitlisted member, who is emailed.
    """
    if response not in (RSVP.Response.GOING, RSVP.Response.MAYBE, RSVP.Response.NOT_GOING):
        raise ValidationError("Choose going, maybe or can't go.")
    if not meeting.club.is_member(user):
        raise PermissionDenied("Join the club to RSVP.")
    _refuse_if_closed(meeting)
    # Answering again what one answered before changes nothing: no need to queue for the
    # meeting's lock behind everyone who does change their answer.
    current = RSVP.objects.answer_of(meeting, user)
    if current is not None and _answers_alike(current.response, response):
        return current
    with transaction.atomic():
        meeting = Meeting.objects.locked(meeting)
        _refuse_if_closed(meeting)  # again: it may have been cancelled meanwhile
        # Read after the lock, in a statement of its own: a promotion may have given this
        # member a seat while they waited for it.
        rsvp = RSVP.objects.answer_of(meeting, user) or RSVP(meeting=meeting, user=user)
        was_going = rsvp.response == RSVP.Response.GOING
        was_waiting = rsvp.response == RSVP.Response.WAITLISTED
        if rsvp.pk is not None and _answers_alike(rsvp.response, response):
            return rsvp  # changed to this meanwhile, by another request
        if response == RSVP.Response.GOING:
            if _has_free_seat(meeting):
                rsvp.response, rsvp.waitlist_position = RSVP.Response.GOING, None
            else:
                last = meeting.rsvps.aggregate(last=Max("waitlist_position"))["last"] or 0
                rsvp.response, rsvp.waitlist_position = RSVP.Response.WAITLISTED, last + 1
        else:
            rsvp.response, rsvp.waitlist_position = response, None
        rsvp.save()
        promoted = waitlist_promote(meeting=meeting) if was_going else []
        if was_waiting:
            waitlist_close_up(meeting=meeting)
        if promoted:
            from discussions.services.meetings import meeting_notify_promoted

            # With the seat: the news and its queued email commit together.
            meeting_notify_promoted(meeting=meeting, rsvps=promoted)
    return rsvp
