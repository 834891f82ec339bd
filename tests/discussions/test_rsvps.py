import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from discussions.models import RSVP, Meeting
from discussions.services.rsvps import rsvp_set

GOING, MAYBE, NOT_GOING = RSVP.Response.GOING, RSVP.Response.MAYBE, RSVP.Response.NOT_GOING


@pytest.fixture
def full_house(make_user, make_club, make_meeting):
    """A two-seat meeting and four members."""
    members = [make_user() for _ in range(4)]
    club = make_club(members=members)
    return make_meeting(club, capacity=2), members


def test_going_beyond_capacity_joins_the_waitlist_in_order(full_house):
    meeting, (a, b, c, d) = full_house
    for user in (a, b, c, d):
        rsvp_set(meeting=meeting, user=user, response=GOING)
    answers = {r.user: (r.response, r.waitlist_position) for r in meeting.rsvps.all()}
    assert answers[a] == (GOING, None)
    assert answers[b] == (GOING, None)
    assert answers[c] == (RSVP.Response.WAITLISTED, 1)
    assert answers[d] == (RSVP.Response.WAITLISTED, 2)


def test_a_freed_seat_goes_to_the_first_in_line_who_is_emailed(
    full_house, django_capture_on_commit_callbacks
):
    meeting, (a, b, c, d) = full_house
    for user in (a, b, c, d):
        rsvp_set(meeting=meeting, user=user, response=GOING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(meeting=meeting, user=a, response=NOT_GOING)
    assert meeting.rsvps.get(user=c).response == GOING
    assert meeting.rsvps.get(user=d).response == RSVP.Response.WAITLISTED
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert "You have a seat" in mail.outbox[0].subject


def test_maybe_does_not_take_a_seat(full_house):
    meeting, (a, b, c, _) = full_house
    rsvp_set(meeting=meeting, user=a, response=MAYBE)
    rsvp_set(meeting=meeting, user=b, response=GOING)
    rsvp_set(meeting=meeting, user=c, response=GOING)
    assert meeting.going_count() == 2


def test_saying_going_twice_keeps_your_place(full_house):
    meeting, (a, b, c, _) = full_house
    for user in (a, b, c):
        rsvp_set(meeting=meeting, user=user, response=GOING)
    assert rsvp_set(meeting=meeting, user=c, response=GOING).waitlist_position == 1


def test_answering_again_as_before_changes_nothing_and_waits_for_no_lock(full_house):
    from django.test.utils import CaptureQueriesContext

    meeting, (a, b, c, _) = full_house
    for user in (a, b, c):
        rsvp_set(meeting=meeting, user=user, response=GOING)
    before = {r.pk: r.updated_at for r in meeting.rsvps.all()}
    with CaptureQueriesContext(connection) as captured:
        assert rsvp_set(meeting=meeting, user=a, response=GOING).response == GOING
        assert rsvp_set(meeting=meeting, user=c, response=GOING).waitlist_position == 1
    assert {r.pk: r.updated_at for r in meeting.rsvps.all()} == before
    assert not [q for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    # A changed answer is still stored, and frees the seat for the first in line.
    rsvp_set(meeting=meeting, user=a, response=MAYBE)
    assert meeting.rsvps.get(user=c).response == GOING


def test_raising_capacity_promotes_the_waitlist(full_house):
    from discussions.services.meetings import meeting_update

    meeting, members = full_house
    for user in members:
        rsvp_set(meeting=meeting, user=user, response=GOING)
    meeting_update(meeting=meeting, capacity=3)
    assert meeting.going_count() == 3


def test_non_members_cannot_rsvp(full_house, make_user):
    meeting, _ = full_house
    with pytest.raises(PermissionDenied):
        rsvp_set(meeting=meeting, user=make_user(), response=GOING)


def test_cancelled_meetings_take_no_rsvps(full_house):
    meeting, (a, *_) = full_house
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        rsvp_set(meeting=meeting, user=a, response=GOING)


@pytest.mark.django_db(transaction=True)
def test_concurrent_going_rsvps_never_overfill_and_queue_in_order(
    make_user, make_club, make_meeting
):
    """Eight members press "going" at once for three seats, on SQLite and PostgreSQL."""
    members = [make_user() for _ in range(8)]
    meeting = make_meeting(make_club(members=members), capacity=3)
    barrier = threading.Barrier(len(members))
    errors = []

    def answer(user):
        try:
            barrier.wait()
            rsvp_set(meeting=meeting, user=user, response=GOING)
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,)) for user in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert meeting.rsvps.filter(response=GOING).count() == 3
    positions = sorted(
        meeting.rsvps.filter(response=RSVP.Response.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == [1, 2, 3, 4, 5]

    # Two seats free up at once: exactly the first two in line get them.
    first_in_line = list(
        meeting.rsvps.filter(response=RSVP.Response.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("user_id", flat=True)[:2]
    )
    leavers = list(meeting.rsvps.filter(response=GOING).values_list("user", flat=True)[:2])
    barrier = threading.Barrier(2)

    def leave(user_id):
        try:
            barrier.wait()
            rsvp_set(
                meeting=meeting,
                user=members[0].__class__.objects.get(pk=user_id),
                response=NOT_GOING,
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=leave, args=(user_id,)) for user_id in leavers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    going = set(meeting.rsvps.filter(response=GOING).values_list("user_id", flat=True))
    assert len(going) == 3
    assert set(first_in_line) <= going


@pytest.mark.django_db(transaction=True)
def test_a_seat_given_while_the_member_waited_to_answer_is_passed_on_when_they_leave(
    make_user, make_club, make_meeting
):
    """The waitlisted member answers "can't go" while another transaction, holding the
    meeting's lock, gives them the seat. Their answer must be read after the lock: they
    are going now, so leaving passes the seat to the next in line."""
    holder, waiting, next_in_line = (make_user() for _ in range(3))
    meeting = make_meeting(make_club(members=[holder, waiting, next_in_line]), capacity=1)
    for user in (holder, waiting, next_in_line):
        rsvp_set(meeting=meeting, user=user, response=GOING)
    seat_given, errors = threading.Event(), []

    def give_the_seat_away():
        try:
            with transaction.atomic():
                Meeting.objects.select_for_update().get(pk=meeting.pk)
                RSVP.objects.filter(meeting=meeting, user=holder).update(response=NOT_GOING)
                RSVP.objects.filter(meeting=meeting, user=waiting).update(
                    response=GOING, waitlist_position=None
                )
                seat_given.set()
                _until_another_session_waits_for_a_lock()
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def answer_cant_go():
        try:
            seat_given.wait(10)
            rsvp_set(meeting=meeting, user=waiting, response=NOT_GOING)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=give_the_seat_away), threading.Thread(target=answer_cant_go)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    answers = dict(meeting.rsvps.values_list("user_id", "response"))
    assert answers == {holder.pk: NOT_GOING, waiting.pk: NOT_GOING, next_in_line.pk: GOING}


def _until_another_session_waits_for_a_lock(timeout: float = 5) -> None:
    """On PostgreSQL, until another session waits for a lock; SQLite shows no such thing,
    and there a moment's pause lets the other writer queue up."""
    if connection.vendor != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views hold still within a transaction unless told to look again.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the other session never waited for the meeting's lock")


def test_leaving_the_waitlist_moves_those_behind_up_a_place(make_user, make_club, make_meeting):
    members = [make_user() for _ in range(5)]
    meeting = make_meeting(make_club(members=members), capacity=2)
    for user in members:
        rsvp_set(meeting=meeting, user=user, response=GOING)
    rsvp_set(meeting=meeting, user=members[2], response=NOT_GOING)  # #1 leaves the line
    places = dict(
        meeting.rsvps.filter(response=RSVP.Response.WAITLISTED).values_list(
            "user", "waitlist_position"
        )
    )
    assert places == {members[3].pk: 1, members[4].pk: 2}
