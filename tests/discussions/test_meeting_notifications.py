"""Meeting news in the app, and notifications that never carry a private club's words outside it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from discussions.models import RSVP, Membership, Notification
from discussions.services.comments import comment_create, thread_follow, thread_for_meeting
from discussions.services.meetings import meeting_cancel, meeting_update
from discussions.services.rsvps import rsvp_set


def _join(club, *users):
    for user in users:
        Membership.objects.create(club=club, user=user)


@pytest.fixture
def answered(public_club, make_meeting, make_user):
    """A meeting with a member going, one maybe, one who can't go and one opted out of email."""
    meeting = make_meeting(public_club, title="Part One night")
    users = {
        "going": make_user(),
        "maybe": make_user(),
        "not_going": make_user(),
        "quiet": make_user(email_notifications=False),
    }
    _join(public_club, *users.values())
    rsvp_set(meeting=meeting, user=users["going"], response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=users["maybe"], response=RSVP.Response.MAYBE)
    rsvp_set(meeting=meeting, user=users["not_going"], response=RSVP.Response.NOT_GOING)
    rsvp_set(meeting=meeting, user=users["quiet"], response=RSVP.Response.GOING)
    return meeting, users


def test_editing_a_meeting_notifies_everyone_who_answered_in_the_app(
    client, answered, django_capture_on_commit_callbacks
):
    meeting, users = answered
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, starts_at=meeting.starts_at + datetime.timedelta(hours=1))
    told = set(
        Notification.objects.filter(
            meeting=meeting, kind=Notification.Kind.MEETING_CHANGED
        ).values_list("recipient_id", flat=True)
    )
    # In-app news ignores the email opt-out; "can't go" hears nothing, as with email.
    assert told == {users["going"].pk, users["maybe"].pk, users["quiet"].pk}
    assert len(mail.outbox) == 2
    client.force_login(users["quiet"])
    html = client.get(reverse("discussions:notifications")).content.decode()
    assert "Changed: Part One night (start time)" in html
    notification = Notification.objects.get(recipient=users["quiet"])
    response = client.post(reverse("discussions:notification", args=[notification.pk]))
    assert response["Location"] == meeting.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_postponing_and_cancelling_notify_in_the_app(client, answered):
    from discussions.services.meetings import meeting_postpone

    meeting, users = answered
    meeting_postpone(meeting=meeting)
    meeting_cancel(meeting=meeting)
    assert Notification.objects.filter(recipient=users["going"], meeting=meeting).count() == 2
    client.force_login(users["going"])
    html = client.get(reverse("discussions:notifications")).content.decode()
    assert "Cancelled: Part One night" in html


def test_an_edit_that_changes_nothing_notifies_no_one(answered):
    meeting, _ = answered
    meeting_update(meeting=meeting, description="Bring snacks")
    assert not Notification.objects.exists()


def test_a_member_promoted_from_the_waitlist_is_notified_in_the_app(
    client, public_club, make_meeting, make_user
):
    meeting = make_meeting(public_club, capacity=1, title="Small room")
    first, second = make_user(), make_user(email_notifications=False)
    _join(public_club, first, second)
    rsvp_set(meeting=meeting, user=first, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=second, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=first, response=RSVP.Response.NOT_GOING)
    notification = Notification.objects.get(recipient=second)
    assert notification.kind == Notification.Kind.PROMOTED and notification.meeting == meeting
    client.force_login(second)
    html = client.get(reverse("discussions:notifications")).content.decode()
    assert "A seat came free for you: Small room" in html
    assert '<span class="badge">1<span class="visually-hidden"> unread</span></span>' in html


def test_raising_capacity_promotes_and_notifies(public_club, make_meeting, make_user):
    meeting = make_meeting(public_club, capacity=1)
    first, second = make_user(), make_user()
    _join(public_club, first, second)
    rsvp_set(meeting=meeting, user=first, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=second, response=RSVP.Response.GOING)
    meeting_update(meeting=meeting, capacity=2)
    assert Notification.objects.get(recipient=second).kind == Notification.Kind.PROMOTED


