"""Sign-up limits stop scripts but not a club signing up together on one network."""

import pytest

from bookclub.accounts.models import User

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def _allauth_as_a_backstop(settings):
    # allauth's own per-IP sign-up limit (settings.RATE_LIMIT_SIGNUP, 5 an hour until
    # settings.py adopts a backstop) would turn the room away before these limits apply.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1000/h/ip"}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, to be moved forward by hand."""
    import bookclub.ratelimit

    now = {"t": 86400.0 * 21992}  # the start of a day, so of every window
    monkeypatch.setattr(bookclub.ratelimit.time, "time", lambda: now["t"])
    return now


def sign_up(client, number: int, *, domain="library.example", address="203.0.113.7"):
    return client.post(
        "/accounts/signup/",
        {
            "username": f"reader{number}",
            "email": f"reader{number}@{domain}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_a_room_of_twelve_signs_up_from_one_network_but_the_thirteenth_waits(client, clock):
    for number in range(12):
        assert sign_up(client, number).status_code == 302, number
    refused = sign_up(client, 12)
    assert refused.status_code == 200
    assert "Many accounts have been created from your network" in refused.text
    assert "try again in about 10 minutes" in refused.text
    assert User.objects.count() == 12
    # Ten minutes on, the next group can sign up.
    clock["t"] += 600
    assert sign_up(client, 12).status_code == 302


@pytest.mark.django_db
def test_a_script_from_one_network_is_stopped_for_the_day(client, clock):
    signed_up = 0
    for number in range(60):
        clock["t"] += 60  # one a minute never trips the burst limit
        if sign_up(client, number).status_code == 302:
            signed_up += 1
    assert signed_up == 30
    assert "try again in about" in sign_up(client, 99).text


@pytest.mark.django_db
def test_one_email_domain_spread_over_many_addresses_is_stopped(client, clock):
    accepted = [
        sign_up(client, n, domain="throwaway.example", address=f"198.51.100.{n}").status_code
        for n in range(40)
    ]
    assert accepted.count(302) == 30
    # Other domains from those same addresses are unaffected.
    assert sign_up(client, 99, domain="hailsham.example", address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_a_mistyped_sign_up_costs_the_room_nothing(client, clock):
    for number in range(20):
        response = client.post(
            "/accounts/signup/",
            {"username": f"r{number}", "email": f"r{number}@library.example",
             "password1": PASSWORD, "password2": "not the same"},
            REMOTE_ADDR="203.0.113.7",
        )  # fmt: skip
        assert response.status_code == 200
    for number in range(12):
        assert sign_up(client, number).status_code == 302


@pytest.mark.django_db
def test_ipv6_clients_count_per_64_network(client, clock):
    for n in range(12):
        assert sign_up(client, n, address=f"2001:db8:1:2::{n + 1}").status_code == 302
    assert sign_up(client, 12, address="2001:db8:1:2:ffff::1").status_code == 200
    assert sign_up(client, 13, address="2001:db8:1:3::1").status_code == 302
