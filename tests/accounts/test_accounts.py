"""Members sign up, verify their email, log in with username or email, and log out."""

import re

import pytest
from django.core import mail

from bookclub.accounts.models import User
from tests.conftest import after_commit

PASSWORD = "a long and unusual passphrase"


def sign_up(client, username="kathy", email="kathy@hailsham.example", password=PASSWORD):
    # The confirmation email is queued on commit, then delivered (eagerly, in tests).
    with after_commit():
        return client.post(
            "/accounts/signup/",
            {"username": username, "email": email, "password1": password, "password2": password},
        )


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_sign_up_verify_log_in_and_log_out(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="kathy")
    assert not user.emailaddress_set.get().verified

    assert len(mail.outbox) == 1
    link = confirmation_link(mail.outbox[0])
    # Visiting the link asks for confirmation; only the POST verifies.
    assert client.get(link).status_code == 200
    assert not user.emailaddress_set.get().verified
    client.post(link)
    assert user.emailaddress_set.get().verified

    client.post("/accounts/logout/")
    assert client.get("/profile/").status_code == 302, "logged out: profile needs login"

    response = client.post("/accounts/login/", {"login": "kathy", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200
    client.post("/accounts/logout/")

    response = client.post(
        "/accounts/login/", {"login": "kathy@hailsham.example", "password": PASSWORD}
    )
    assert response.status_code == 302, "email works as the login too"
    assert client.get("/profile/").status_code == 200


@pytest.mark.django_db
def test_unverified_member_cannot_log_in_until_the_email_is_confirmed(client):
    sign_up(client)
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": "kathy", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/profile/").status_code == 302


@pytest.mark.django_db
def test_signup_form_shows_field_errors(client):
    response = sign_up(client, username="", email="not-an-email", password="short")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited_with_a_clear_message(client, member):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": member.username, "password": "wrong password"}
        )
        assert response.status_code == 200
        assert b"not correct" in response.content
    response = client.post(
        "/accounts/login/", {"login": member.username, "password": "correct horse battery"}
    )
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content
    assert b"Too many" in response.content
    assert client.get("/profile/").status_code == 302, "the limit holds even for the right password"


