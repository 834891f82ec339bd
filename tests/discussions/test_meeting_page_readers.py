"""The meeting page shares its cached discussion between readers at the same reading
position, and each reader still sees their own page around it."""

import pytest
from django.test import Client
from django.urls import reverse

from discussions.models import RSVP, Membership
from discussions.services.comments import comment_create, thread_for_meeting
from discussions.services.meetings import progress_record, section_add
from discussions.services.rsvps import rsvp_set


@pytest.fixture
def members(make_user, public_club):
    readers = [make_user(display_name=name) for name in ("Ada", "Bea")]
    for reader in readers:
        Membership.objects.create(club=public_club, user=reader)
    return readers


@pytest.fixture
def meeting(make_meeting, public_club):
    return make_meeting(public_club, title="Chapter talk", capacity=10)


def page(user, meeting) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def rsvp_box(html: str) -> str:
    return html.split('id="rsvp"', 1)[1].split("</section>", 1)[0]


def test_members_share_the_page_but_see_their_own_answer(members, meeting):
    ada, bea = members
    rsvp_set(meeting=meeting, user=ada, response=RSVP.Response.GOING)
    ada_page = page(ada, meeting)
    bea_page = page(bea, meeting)
    assert "Your answer: <strong>Going</strong>" in rsvp_box(ada_page)
    assert "Your answer: <strong>none yet</strong>" in rsvp_box(bea_page)
    assert "1 going of 10 seats (9 left)" in rsvp_box(bea_page)
    assert ">Bea</a>" in bea_page.split("</header>")[0]


def test_an_rsvp_updates_everyones_counts_at_once(members, meeting):
    ada, bea = members
    assert "0 going of 10 seats" in rsvp_box(page(ada, meeting))
    client = Client()
    client.force_login(bea)
    client.post(
        reverse("discussions:meeting_rsvp", args=[meeting.club.slug, meeting.pk]),
        {"response": "going"},
    )
    assert "1 going of 10 seats (9 left)" in rsvp_box(page(ada, meeting))
    assert "Your answer: <strong>Going</strong>" in rsvp_box(page(bea, meeting))


def test_spoiler_gates_follow_each_readers_progress(members, make_user, meeting, public_club):
    ada, bea = members
    one = section_add(book=meeting.book, title="Part One")
    two = section_add(book=meeting.book, title="Part Two")
    author = make_user()
    Membership.objects.create(club=public_club, user=author)
    comment_create(
        thread=thread_for_meeting(meeting=meeting),
        author=author,
        body="The twist in part two!",
        section=two,
    )
    progress_record(user=ada, book=meeting.book, section=one)
    progress_record(user=bea, book=meeting.book, section=two)
    ada_page, bea_page = page(ada, meeting), page(bea, meeting)
    assert "spoiler-gate" in ada_page and "spoiler-gate" not in bea_page
    assert "You have read: <strong>finished Part One" in ada_page
    assert "You have read: <strong>finished Part Two" in bea_page


def test_authors_cards_carry_their_id_for_site_js_to_open_their_own_gates(members, meeting):
    ada, _ = members
    two = section_add(book=meeting.book, title="Part Two")
    comment = comment_create(
        thread=thread_for_meeting(meeting=meeting), author=ada, body="My theory", section=two
    )
    html = page(ada, meeting)
    card = html.split(f'id="comment-{comment.pk}"', 1)[1].split("</article>", 1)[0]
    assert card.startswith(f' data-author="{ada.pk}"') and "spoiler-gate" in card
    assert f'data-user-id="{ada.pk}"' in html


def test_organisers_get_their_controls(organiser, members, meeting):
    page(members[0], meeting)
    html = page(organiser, meeting)
    assert reverse("discussions:meeting_edit", args=[meeting.club.slug, meeting.pk]) in html
    assert "Add section" in html
    assert "Add section" not in page(members[1], meeting)


def test_signed_in_readers_outside_the_club_are_asked_to_join(make_user, members, meeting):
    page(members[0], meeting)
    html = page(make_user(), meeting)
    assert "to RSVP." in rsvp_box(html)
    assert "Your reading progress" not in html


def test_a_private_clubs_meeting_stays_hidden(make_user, make_meeting, private_club):
    meeting = make_meeting(private_club)
    client = Client()
    client.force_login(make_user())
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_recording_progress_and_unfollowing_show_on_your_next_page(members, make_user, meeting):
    ada, _ = members
    one = section_add(book=meeting.book, title="Part One")
    thread = thread_for_meeting(meeting=meeting)
    comment_create(thread=thread, author=meeting.club.memberships.first().user, body="Hello")
    client = Client()
    client.force_login(ada)
    html = client.get(meeting.get_absolute_url()).content.decode()
    # Club members follow their meetings' threads from the start.
    assert "You have not recorded any progress" in html and "Unfollow thread" in html
    client.post(
        reverse("discussions:meeting_progress", args=[meeting.club.slug, meeting.pk]),
        {"section": one.pk},
    )
    client.post(reverse("discussions:thread_follow", args=[thread.pk]), {"action": "unfollow"})
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "You have read: <strong>finished Part One" in html
    assert "Follow thread" in html and "Unfollow thread" not in html
