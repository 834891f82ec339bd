"""A member deletes their account (#18 item 7): what they wrote, rated, voted and reserved."""

import datetime
from decimal import Decimal

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone

from bookclub.outbox.models import OutboundEmail
from bookclub.outbox.services import email_queue
from discussions.models import RSVP, Comment
from discussions.services.comments import comment_create
from discussions.services.polls import ballot_cast, poll_create
from discussions.services.ratings import age_vote_set, rating_set
from discussions.services.rsvps import rsvp_set

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def delete_account(client, password=PASSWORD, **fields):
    return client.post("/profile/delete/", {"password": password, **fields})


@pytest.fixture
def leaver(make_user):
    return make_user(username="ruth", display_name="Ruth", email="ruth@hailsham.example")


@pytest.fixture
def leaver_client(leaver):
    client = Client()
    client.force_login(leaver)
    return client


def test_the_deletion_page_says_what_happens_and_asks_for_the_password(leaver_client):
    page = leaver_client.get("/profile/delete/").content.decode()
    assert "[deleted member]" in page
    assert 'name="password"' in page
    assert 'name="code"' not in page


def test_a_wrong_password_deletes_nothing_and_says_so(leaver_client, leaver):
    response = delete_account(leaver_client, password="not my password")
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert type(leaver).objects.filter(pk=leaver.pk).exists()


def test_a_member_with_two_factor_also_gives_a_code(leaver_client, leaver):
    secret = generate_totp_secret()
    TOTP.activate(leaver, secret)
    page = leaver_client.get("/profile/delete/").content.decode()
    assert 'name="code"' in page

    response = delete_account(leaver_client)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = delete_account(leaver_client, code="000000")
    assert "That code is not right" in response.content.decode()
    assert type(leaver).objects.filter(pk=leaver.pk).exists()

    response = delete_account(leaver_client, code=pyotp.TOTP(secret).now())
    assert response.status_code == 302
    assert not type(leaver).objects.filter(pk=leaver.pk).exists()


def test_deleting_logs_the_member_out_and_their_profile_is_gone(leaver_client, leaver):
    response = delete_account(leaver_client)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Your account is deleted" in leaver_client.get("/").content.decode()
    assert leaver_client.get("/profile/").status_code == 302
    assert Client().get("/members/ruth/").status_code == 404
    response = Client().post("/accounts/login/", {"login": "ruth", "password": PASSWORD})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_deletion_keeps_replies_under_a_deleted_member_tombstone(
    leaver_client, leaver, make_user, thread, book, django_capture_on_commit_callbacks
):
    friend = make_user(display_name="Tommy")
    with django_capture_on_commit_callbacks(execute=True):
        question = comment_create(thread=thread, author=leaver, body="Who were the carers?")
        comment_create(thread=thread, author=friend, body="Kathy was one.", parent=question)
        comment_create(thread=thread, author=leaver, body="A lonely aside")

    delete_account(leaver_client)

    page = Client().get(book.get_absolute_url()).content.decode()
    assert "[deleted member]" in page
    assert "Kathy was one." in page
    assert "Who were the carers?" not in page
    assert "A lonely aside" not in page
    assert "Ruth" not in page
    assert Comment.objects.count() == 2
    question.refresh_from_db()
    assert question.reply_count == 1


def test_deletion_takes_their_rating_and_age_vote_out_of_the_book_page_at_once(
    leaver_client, leaver, make_user, book
):
    stays = make_user()
    rating_set(book=book, user=stays, value=Decimal("4"))
    rating_set(book=book, user=leaver, value=Decimal("1"))
    age_vote_set(book=book, user=stays, minimum_age=12)
    age_vote_set(book=book, user=leaver, minimum_age=18)
    before = Client().get(book.get_absolute_url()).content.decode()  # cached now
    assert "<strong>2.5</strong> out of 5 from 2 ratings" in before
    assert "median of 2 votes" in before

    delete_account(leaver_client)

    after = Client().get(book.get_absolute_url()).content.decode()
    assert "<strong>4.0</strong> out of 5 from 1 rating" in after
    assert "<strong>12 years and over</strong> (median of 1 vote)" in after


