"""A private club can ask its organisers for two-factor authentication (#18 item 6)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from discussions.models import Club, Membership

pytestmark = pytest.mark.django_db


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def manage_url(club) -> str:
    return f"/clubs/{club.slug}/manage/"


def ask_for_two_factor(client, club, required="yes"):
    return client.post(f"/clubs/{club.slug}/two-factor/", {"required": required}, follow=True)


def test_an_organiser_with_two_factor_asks_every_organiser_for_it(organiser, private_club):
    client = client_for(with_totp(organiser))
    page = client.get(manage_url(private_club)).content.decode()
    assert "Two-factor authentication for organisers" in page

    page = ask_for_two_factor(client, private_club).content.decode()

    assert "On: organisers act as organisers only once" in page
    private_club.refresh_from_db()
    assert private_club.organisers_need_two_factor


def test_an_organiser_without_two_factor_cannot_lock_themselves_out(organiser, private_club):
    page = ask_for_two_factor(client_for(organiser), private_club).content.decode()
    assert "Turn on two-factor authentication for yourself first" in page
    private_club.refresh_from_db()
    assert not private_club.organisers_need_two_factor


def test_public_clubs_are_not_offered_it(organiser, public_club):
    client = client_for(with_totp(organiser))
    assert (
        "Two-factor authentication for organisers"
        not in client.get(manage_url(public_club)).content.decode()
    )
    page = ask_for_two_factor(client, public_club).content.decode()
    assert "Only private clubs can ask this of their organisers." in page


def test_a_co_organiser_without_two_factor_is_told_to_turn_it_on(
    organiser, private_club, make_user, make_meeting
):
    co = make_user()
    Membership.objects.create(club=private_club, user=co, role=Membership.Role.ORGANISER)
    ask_for_two_factor(client_for(with_totp(organiser)), private_club)
    client = client_for(co)

    response = client.get(manage_url(private_club))
    assert response.status_code == 403
    assert "turn it on" in response.content.decode()
    assert client.get(f"/clubs/{private_club.slug}/meetings/new/").status_code == 403
    # Still a member: the club and its meetings are there for them.
    meeting = make_meeting(private_club)
    assert client.get(meeting.get_absolute_url()).status_code == 200

    with_totp(co)
    assert client_for(co).get(manage_url(private_club)).status_code == 200


def test_stopping_asking_lets_organisers_without_it_back(organiser, private_club, make_user):
    co = make_user()
    Membership.objects.create(club=private_club, user=co, role=Membership.Role.ORGANISER)
    client = client_for(with_totp(organiser))
    ask_for_two_factor(client, private_club)
    assert client_for(co).get(manage_url(private_club)).status_code == 403

    ask_for_two_factor(client, private_club, required="no")

    assert client_for(co).get(manage_url(private_club)).status_code == 200


def test_members_cannot_change_it(private_club, make_user):
    member = with_totp(make_user())
    Membership.objects.create(club=private_club, user=member)
    response = client_for(member).post(
        f"/clubs/{private_club.slug}/two-factor/", {"required": "yes"}
    )
    assert response.status_code == 403
    assert not Club.objects.get(pk=private_club.pk).organisers_need_two_factor


def test_the_manage_page_stays_within_its_query_budget(
    organiser, private_club, make_user, django_assert_max_num_queries
):
    client = client_for(with_totp(organiser))
    ask_for_two_factor(client, private_club)
    for _ in range(8):
        Membership.objects.create(club=private_club, user=make_user())
    with django_assert_max_num_queries(12):
        assert client.get(manage_url(private_club)).status_code == 200
