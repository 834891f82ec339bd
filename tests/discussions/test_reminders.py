"""The reminder command: a day ahead, going members only, never twice."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from discussions.models import RSVP, Meeting, Membership, Reminder
from discussions.services.meetings import reminder_send
from discussions.services.rsvps import rsvp_set


@pytest.fixture
def tomorrow(make_user, make_club, make_meeting):
    going, maybe = make_user(), make_user()
    club = make_club(members=[going, maybe])
    meeting = make_meeting(club, starts_at=timezone.now() + datetime.timedelta(hours=20))
    rsvp_set(meeting=meeting, user=going, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=maybe, response=RSVP.Response.MAYBE)
    return meeting, going


def _run(*args) -> str:
    out = StringIO()
    call_command("send_meeting_reminders", *args, stdout=out)
    return out.getvalue()


def test_going_members_are_reminded_once_however_often_it_runs(tomorrow):
    meeting, going = tomorrow
    assert "Sent 1 reminder" in _run()
    assert "Sent 0 reminder" in _run()
    assert [m.to for m in mail.outbox] == [[going.email]]
    # 20 hours ahead is today or tomorrow, depending on the hour the test runs.
    assert " at " in mail.outbox[0].subject and ": Discussion" in mail.outbox[0].subject
    assert Reminder.objects.filter(meeting=meeting, user=going).count() == 1


def test_dry_run_sends_and_records_nothing(tomorrow):
    output = _run("--dry-run")
    assert "1 reminder(s) due" in output
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_meetings_further_off_or_cancelled_are_not_reminded(tomorrow, make_meeting):
    meeting, going = tomorrow
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    later = make_meeting(meeting.club, starts_at=timezone.now() + datetime.timedelta(days=3))
    Membership.objects.get_or_create(club=meeting.club, user=going)
    rsvp_set(meeting=later, user=going, response=RSVP.Response.GOING)
    _run()
    assert mail.outbox == []


def test_a_second_sender_racing_the_first_sends_nothing(tomorrow):
    """Two overlapping cron runs holding the same due row: the unique log row stops the second."""
    meeting, going = tomorrow
    rsvp = RSVP.objects.get(meeting=meeting, user=going)
    assert reminder_send(rsvp=rsvp) is True
    assert reminder_send(rsvp=rsvp) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_next_run(tomorrow, monkeypatch):
    meeting, going = tomorrow

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("discussions.services.meetings.send_mail", broken)
    errors = StringIO()
    call_command("send_meeting_reminders", stdout=StringIO(), stderr=errors)
    assert "1 reminder(s) failed" in errors.getvalue()
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert "Sent 1 reminder" in _run()


@pytest.mark.parametrize(
    ("now", "starts", "expected"),
    [
        # 15:30 in London, the meeting at 18:30 the same evening.
        ("2031-06-03T14:30", "2031-06-03T17:30", "Today at 18:30"),
        ("2031-06-03T20:00", "2031-06-04T17:30", "Tomorrow at 18:30"),
        # Late at night, the meeting three hours away is already tomorrow.
        ("2031-06-03T22:00", "2031-06-04T01:00", "Tomorrow at 02:00"),
    ],
)
def test_the_reminder_says_today_or_tomorrow_as_the_member_counts_days(
    make_user, make_club, make_meeting, now, starts, expected
):
    member = make_user(time_zone="Europe/London")
    utc = datetime.UTC
    meeting = make_meeting(
        make_club(members=[member]),
        title="Part One",
        starts_at=datetime.datetime.fromisoformat(starts).replace(tzinfo=utc),
    )
    rsvp = RSVP.objects.create(meeting=meeting, user=member, response=RSVP.Response.GOING)
    reminder_send(rsvp=rsvp, now=datetime.datetime.fromisoformat(now).replace(tzinfo=utc))
    assert mail.outbox[0].subject == f"[{meeting.club.name}] {expected}: Part One"