def test_mentioning_an_outsider_in_a_private_club_tells_them_nothing(
    private_club, organiser, make_meeting, make_user, django_capture_on_commit_callbacks
):
    make_user(username="outsider")
    insider = make_user(username="insider")
    _join(private_club, insider)
    thread = thread_for_meeting(meeting=make_meeting(private_club))
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(
            thread=thread, author=organiser, body="secret plan, @outsider and @insider"
        )
    assert set(comment.notifications.values_list("recipient_id", flat=True)) == {insider.pk}
    assert [m.to for m in mail.outbox] == [[insider.email]]


def test_mentions_added_by_an_edit_skip_outsiders_of_a_private_club(
    private_club, organiser, make_meeting, make_user
):
    from discussions.services.comments import comment_edit

    make_user(username="outsider")
    thread = thread_for_meeting(meeting=make_meeting(private_club))
    comment = comment_create(thread=thread, author=organiser, body="hello")
    comment_edit(comment=comment, editor=organiser, body="hello @outsider")
    assert not Notification.objects.exists()


def test_public_club_threads_notify_mentioned_visitors(
    public_club, organiser, make_meeting, make_user, django_capture_on_commit_callbacks
):
    visitor = make_user(username="visitor")
    thread = thread_for_meeting(meeting=make_meeting(public_club))
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(thread=thread, author=organiser, body="@visitor you should join")
    assert Notification.objects.get(recipient=visitor).kind == Notification.Kind.MENTION


def test_members_who_left_a_private_club_hear_nothing_more_and_lose_old_notifications(
    client, private_club, organiser, make_meeting, make_user, django_capture_on_commit_callbacks
):
    leaver = make_user()
    _join(private_club, leaver)
    thread = thread_for_meeting(meeting=make_meeting(private_club))
    theirs = comment_create(thread=thread, author=leaver, body="my question")
    thread_follow(thread=thread, user=leaver, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(thread=thread, author=organiser, body="first answer", parent=theirs)
    assert Notification.objects.filter(recipient=leaver).count() == 1
    Membership.objects.filter(club=private_club, user=leaver).delete()
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(thread=thread, author=organiser, body="second answer", parent=theirs)
    assert Notification.objects.filter(recipient=leaver).count() == 1
    client.force_login(leaver)
    html = client.get(reverse("discussions:notifications")).content.decode()
    assert "Nothing yet" in html and "organiser" not in html.split("<main", 1)[-1]
    old = Notification.objects.get(recipient=leaver)
    assert client.post(reverse("discussions:notification", args=[old.pk])).status_code == 404


def test_each_notification_keeps_saying_what_happened_when_it_was_sent(
    client, answered, django_capture_on_commit_callbacks
):
    from discussions.services.meetings import meeting_postpone

    meeting, users = answered
    with django_capture_on_commit_callbacks(execute=True):  # the emails go out on commit
        meeting_update(meeting=meeting, place="Room 2")
        meeting_postpone(meeting=meeting)
        later = meeting.starts_at + datetime.timedelta(days=7)
        ends = later + datetime.timedelta(hours=2)
        meeting_update(meeting=meeting, starts_at=later, ends_at=ends)
        meeting_cancel(meeting=meeting)
    client.force_login(users["going"])
    html = client.get(reverse("discussions:notifications")).content.decode()
    lines = [
        "Cancelled: Part One night",
        "Changed: Part One night (start time, end time)",
        "Postponed: Part One night",
        "Changed: Part One night (place)",
    ]
    positions = [html.find(line) for line in lines]
    assert -1 not in positions and positions == sorted(positions)
    assert html.count("Cancelled:") == 1
    assert "(status)" not in html
    subjects = [m.subject for m in mail.outbox if m.to == [users["going"].email]]
    assert subjects[1] == "[Open Shelf] Postponed: Part One night"
    assert (
        "has been postponed" in [m for m in mail.outbox if m.to == [users["going"].email]][1].body
    )
