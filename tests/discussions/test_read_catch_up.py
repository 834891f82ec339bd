"""Catch-up (#17 item 3): only what is safe at a member's position, what is new since
their last visit, and the same by email as a weekly or per-section digest."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bookclub.outbox.models import OutboundEmail
from discussions.models import Membership, ReadFollow
from discussions.services.comments import comment_create, thread_for_meeting
from discussions.services.meetings import progress_record
from discussions.services.reads import digests_queue, read_caught_up, read_follow, schedule_add
from discussions.tasks import send_read_digests

TODAY = timezone.localdate()


@pytest.fixture
def read(public_club, make_read):
    read = make_read(public_club, starts_on=TODAY - datetime.timedelta(days=10))
    schedule_add(
        read=read, unit="chapters", first=1, last=6, due_on=TODAY - datetime.timedelta(days=2)
    )
    schedule_add(
        read=read, unit="chapters", first=7, last=12, due_on=TODAY + datetime.timedelta(days=5)
    )
    return read


@pytest.fixture
def talk(read, make_meeting, organiser):
    """say(body, section=None) -> a comment in the read's meeting thread."""
    first, second = [s.section for s in read.schedule.in_order()]
    meeting = make_meeting(read.club, book=read.book, section=first, title="Chapters 1–6 night")
    thread = thread_for_meeting(meeting=meeting)

    def say(body, section=None):
        return comment_create(thread=thread, author=organiser, body=body, section=section)

    say.sections = (first, second)
    return say


def _catch_up(client, read):
    url = reverse("discussions:read_catch_up", kwargs={"slug": read.club.slug, "pk": read.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_who_has_not_started_sees_only_what_is_safe(client, club_member, read, talk):
    first, second = talk.sections
    talk("Welcome, everyone")
    talk("The mist and forgetting", section=first)
    talk("Querig is slain", section=second)
    client.force_login(club_member)
    page = _catch_up(client, read)
    assert "Welcome, everyone" in page
    assert "The mist and forgetting" not in page and "Querig is slain" not in page
    assert "2 posts about sections you have not reached yet are left out." in page


def test_as_the_member_reads_on_more_of_the_discussion_opens(client, club_member, read, talk):
    first, second = talk.sections
    talk("The mist and forgetting", section=first)
    talk("Querig is slain", section=second)
    progress_record(user=club_member, book=read.book, chapter=6)
    client.force_login(club_member)
    page = _catch_up(client, read)
    assert "The mist and forgetting" in page and "Querig is slain" not in page
    assert "1 post about sections you have not reached yet is left out." in page


def test_what_is_new_starts_again_after_the_member_catches_up(client, club_member, read, talk):
    talk("Before the visit")
    client.force_login(club_member)
    url = reverse("discussions:read_caught_up", kwargs={"slug": read.club.slug, "pk": read.pk})
    assert client.post(url).status_code == 302
    talk("After the visit")
    page = _catch_up(client, read)
    new, earlier = page.split('id="earlier-title"')
    assert "After the visit" in new and "Before the visit" not in new
    assert "Before the visit" in earlier


def test_the_catch_up_is_for_members_only(client, make_user, read):
    url = reverse("discussions:read_catch_up", kwargs={"slug": read.club.slug, "pk": read.pk})
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403


def test_a_weekly_digest_goes_once_per_member_per_week(
    club_member, read, talk, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = talk.sections
    talk("Welcome, everyone")
    talk(">! Querig is slain\nWhat a chapter", section=second)
    read_follow(read=read, user=club_member, digest=ReadFollow.Digest.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_read_digests() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_queue() == 0  # the same week: nothing more
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == [club_member.email]
    assert "Welcome, everyone" in body and "Querig" not in body
    assert "This week: Chapters 7–12" in body
    assert "1 post about sections you have not reached yet is left out." in body
    next_week = TODAY + datetime.timedelta(days=7)
    assert digests_queue(today=next_week) == 1


def test_a_member_following_two_reads_gets_one_weekly_email(
    club_member, read, public_club, make_read, mailoutbox, django_capture_on_commit_callbacks
):
    other = make_read(public_club)
    schedule_add(read=other, unit="part", title="Book One", due_on=TODAY)
    for each in (read, other):
        read_follow(read=each, user=club_member, digest=ReadFollow.Digest.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_queue() == 1
    assert mailoutbox[0].subject == "Catch up on your 2 club reads"
    assert read.book.title in mailoutbox[0].body and other.book.title in mailoutbox[0].body


def test_a_per_section_digest_goes_once_when_a_section_falls_due(club_member, read, talk):
    read_follow(read=read, user=club_member, digest=ReadFollow.Digest.SECTION)
    assert digests_queue() == 1  # chapters 1–6 fell due two days ago
    assert digests_queue(today=TODAY + datetime.timedelta(days=1)) == 0
    assert digests_queue(today=TODAY + datetime.timedelta(days=5)) == 1  # chapters 7–12
    assert OutboundEmail.objects.count() == 2


def test_the_digest_shows_only_new_posts_since_the_member_caught_up(club_member, read, talk):
    talk("Old news")
    read_caught_up(read=read, user=club_member, now=timezone.now())
    talk("Fresh news")
    read_follow(read=read, user=club_member, digest=ReadFollow.Digest.WEEKLY)
    digests_queue()
    body = OutboundEmail.objects.get().body
    assert "Fresh news" in body and "Old news" not in body


def test_no_digest_for_a_member_who_left_a_private_club(private_club, make_read, make_user):
    read = make_read(private_club)
    schedule_add(read=read, unit="part", title="Part One", due_on=TODAY)
    leaver = make_user()
    membership = Membership.objects.create(club=private_club, user=leaver)
    read_follow(read=read, user=leaver, digest=ReadFollow.Digest.WEEKLY)
    membership.delete()
    assert digests_queue() == 0
    assert not OutboundEmail.objects.exists()


def test_members_who_turned_email_off_get_no_digest(club_member, read):
    club_member.email_notifications = False
    club_member.save()
    read_follow(read=read, user=club_member, digest=ReadFollow.Digest.WEEKLY)
    assert digests_queue() == 0


def test_the_catch_up_page_costs_the_same_queries_however_much_is_said(
    client, club_member, read, talk, django_assert_max_num_queries
):
    client.force_login(club_member)
    talk("One")
    _catch_up(client, read)
    for n in range(20):
        talk(f"Comment {n}", section=talk.sections[n % 2])
    with django_assert_max_num_queries(12):
        _catch_up(client, read)
