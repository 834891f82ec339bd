"""Reminders: a day ahead, going members only, never twice; queued by beat or the command."""

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


@pytest.fixture
def _run(django_capture_on_commit_callbacks):
    """_run(*args) -> the command's output, with the emails it queued delivered (eagerly)."""

    def run(*args) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_meeting_reminders", *args, stdout=out)
        return out.getvalue()

    return run


def test_going_members_are_reminded_once_however_often_it_runs(tomorrow, _run):
    meeting, going = tomorrow
    assert "Queued 1 reminder" in _run()
    assert "Queued 0 reminder" in _run()
    assert [m.to for m in mail.outbox] == [[going.email]]
    # 20 hours ahead is today or tomorrow, depending on the hour the test runs.
    assert " at " in mail.outbox[0].subject and ": Discussion" in mail.outbox[0].subject
    assert Reminder.objects.filter(meeting=meeting, user=going).count() == 1


def test_dry_run_sends_and_records_nothing(tomorrow, _run):
    output = _run("--dry-run")
    assert "1 reminder(s) due" in output
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_meetings_further_off_or_cancelled_are_not_reminded(tomorrow, make_meeting, _run):
    meeting, going = tomorrow
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    later = make_meeting(meeting.club, starts_at=timezone.now() + datetime.timedelta(days=3))
    Membership.objects.get_or_create(club=meeting.club, user=going)
    rsvp_set(meeting=later, user=going, response=RSVP.Response.GOING)
    _run()
    assert mail.outbox == []


def test_a_second_sender_racing_the_first_sends_nothing(
    tomorrow, django_capture_on_commit_callbacks
):
    """Two overlapping runs holding the same due row: the unique log row stops the second."""
    meeting, going = tomorrow
    rsvp = RSVP.objects.get(meeting=meeting, user=going)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_send(rsvp=rsvp) is True
        assert reminder_send(rsvp=rsvp) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_stays_queued_and_goes_out_once_smtp_is_back(
    tomorrow, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django.core.mail.backends.locmem import EmailBackend

    from bookclub.outbox.models import OutboundEmail
    from bookclub.outbox.services import emails_sweep

    meeting, going = tomorrow

    def refused(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders", stdout=StringIO())
    assert Reminder.objects.filter(meeting=meeting, user=going).exists()
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and "SMTP down" in email.last_error
    monkeypatch.undo()
    settings.OUTBOX_STALE_SECONDS = 0
    later = email.due_at + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_sweep(now=later) == 1
    assert emails_sweep(now=later + datetime.timedelta(hours=1)) == 0
    assert [m.to for m in mail.outbox] == [[going.email]]


def test_beat_task_queues_the_same_reminders(tomorrow, django_capture_on_commit_callbacks):
    from discussions.tasks import send_meeting_reminders

    meeting, going = tomorrow
    with django_capture_on_commit_callbacks(execute=True):
        assert send_meeting_reminders.delay().get() == 1
        assert send_meeting_reminders.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[going.email]]


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
    make_user, make_club, make_meeting, now, starts, expected, django_capture_on_commit_callbacks
):
    member = make_user(time_zone="Europe/London")
    utc = datetime.UTC
    meeting = make_meeting(
        make_club(members=[member]),
        title="Part One",
        starts_at=datetime.datetime.fromisoformat(starts).replace(tzinfo=utc),
    )
    rsvp = RSVP.objects.create(meeting=meeting, user=member, response=RSVP.Response.GOING)
    with django_capture_on_commit_callbacks(execute=True):  # the email goes out on commit
        reminder_send(rsvp=rsvp, now=datetime.datetime.fromisoformat(now).replace(tzinfo=utc))
    assert mail.outbox[0].subject == f"[{meeting.club.name}] {expected}: Part One"
