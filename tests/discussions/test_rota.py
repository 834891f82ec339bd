"""The rota (#17 item 6): roles per meeting, signing up, swaps, reminders that name the
holders; several organisers, one owner, and handing the club over."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from discussions.models import RSVP, Membership, RotaRole, RotaSlot
from discussions.services.meetings import reminders_queue
from discussions.services.rota import rota_sign_up
from discussions.services.rsvps import rsvp_set


@pytest.fixture
def rota(make_user, make_club, make_meeting):
    """A club (its owner Olive), members Ann and Ben, an upcoming meeting."""
    olive = make_user(display_name="Olive")
    ann, ben = make_user(display_name="Ann"), make_user(display_name="Ben")
    club = make_club(organiser=olive, members=[ann, ben])
    meeting = make_meeting(club, title="Klara night")
    return {"club": club, "meeting": meeting, "olive": olive, "ann": ann, "ben": ben}


def rota_page(client, club, **extra):
    return client.get(reverse("discussions:club_rota", args=[club.slug]), **extra)


def act(client, w, role_name: str, action: str, **extra):
    role = w["club"].rota_roles.get(name=role_name)
    url = reverse("discussions:rota_slot", args=[w["club"].slug, w["meeting"].pk, role.pk])
    return client.post(url, {"action": action}, **extra)


def row_of(page: str, role: str) -> str:
    return page.split(f'<th scope="row">{role}</th>', 1)[1].split("</tr>", 1)[0]


def test_a_new_club_has_host_leader_note_taker_and_snacks_roles_all_free(client, rota):
    page = rota_page(client, rota["club"]).text
    for role in ("Host", "Discussion leader", "Note-taker", "Snacks or venue"):
        assert "Nobody yet" in row_of(page, role)
    assert "Sign up as" not in page  # visitors see the rota but cannot take part


def test_a_member_signs_up_for_a_role_and_the_rota_and_meeting_name_them(client, rota):
    client.force_login(rota["ann"])
    response = act(client, rota, "Host", "sign_up")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#meeting-{rota['meeting'].pk}")
    page = rota_page(client, rota["club"]).text
    assert "Ann" in row_of(page, "Host") and "Ask for a swap" in row_of(page, "Host")
    assert "Rota for this meeting" in client.get(rota["meeting"].get_absolute_url()).text


def test_signing_up_with_htmx_answers_with_the_rota_only(client, rota):
    client.force_login(rota["ann"])
    response = act(client, rota, "Note-taker", "sign_up", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="rota">')
    assert "You are note-taker for Klara night." in response.text


def test_a_role_someone_holds_is_refused_with_their_name(client, rota):
    rota_sign_up(
        meeting=rota["meeting"], role=rota["club"].rota_roles.get(name="Host"), member=rota["ann"]
    )
    client.force_login(rota["ben"])
    response = act(client, rota, "Host", "sign_up")
    assert response.status_code == 400
    assert "Ann is already host for this meeting." in response.text
    assert RotaSlot.objects.get().holder == rota["ann"]


def test_asking_for_a_swap_keeps_the_role_until_another_member_takes_it_over(client, rota):
    client.force_login(rota["ann"])
    act(client, rota, "Discussion leader", "sign_up")
    act(client, rota, "Discussion leader", "ask_swap")
    assert "asks for a swap" in row_of(rota_page(client, rota["club"]).text, "Discussion leader")
    response = act(client, rota, "Discussion leader", "accept_swap")
    assert response.status_code == 400
    assert "someone else has to accept your swap" in response.text
    client.force_login(rota["ben"])
    assert "Take it over" in row_of(rota_page(client, rota["club"]).text, "Discussion leader")
    assert act(client, rota, "Discussion leader", "accept_swap").status_code == 302
    row = row_of(rota_page(client, rota["club"]).text, "Discussion leader")
    assert "Ben" in row and "asks for a swap" not in row


def test_a_role_nobody_asked_to_swap_cannot_be_taken_over(client, rota):
    client.force_login(rota["ann"])
    act(client, rota, "Host", "sign_up")
    client.force_login(rota["ben"])
    response = act(client, rota, "Host", "accept_swap")
    assert response.status_code == 400 and "Nobody has asked to swap this role." in response.text


def test_the_holder_gives_a_role_up_and_it_is_free_again(client, rota):
    client.force_login(rota["ann"])
    act(client, rota, "Host", "sign_up")
    act(client, rota, "Host", "give_up")
    assert "Nobody yet" in row_of(rota_page(client, rota["club"]).text, "Host")


def test_a_cancelled_meetings_rota_is_closed(client, rota):
    rota["meeting"].status = "cancelled"
    rota["meeting"].save()
    client.force_login(rota["ann"])
    response = act(client, rota, "Host", "sign_up")
    assert response.status_code == 400 and "cancelled" in response.text
    assert not RotaSlot.objects.exists()


def test_organisers_rename_and_add_roles_and_a_clash_keeps_what_they_typed(client, rota):
    club = rota["club"]
    client.force_login(rota["olive"])
    url = reverse("discussions:rota_roles", args=[club.slug])
    snacks = club.rota_roles.get(name="Snacks or venue")
    assert client.post(url, {"role": snacks.pk, "name": "Venue"}).status_code == 302
    assert client.post(url, {"name": "Timekeeper"}).status_code == 302
    page = rota_page(client, club).text
    assert '<th scope="row">Venue</th>' in page and "Snacks or venue" not in page
    assert '<th scope="row">Timekeeper</th>' in page
    response = client.post(url, {"name": "host"})
    assert response.status_code == 400
    assert "The club already has a role called “host”." in response.text
    assert 'value="host"' in response.text
    assert club.rota_roles.count() == 5


def test_members_cannot_change_the_roles(client, rota):
    client.force_login(rota["ann"])
    url = reverse("discussions:rota_roles", args=[rota["club"].slug])
    assert client.post(url, {"name": "Boss"}).status_code == 403
    assert not RotaRole.objects.filter(name="Boss").exists()


def test_the_reminder_names_who_holds_each_role(rota, django_capture_on_commit_callbacks):
    meeting = rota["meeting"]
    meeting.starts_at = timezone.now() + datetime.timedelta(hours=20)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    rota_sign_up(meeting=meeting, role=rota["club"].rota_roles.get(name="Host"), member=rota["ann"])
    rsvp_set(meeting=meeting, user=rota["ben"], response=RSVP.Response.GOING)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 1
    body = mail.outbox[0].body
    assert "- Host: Ann" in body and "- Note-taker: nobody yet" in body


def test_a_private_clubs_rota_is_hidden_from_outsiders(client, make_user, make_club):
    club = make_club(name="Hidden Readers", visibility="private", join_policy="invite")
    client.force_login(make_user())
    response = rota_page(client, club)
    assert response.status_code == 404 and "Hidden Readers" not in response.text


def test_the_rota_page_takes_the_same_queries_for_more_meetings(
    client, rota, make_meeting, django_assert_max_num_queries
):
    client.force_login(rota["ann"])
    with django_assert_max_num_queries(12):
        rota_page(client, rota["club"])
    for _ in range(6):
        meeting = make_meeting(rota["club"])
        rota_sign_up(meeting=meeting, role=rota["club"].rota_roles.first(), member=rota["ben"])
    with django_assert_max_num_queries(12) as queries:
        page = rota_page(client, rota["club"]).text
    assert page.count("Ben") == 6, len(queries)


# Several organisers, one owner, handing over.


def test_the_creator_owns_the_club_and_can_make_more_organisers(client, rota):
    club = rota["club"]
    assert club.owner == rota["olive"]
    client.force_login(rota["olive"])
    ann = club.memberships.get(user=rota["ann"])
    client.post(
        reverse("discussions:membership_role", args=[club.slug, ann.pk]), {"role": "organiser"}
    )
    page = client.get(club.get_absolute_url()).text
    assert page.count('<span class="badge">Organiser</span>') == 1  # Ann
    assert page.count('<span class="badge">Owner</span>') == 1  # Olive
    client.force_login(rota["ann"])
    assert client.get(reverse("discussions:club_manage", args=[club.slug])).status_code == 200


def test_the_owner_hands_the_club_over_and_the_new_owner_is_an_organiser(client, rota):
    club = rota["club"]
    ben = club.memberships.get(user=rota["ben"])
    client.force_login(rota["olive"])
    response = client.post(reverse("discussions:membership_owner", args=[club.slug, ben.pk]))
    assert response.status_code == 302
    page = client.get(reverse("discussions:club_manage", args=[club.slug])).text
    assert "Ben now owns" in page
    ben.refresh_from_db()
    club.refresh_from_db()
    assert club.owner == rota["ben"] and ben.is_organiser
    # Olive stays an organiser, and may now step down or leave.
    olive = club.memberships.get(user=rota["olive"])
    assert olive.is_organiser
    client.post(reverse("discussions:club_leave", args=[club.slug]))
    assert not club.memberships.filter(user=rota["olive"]).exists()


def test_an_organiser_who_is_not_the_owner_cannot_hand_the_club_over(client, rota):
    club = rota["club"]
    Membership.objects.filter(club=club, user=rota["ann"]).update(role="organiser")
    ben = club.memberships.get(user=rota["ben"])
    client.force_login(rota["ann"])
    page = client.get(reverse("discussions:club_manage", args=[club.slug])).text
    assert "Make owner" not in page
    response = client.post(reverse("discussions:membership_owner", args=[club.slug, ben.pk]))
    assert response.status_code == 403
    club.refresh_from_db()
    assert club.owner == rota["olive"]


def test_the_owner_cannot_leave_or_step_down_before_handing_over(client, rota):
    club = rota["club"]
    Membership.objects.filter(club=club, user=rota["ann"]).update(role="organiser")
    client.force_login(rota["olive"])
    response = client.post(reverse("discussions:club_leave", args=[club.slug]), follow=True)
    assert "Olive owns this club: hand ownership to another member before they leave." in (
        response.text
    )
    olive = club.memberships.get(user=rota["olive"])
    url = reverse("discussions:membership_role", args=[club.slug, olive.pk])
    response = client.post(url, {"role": "member"}, follow=True)
    assert "before they step down" in response.text
    olive.refresh_from_db()
    assert olive.is_organiser


def test_an_organiser_who_leaves_hands_over_their_rota_roles_first(client, rota):
    club, meeting = rota["club"], rota["meeting"]
    Membership.objects.filter(club=club, user=rota["ann"]).update(role="organiser")
    rota_sign_up(meeting=meeting, role=club.rota_roles.get(name="Host"), member=rota["ann"])
    client.force_login(rota["ann"])
    response = client.post(reverse("discussions:club_leave", args=[club.slug]), follow=True)
    assert "Hand over your rota roles before you leave (Host at “Klara night”)" in response.text
    assert club.memberships.filter(user=rota["ann"]).exists()
    act(client, rota, "Host", "give_up")
    client.post(reverse("discussions:club_leave", args=[club.slug]))
    assert not club.memberships.filter(user=rota["ann"]).exists()


def test_a_member_who_leaves_frees_their_roles(client, rota):
    club, meeting = rota["club"], rota["meeting"]
    rota_sign_up(meeting=meeting, role=club.rota_roles.get(name="Host"), member=rota["ben"])
    client.force_login(rota["ben"])
    client.post(reverse("discussions:club_leave", args=[club.slug]))
    assert not RotaSlot.objects.exists()


def test_the_migration_makes_the_longest_standing_organiser_owner_and_adds_roles(make_user):
    import importlib

    from django.apps import apps

    from discussions.models import Club

    migration = importlib.import_module("discussions.migrations.0014_rota_nominations")
    first, second = make_user(), make_user()
    club = Club.objects.create(name="Old club", slug="old-club")
    Membership.objects.create(
        club=club, user=first, role="organiser", joined_at=timezone.now() - datetime.timedelta(1)
    )
    Membership.objects.create(club=club, user=second, role="organiser")
    migration.owners_and_roles(apps, None)
    club.refresh_from_db()
    assert club.owner == first
    assert [r.name for r in club.rota_roles.all()][:2] == ["Host", "Discussion leader"]


def test_taking_roles_too_fast_gets_a_429(client, rota, settings):
    settings.POST_RATE_LIMIT = "1/60"
    client.force_login(rota["ann"])
    act(client, rota, "Host", "sign_up")
    assert act(client, rota, "Note-taker", "sign_up").status_code == 429
    assert RotaSlot.objects.count() == 1
