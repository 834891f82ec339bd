"""Who may see what: private clubs are 404 everywhere for outsiders; only organisers schedule."""

import pytest
from django.urls import reverse

from discussions.models import Meeting, Membership
from discussions.permissions import feed_token
from discussions.services.polls import poll_create


@pytest.fixture
def secret(private_club, make_meeting, make_book):
    meeting = make_meeting(private_club, title="Hidden gathering")
    poll = poll_create(
        club=private_club,
        created_by=None,
        closes_at=meeting.starts_at,
        books=[make_book("Secret Candidate")],
    )
    return private_club, meeting, poll


def _private_urls(club, meeting, poll):
    slug, pk = club.slug, meeting.pk
    return [
        reverse("discussions:club_detail", args=[slug]),
        reverse("discussions:meeting_detail", args=[slug, pk]),
        reverse("discussions:meeting_ics", args=[slug, pk]),
        reverse("discussions:club_calendar", args=[slug]),
        reverse("discussions:club_feed", args=[slug]),
        reverse("discussions:poll_detail", args=[slug, poll.pk]),
    ]


def test_private_club_pages_feeds_and_calendars_are_404_for_visitors(client, secret):
    for url in _private_urls(*secret):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Hidden gathering" not in response.content


def test_private_club_pages_are_404_for_signed_in_non_members(member_client, secret):
    for url in _private_urls(*secret):
        assert member_client.get(url).status_code == 404, url


def test_private_club_actions_are_404_for_non_members(member_client, secret):
    club, meeting, poll = secret
    posts = [
        reverse("discussions:club_join", args=[club.slug]),
        reverse("discussions:meeting_rsvp", args=[club.slug, meeting.pk]),
        reverse("discussions:meeting_progress", args=[club.slug, meeting.pk]),
        reverse("discussions:poll_vote", args=[club.slug, poll.pk]),
        reverse("discussions:meeting_edit", args=[club.slug, meeting.pk]),
        reverse("discussions:invite_create", args=[club.slug]),
    ]
    for url in posts:
        assert member_client.post(url, {"response": "going"}).status_code == 404, url


def test_private_clubs_do_not_appear_in_directory_search_or_home(client, member_client, secret):
    for c in (client, member_client):
        assert b"Secret Readers" not in c.get(reverse("discussions:club_list")).content
        assert (
            b"Secret Readers"
            not in c.get(reverse("discussions:club_list"), {"q": "Secret"}).content
        )
        assert b"Hidden gathering" not in c.get(reverse("home")).content


def test_members_see_their_private_club_everywhere(client, member, secret):
    club, meeting, poll = secret
    Membership.objects.create(club=club, user=member)
    client.force_login(member)
    for url in _private_urls(club, meeting, poll):
        assert client.get(url).status_code == 200, url
    assert (
        b"Secret Readers" in client.get(reverse("discussions:club_list"), {"q": "secret"}).content
    )
    assert b"Hidden gathering" in client.get(reverse("home")).content


def test_a_members_feed_token_opens_private_feeds_until_they_leave(client, member, secret):
    club, meeting, _ = secret
    membership = Membership.objects.create(club=club, user=member)
    token = feed_token(user=member, club=club)
    for name in ("discussions:club_calendar", "discussions:club_feed"):
        url = reverse(name, args=[club.slug])
        assert client.get(url, {"token": token}).status_code == 200
        assert client.get(url, {"token": token + "x"}).status_code == 404
    membership.delete()
    assert (
        client.get(
            reverse("discussions:club_calendar", args=[club.slug]), {"token": token}
        ).status_code
        == 404
    )


def test_only_organisers_schedule_edit_and_cancel(client, make_user, public_club, make_meeting):
    meeting = make_meeting(public_club)
    slug = public_club.slug
    member = make_user()
    Membership.objects.create(club=public_club, user=member)
    outsider = make_user()
    urls = [
        ("get", reverse("discussions:meeting_create", args=[slug])),
        ("get", reverse("discussions:meeting_edit", args=[slug, meeting.pk])),
        ("post", reverse("discussions:meeting_status", args=[slug, meeting.pk])),
        ("post", reverse("discussions:meeting_recap", args=[slug, meeting.pk])),
        ("post", reverse("discussions:section_create", args=[slug, meeting.pk])),
        ("get", reverse("discussions:poll_create", args=[slug])),
        ("get", reverse("discussions:club_manage", args=[slug])),
    ]
    for user in (member, outsider):
        client.force_login(user)
        for method, url in urls:
            response = getattr(client, method)(url, {"action": "cancel"})
            assert response.status_code == 403, (user, url)
    client.logout()
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 302  # to the login page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_organisers_and_staff_may_cancel(client, organiser, staff, public_club, make_meeting):
    for user in (organiser, staff):
        meeting = make_meeting(public_club)
        client.force_login(user)
        url = reverse("discussions:meeting_status", args=[public_club.slug, meeting.pk])
        assert client.post(url, {"action": "cancel"}).status_code == 302
        meeting.refresh_from_db()
        assert meeting.is_cancelled


def test_is_organiser_follows_the_role(public_club, organiser, member):
    Membership.objects.create(club=public_club, user=member)
    assert public_club.is_organiser(organiser)
    assert not public_club.is_organiser(member)
    assert member.can_organise(public_club) is False
    assert organiser.can_organise(public_club) is True


def test_the_online_link_is_for_members_only(client, member, public_club, make_meeting):
    meeting = make_meeting(public_club, online_url="https://video.example.org/room-42")
    page = reverse("discussions:meeting_detail", args=[public_club.slug, meeting.pk])
    ics = reverse("discussions:meeting_ics", args=[public_club.slug, meeting.pk])
    assert b"room-42" not in client.get(page).content
    assert b"room-42" not in client.get(ics).content
    Membership.objects.create(club=public_club, user=member)
    client.force_login(member)
    assert b"room-42" in client.get(page).content
    assert b"room-42" in client.get(ics).content


def test_out_of_range_and_unknown_ids_are_404_not_500(client, public_club):
    for url in (
        f"/clubs/{public_club.slug}/meetings/99999999999999999999999/",
        f"/clubs/{public_club.slug}/meetings/12345/calendar.ics",
        f"/clubs/{public_club.slug}/polls/99999999999999999999999/",
        "/clubs/no-such-club/",
        "/clubs/no-such-club/calendar.ics",
        "/clubs/no-such-club/meetings.atom",
    ):
        assert client.get(url).status_code == 404, url
