"""Creating and joining clubs, the request queue, invite links and roles."""

import pytest
from django.urls import reverse

from discussions.models import Club, Invite, JoinRequest, Membership, Notification


def test_creating_a_club_makes_you_its_organiser(member_client, member):
    response = member_client.post(
        reverse("discussions:club_create"),
        {"name": "Night Owls", "description": "", "visibility": "public", "join_policy": "open"},
    )
    club = Club.objects.get(name="Night Owls")
    assert response.status_code == 302 and response.url == club.get_absolute_url()
    assert club.slug == "night-owls"
    assert club.is_organiser(member)


def test_club_form_shows_field_errors(member_client):
    response = member_client.post(reverse("discussions:club_create"), {"visibility": "nope"})
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_joining_an_open_club_is_immediate(member_client, member, public_club):
    member_client.post(reverse("discussions:club_join", args=[public_club.slug]))
    assert public_club.is_member(member)


def test_joining_with_htmx_swaps_the_membership_box(member_client, public_club):
    response = member_client.post(
        reverse("discussions:club_join", args=[public_club.slug]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="membership"')
    assert "You are a member" in body


def test_by_request_clubs_queue_requests_for_organisers(client, make_club, organiser, member):
    club = make_club(organiser=organiser, join_policy=Club.JoinPolicy.REQUEST)
    client.force_login(member)
    url = reverse("discussions:club_join", args=[club.slug])
    client.post(url, {"message": "I loved the last one"})
    client.post(url)  # a double click does not queue twice
    assert not club.is_member(member)
    request = JoinRequest.objects.get(club=club, user=member)
    assert b"waiting for an organiser" in client.get(club.get_absolute_url()).content

    client.force_login(organiser)
    manage = client.get(reverse("discussions:club_manage", args=[club.slug])).content.decode()
    assert "I loved the last one" in manage
    client.post(
        reverse("discussions:join_request_decide", args=[club.slug, request.pk]),
        {"decision": "approve"},
    )
    assert club.is_member(member)


def test_declined_requests_do_not_add_the_member(client, make_club, organiser, member):
    club = make_club(organiser=organiser, join_policy=Club.JoinPolicy.REQUEST)
    request = JoinRequest.objects.create(club=club, user=member)
    client.force_login(organiser)
    client.post(
        reverse("discussions:join_request_decide", args=[club.slug, request.pk]),
        {"decision": "decline"},
        HTTP_HX_REQUEST="true",
    )
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED and not club.is_member(member)


def test_invite_only_clubs_refuse_plain_joins(member_client, make_club):
    club = make_club(join_policy=Club.JoinPolicy.INVITE)
    response = member_client.post(reverse("discussions:club_join", args=[club.slug]))
    assert response.status_code == 403


def test_an_invite_link_opens_a_private_club_until_revoked(
    client, organiser, make_user, private_club
):
    client.force_login(organiser)
    client.post(reverse("discussions:invite_create", args=[private_club.slug]))
    invite = Invite.objects.get(club=private_club)
    guest = make_user()
    client.force_login(guest)
    page = client.get(invite.get_absolute_url())
    assert page.status_code == 200 and b"Secret Readers" in page.content
    client.post(invite.get_absolute_url())
    assert private_club.is_member(guest)

    client.force_login(organiser)
    client.post(reverse("discussions:invite_revoke", args=[private_club.slug, invite.pk]))
    latecomer = make_user()
    client.force_login(latecomer)
    assert client.get(invite.get_absolute_url()).status_code == 404
    assert client.post(invite.get_absolute_url()).status_code == 404
    assert not private_club.is_member(latecomer)


def test_a_wrong_invite_token_is_404(client, private_club):
    url = reverse("discussions:invite_accept", args=[private_club.slug, "not-a-token"])
    assert client.get(url).status_code == 404


def test_organisers_promote_demote_and_remove(client, organiser, member, public_club):
    membership = Membership.objects.create(club=public_club, user=member)
    client.force_login(organiser)
    role_url = reverse("discussions:membership_role", args=[public_club.slug, membership.pk])
    client.post(role_url, {"role": "organiser"})
    assert public_club.is_organiser(member)
    client.post(role_url, {"role": "member"}, HTTP_HX_REQUEST="true")
    assert not public_club.is_organiser(member)
    client.post(reverse("discussions:membership_remove", args=[public_club.slug, membership.pk]))
    assert not public_club.is_member(member)


def test_the_last_organiser_cannot_step_down_or_leave(client, organiser, public_club):
    own = public_club.memberships.get(user=organiser)
    client.force_login(organiser)
    client.post(
        reverse("discussions:membership_role", args=[public_club.slug, own.pk]), {"role": "member"}
    )
    client.post(reverse("discussions:club_leave", args=[public_club.slug]))
    assert public_club.is_organiser(organiser)


def test_directory_lists_public_clubs_and_searches(
    client, make_club, django_assert_max_num_queries
):
    for number in range(12):
        make_club(name=f"Reading Circle {number}")
    make_club(name="Poetry Night", description="Verse, mostly")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("discussions:club_list")).content.decode()
    assert "Reading Circle 11" in page and "Poetry Night" in page
    results = client.get(reverse("discussions:club_list"), {"q": "verse"}).content.decode()
    assert "Poetry Night" in results and "Reading Circle" not in results


def test_directory_search_with_htmx_returns_the_results_only(client, make_club):
    make_club(name="Poetry Night")
    response = client.get(reverse("discussions:club_list"), {"q": "poe"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="club-results"')
    assert "Poetry Night" in body


@pytest.mark.parametrize("name", ["", "x" * 200])
def test_club_names_are_validated(member_client, name):
    response = member_client.post(
        reverse("discussions:club_create"),
        {"name": name, "visibility": "public", "join_policy": "open"},
    )
    assert response.status_code == 400


def test_a_removed_members_seat_goes_to_the_waitlist(
    client, organiser, make_user, public_club, make_meeting
):
    from discussions.models import RSVP
    from discussions.services.rsvps import rsvp_set

    seated, waiting = make_user(), make_user()
    memberships = [Membership.objects.create(club=public_club, user=u) for u in (seated, waiting)]
    meeting = make_meeting(public_club, capacity=1)
    rsvp_set(meeting=meeting, user=seated, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=waiting, response=RSVP.Response.GOING)
    client.force_login(organiser)
    client.post(
        reverse("discussions:membership_remove", args=[public_club.slug, memberships[0].pk])
    )
    assert meeting.rsvps.get(user=waiting).response == RSVP.Response.GOING
    assert meeting.rsvps.get(user=seated).response == RSVP.Response.NOT_GOING


def test_htmx_history_restore_gets_the_whole_page(client, make_club):
    make_club(name="Poetry Night")
    response = client.get(
        reverse("discussions:club_list"),
        {"q": "poe"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("message", ["Hi\x00there", "Hi\x1bthere", "x" * 301])
def test_a_join_request_message_goes_through_a_form(client, make_club, member, message):
    club = make_club(join_policy=Club.JoinPolicy.REQUEST)
    client.force_login(member)
    url = reverse("discussions:club_join", args=[club.slug])
    response = client.post(url, {"message": message}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response.text.lstrip().startswith('<div id="membership"')
    assert "Message to the organisers:" in response.text
    assert not JoinRequest.objects.exists()
    # The member can still ask, with a message the form accepts.
    client.post(url, {"message": "  I loved the last one  "})
    assert JoinRequest.objects.get().message == "I loved the last one"


@pytest.mark.parametrize(
    ("decision", "told"), [("approve", "was approved"), ("decline", "was declined")]
)
def test_organisers_hear_of_a_join_request_and_the_member_of_the_decision(
    client, make_club, make_user, organiser, decision, told
):
    co_organiser = make_user()
    club = make_club(organiser=organiser, name="Night Owls", join_policy=Club.JoinPolicy.REQUEST)
    Membership.objects.create(club=club, user=co_organiser, role=Membership.Role.ORGANISER)
    asker = make_user(display_name="Kathy H.")
    client.force_login(asker)
    client.post(reverse("discussions:club_join", args=[club.slug]), {"message": "Hello"})

    for reader in (organiser, co_organiser):
        client.force_login(reader)
        page = client.get(reverse("discussions:notifications")).text
        assert "Kathy H. asked to join Night Owls" in page
    notification = Notification.objects.get(recipient=co_organiser)
    opened = client.post(reverse("discussions:notification", args=[notification.pk]))
    assert opened.url == reverse("discussions:club_manage", args=[club.slug])

    client.force_login(organiser)
    request = JoinRequest.objects.get()
    client.post(
        reverse("discussions:join_request_decide", args=[club.slug, request.pk]),
        {"decision": decision},
    )
    client.force_login(asker)
    assert 'Notifications <span class="badge"' in client.get(reverse("home")).text
    page = client.get(reverse("discussions:notifications")).text
    assert f"request to join Night Owls {told}" in page


def test_the_only_organiser_is_not_offered_stepping_down_or_removal(
    client, make_club, make_user, organiser
):
    member = make_user(display_name="Ruth")
    club = make_club(organiser=organiser, members=[member])
    client.force_login(organiser)
    url = reverse("discussions:club_manage", args=[club.slug])
    page = client.get(url).text
    mine = page.split(f"<td>{organiser.public_name}</td>", 1)[1].split("</tr>", 1)[0]
    assert "Make member" not in mine and "Remove" not in mine
    assert "The only organiser" in mine
    ruths = page.split("<td>Ruth</td>", 1)[1].split("</tr>", 1)[0]
    assert "Make organiser" in ruths and "Remove" in ruths
    # With a second organiser, that one may step down; the owner hands ownership over first.
    Membership.objects.filter(club=club, user=member).update(role=Membership.Role.ORGANISER)
    page = client.get(url, HTTP_HX_REQUEST="true").text
    assert page.count("Make member") == 1 and "The only organiser" not in page
    assert "hand ownership to another member before stepping down" in page


def test_an_invite_link_shows_whole_with_a_copy_button(client, make_club, organiser, settings):
    settings.SITE_URL = "https://readers.example.net"
    club = make_club(organiser=organiser)
    invite = Invite.objects.create(club=club, created_by=organiser)
    client.force_login(organiser)
    page = client.get(reverse("discussions:club_manage", args=[club.slug])).text
    assert f'value="https://readers.example.net{invite.get_absolute_url()}"' in page
    assert f'data-copy="invite-link-{invite.pk}"' in page
    assert "onclick" not in page