@pytest.mark.django_db
def test_sign_ups_from_one_address_are_rate_limited(client, settings):
    """allauth's own per-address limit, the backstop (tests/accounts/test_signup_limits.py
    has the limits per network and per email domain)."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "5/h/ip"}
    for number in range(5):
        assert (
            sign_up(client, username=f"reader{number}", email=f"r{number}@x.example").status_code
            == 302
        )
        client.post("/accounts/logout/")
    response = sign_up(client, username="one_too_many", email="more@x.example")
    assert response.status_code == 429
    assert b"Too many" in response.content
    assert not User.objects.filter(username="one_too_many").exists()


@pytest.mark.django_db
def test_member_edits_their_profile_and_it_shows_publicly(member_client, member, client):
    response = member_client.post(
        "/profile/",
        {"display_name": "Kathy H.", "bio": "Carer. Reader.", "time_zone": "Europe/London"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Europe/London"
    page = client.get(f"/members/{member.username}/").content.decode()
    assert "Kathy H." in page and "Carer. Reader." in page


@pytest.mark.django_db
def test_a_profile_saved_without_the_address_keeps_it_verified_and_the_member_signed_in(
    member_client, member, client
):
    member_client.post("/profile/", {"display_name": "Kathy H."})
    assert member.emailaddress_set.get().verified
    client.post("/accounts/login/", {"login": member.username, "password": "correct horse battery"})
    assert "Log out" in client.get("/").content.decode()


@pytest.mark.django_db
def test_profile_rejects_an_unknown_time_zone_with_a_field_error(member_client, member):
    response = member_client.post("/profile/", {"display_name": "K", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    member.refresh_from_db()
    assert member.time_zone == ""


@pytest.mark.django_db
def test_saving_the_profile_leaves_columns_it_does_not_edit(member_client, member):
    from django.utils import timezone

    # A log-in on another device lands after this form loaded the member.
    moment = timezone.now().replace(microsecond=0)
    type(member).objects.filter(pk=member.pk).update(last_login=moment)
    member_client.post("/profile/", {"display_name": "Kathy H.", "time_zone": "Asia/Tokyo"})
    member.refresh_from_db()
    assert member.display_name == "Kathy H." and member.time_zone == "Asia/Tokyo"
    assert member.last_login == moment


def test_profile_forms_share_the_time_zone_list_but_not_their_widgets():
    from bookclub.accounts.forms import ProfileForm

    first, second = ProfileForm(), ProfileForm()
    first_zone, second_zone = first.fields["time_zone"], second.fields["time_zone"]
    assert first_zone.choices is second_zone.choices  # not copied per form
    first_zone.widget.attrs["class"] = "only-here"
    assert "class" not in second_zone.widget.attrs
    assert "Europe/London" in second["time_zone"].as_widget()


@pytest.mark.django_db
def test_profile_bio_is_escaped(member_client, member, client):
    member_client.post(
        "/profile/", {"display_name": "<b>x</b>", "bio": "<script>alert(1)</script>"}
    )
    page = client.get(f"/members/{member.username}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_roles_member_organiser_and_admin(make_user):
    member = make_user()
    admin = make_user(is_staff=True)
    assert not member.can_organise() and not member.is_admin
    assert admin.can_organise() and admin.is_admin
    from django.contrib.auth.models import Permission

    member.user_permissions.add(Permission.objects.get(codename="organise_any_club"))
    member = User.objects.get(pk=member.pk)  # permissions are cached per instance
    assert member.can_organise()


@pytest.mark.django_db
def test_with_the_mail_server_down_sign_up_answers_and_the_confirmation_waits(client, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from bookclub.outbox.models import OutboundEmail

    def refused(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    response = sign_up(client)
    assert response.status_code == 302
    email = OutboundEmail.objects.get(to="kathy@hailsham.example")
    assert email.status == OutboundEmail.Status.PENDING and "SMTP down" in email.last_error
    assert email.key.startswith("account:")


@pytest.mark.django_db
def test_the_admin_never_shows_an_account_emails_sign_in_link(client, make_user):
    from bookclub.outbox.models import OutboundEmail

    sign_up(client)
    email = OutboundEmail.objects.get(to="kathy@hailsham.example")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/outbox/outboundemail/{email.pk}/change/").content.decode()
    assert "hidden: an account email holds a sign-in link" in page
    assert "confirm-email" not in page


def _profile(**fields) -> dict:
    return {"display_name": "", "bio": "", "time_zone": "", "email_notifications": "on", **fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ["kathy@@example.org", "kathy", "kathy@example", "kathy @example.org", "a@b@c.org"]
)
def test_the_profile_form_refuses_a_malformed_address(client, make_user, address):
    member = make_user(email="kathy@example.org")
    client.force_login(member)
    response = client.post("/profile/", _profile(email=address))
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    member.refresh_from_db()
    assert member.email == "kathy@example.org"


@pytest.mark.django_db
def test_the_profile_form_refuses_an_address_another_account_uses(client, make_user):
    make_user(email="taken@example.org")
    member = make_user()
    client.force_login(member)
    response = client.post("/profile/", _profile(email="Taken@example.org"))
    assert "Another account uses this address." in response.content.decode()


@pytest.mark.django_db
def test_a_new_address_on_the_profile_is_asked_to_confirm_itself(client, make_user):
    from allauth.account.models import EmailAddress

    member = make_user(email="old@example.org")
    client.force_login(member)
    with after_commit():
        response = client.post("/profile/", _profile(email="new@example.org"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "new@example.org"
    address = EmailAddress.objects.get(user=member)
    assert (address.email, address.primary, address.verified) == ("new@example.org", True, False)
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_leaving_the_address_out_keeps_it(client, make_user):
    member = make_user(email="kathy@example.org")
    client.force_login(member)
    assert client.post("/profile/", _profile(display_name="Kathy H")).status_code == 302
    member.refresh_from_db()
    assert member.email == "kathy@example.org" and member.display_name == "Kathy H"
    assert mail.outbox == []
