"""Two-factor authentication (allauth.mfa) and the list of where a member is logged in."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def turn_on_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def log_in(client, user):
    return client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})


def test_a_member_with_an_authenticator_app_is_asked_for_a_code_at_log_in(client, member):
    secret = turn_on_totp(member)

    response = log_in(client, member)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone opens nothing.
    assert client.get("/profile/").status_code == 302
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Log in: your second step" in page
    assert "Sign In" not in page

    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200


def test_a_wrong_code_keeps_the_member_out_with_a_plain_message(client, member):
    secret = turn_on_totp(member)
    log_in(client, member)
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert client.get("/profile/").status_code == 302


def test_a_recovery_code_logs_in_once(client, member):
    turn_on_totp(member)
    code = RecoveryCodes(Authenticator.objects.get(user=member, type="recovery_codes"))
    recovery = code.get_unused_codes()[0]
    log_in(client, member)
    assert client.post("/accounts/2fa/authenticate/", {"code": recovery}).status_code == 302

    client.post("/accounts/logout/")
    log_in(client, member)
    response = client.post("/accounts/2fa/authenticate/", {"code": recovery})
    assert "Incorrect code." in response.content.decode()


def test_without_two_factor_the_password_is_enough(client, member):
    response = log_in(client, member)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_profile_page_leads_to_account_security(client, member):
    client.force_login(member)
    page = client.get("/profile/").content.decode()
    for link in ("/accounts/2fa/", "/accounts/sessions/", "/profile/delete/"):
        assert f'href="{link}"' in page


def test_the_two_factor_page_uses_the_site_layout(client, member):
    client.force_login(member)
    page = client.get("/accounts/2fa/").content.decode()
    assert 'class="site-header"' in page
    assert "Set up an authenticator app" in page
    turn_on_totp(member)
    page = client.get("/accounts/2fa/").content.decode()
    assert "On: each log-in asks for the code your authenticator app shows." in page
    assert "10 of 10 codes left." in page


def test_a_member_sees_where_they_are_logged_in_and_logs_the_others_out(client, member):
    from django.test import Client

    other = Client(HTTP_USER_AGENT="Phone browser")
    log_in(other, member)
    log_in(client, member)

    page = client.get("/accounts/sessions/").content.decode()
    assert "Where you are logged in" in page
    assert "Phone browser" in page
    assert "This browser" in page

    client.post("/accounts/sessions/")
    assert other.get("/profile/").status_code == 302
    assert client.get("/profile/").status_code == 200


@pytest.mark.parametrize("elsewhere", [0, 6])
def test_the_sessions_and_two_factor_pages_take_a_few_queries_however_many_sessions(
    client, member, django_assert_max_num_queries, elsewhere
):
    from django.test import Client

    for _ in range(elsewhere):
        log_in(Client(), member)
    turn_on_totp(member)
    client.force_login(member)
    for path in ("/accounts/sessions/", "/accounts/2fa/", "/profile/"):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200