def test_deletion_releases_their_seat_to_the_first_on_the_waitlist(
    leaver_client, leaver, make_user, make_club, make_meeting, django_capture_on_commit_callbacks
):
    first, second, third = make_user(), make_user(), make_user()
    club = make_club(members=[leaver, first, second, third])
    meeting = make_meeting(club, capacity=2)
    for user in (leaver, first, second, third):
        rsvp_set(meeting=meeting, user=user, response=RSVP.Response.GOING)
    assert meeting.rsvps.get(user=second).response == RSVP.Response.WAITLISTED

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(leaver_client)

    assert meeting.rsvps.get(user=second).response == RSVP.Response.GOING
    assert meeting.rsvps.get(user=third).waitlist_position == 1
    assert OutboundEmail.objects.filter(
        to=second.email, subject__contains="You have a seat"
    ).exists()
    viewer = Client()
    viewer.force_login(second)
    page = viewer.get(meeting.get_absolute_url()).content.decode()
    assert "Ruth" not in page


def test_their_poll_ballots_stay_counted_without_their_name(
    leaver_client, leaver, make_user, make_club, make_book
):
    voter = make_user()
    club = make_club(members=[leaver, voter])
    dune, emma, kim = make_book(title="Dune"), make_book(title="Emma"), make_book(title="Kim")
    poll = poll_create(
        club=club,
        created_by=club.memberships.first().user,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        books=[dune, emma, kim],
        show_results_early=True,
    )
    first, second, _ = list(poll.candidates.all())
    ballot_cast(poll=poll, voter=leaver, ranking=[first])
    ballot_cast(poll=poll, voter=voter, ranking=[second])

    delete_account(leaver_client)

    viewer = Client()
    viewer.force_login(voter)
    page = viewer.get(poll.get_absolute_url()).content.decode()
    assert "<td>Dune</td><td>1</td>" in page
    assert "<td>Emma</td><td>1</td>" in page
    assert poll.ballots.filter(voter__isnull=True).count() == 1


def test_emails_still_owed_to_them_are_purged(leaver_client, leaver, member):
    email_queue(key="reminder:1:ruth", to=leaver.email, subject="Tomorrow", body="…")
    email_queue(key="reminder:1:other", to=member.email, subject="Tomorrow", body="…")
    OutboundEmail.objects.filter(to=leaver.email).update(status=OutboundEmail.Status.PENDING)

    delete_account(leaver_client)

    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [member.email]


def test_nobody_can_sign_up_with_their_username_afterwards(leaver_client):
    delete_account(leaver_client)

    for username in ("ruth", "RUTH"):
        response = Client().post(
            "/accounts/signup/",
            {
                "username": username,
                "email": f"{username}@impostor.example",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
        assert response.status_code == 200
        assert "This username is already taken" in response.content.decode()


def test_a_club_owner_is_asked_to_hand_the_club_over_first(organiser, private_club, make_user):
    private_club.memberships.create(user=make_user(), role="organiser")
    private_club.owner = organiser
    private_club.save()
    client = Client()
    client.force_login(organiser)

    response = delete_account(client)

    assert response.status_code == 400
    page = response.content.decode()
    assert "You own Secret Readers: hand it to another member first" in page
    assert type(organiser).objects.filter(pk=organiser.pk).exists()
    assert private_club.memberships.filter(user=organiser).exists()


def test_the_deletion_form_is_rate_limited(leaver_client, leaver):
    for _ in range(5):
        delete_account(leaver_client, password="guess")
    response = delete_account(leaver_client)
    assert response.status_code == 429
    assert type(leaver).objects.filter(pk=leaver.pk).exists()


def test_visitors_are_sent_to_log_in(client):
    response = client.post("/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_deletion_page_takes_a_few_queries(
    leaver_client, leaver, django_assert_max_num_queries
):
    TOTP.activate(leaver, generate_totp_secret())
    with django_assert_max_num_queries(12):
        assert leaver_client.get("/profile/delete/").status_code == 200


def test_staff_see_the_reserved_usernames_in_the_admin(leaver_client, staff):
    delete_account(leaver_client)
    admin = Client()
    admin.force_login(staff)
    page = admin.get("/admin/accounts/reservedusername/").content.decode()
    assert ">ruth<" in page
