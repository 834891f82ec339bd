"""Search finds the clubs and meetings a reader may see, and never a private one."""

import pytest

from discussions.models import Club

SEARCH = "/search/"


@pytest.fixture
def hailsham_clubs(make_club, make_meeting, organiser):
    """A public and a private club, each with a meeting, all named after Hailsham."""
    public = make_club(organiser=organiser, name="Hailsham Readers", slug="hailsham-readers")
    private = make_club(
        organiser=organiser,
        name="Hailsham Old Students",
        slug="hailsham-old-students",
        visibility=Club.Visibility.PRIVATE,
        join_policy=Club.JoinPolicy.INVITE,
    )
    make_meeting(public, title="Open evening on Hailsham")
    make_meeting(private, title="Reunion at Hailsham", description="Members only.")
    return public, private


def test_a_visitor_finds_public_clubs_and_meetings_only(client, hailsham_clubs):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.get(SEARCH, {"q": "hailsham"}, **headers).content.decode()
        assert "Hailsham Readers" in html and "Open evening on Hailsham" in html
        assert "Hailsham Old Students" not in html and "Reunion at Hailsham" not in html


def test_a_non_member_never_sees_a_private_club(client, make_user, hailsham_clubs):
    client.force_login(make_user())
    html = client.get(SEARCH, {"q": "hailsham"}).content.decode()
    assert "Hailsham Readers" in html
    assert "Hailsham Old Students" not in html and "Reunion at Hailsham" not in html


def test_a_member_finds_her_private_club_and_its_meetings(client, organiser, hailsham_clubs):
    client.force_login(organiser)
    html = client.get(SEARCH, {"q": "reunion"}).content.decode()
    assert "Reunion at Hailsham" in html and 'href="/clubs/hailsham-old-students/' in html


def test_a_members_results_are_never_served_to_a_visitor(client, organiser, hailsham_clubs):
    client.force_login(organiser)
    assert "Hailsham Old Students" in client.get(SEARCH, {"q": "hailsham"}).content.decode()
    client.logout()
    response = client.get(SEARCH, {"q": "hailsham"})
    assert "Hailsham Old Students" not in response.content.decode()
    assert "public" in response["Cache-Control"]


def test_a_new_club_appears_in_a_visitors_stored_search_page(client, make_club, organiser):
    first = client.get(SEARCH, {"q": "hailsham"})
    assert "Hailsham Readers" not in first.content.decode()
    make_club(organiser=organiser, name="Hailsham Readers", slug="hailsham-readers")
    again = client.get(SEARCH, {"q": "hailsham"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Hailsham Readers" in again.content.decode()


def test_search_with_clubs_keeps_a_fixed_number_of_queries(
    client, hailsham_clubs, make_club, make_meeting, organiser, django_assert_max_num_queries
):
    for number in range(5):
        club = make_club(organiser=organiser, name=f"Hailsham circle {number}")
        make_meeting(club, title=f"Hailsham night {number}")
    with django_assert_max_num_queries(8):
        html = client.get(SEARCH, {"q": "hailsham"}).content.decode()
    assert "Hailsham circle 4" in html and "Hailsham night 4" in html
