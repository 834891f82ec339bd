"""Security model: CSRF on every state change (htmx included), headers and cookies in production."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import clean_environ

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def strict_client(member):
    """A client that, like a browser, must present the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def csrf_token_from(client: Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_state_change_without_csrf_token_is_refused_and_changes_nothing(strict_client, member):
    response = strict_client.post("/profile/", {"display_name": "Forged"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.display_name == ""


@pytest.mark.django_db
def test_htmx_request_carries_the_csrf_token_in_a_header(strict_client, member):
    token = csrf_token_from(strict_client, "/profile/")
    response = strict_client.post(
        "/profile/",
        {"display_name": "Via htmx", "time_zone": ""},
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code in {200, 302}
    member.refresh_from_db()
    assert member.display_name == "Via htmx"


@pytest.mark.django_db
def test_pages_render_the_csrf_header_for_htmx_on_the_body(member_client):
    html = member_client.get("/").content.decode()
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.django_db
def test_logout_needs_post_with_a_token(strict_client):
    response = strict_client.post("/accounts/logout/")
    assert response.status_code == 403
    assert strict_client.get("/profile/").status_code == 200, "still signed in"


PRODUCTION_PROBE = """
import django, json
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
client = Client(HTTP_HOST="bookclub.example")
response = client.get("/accounts/login/", secure=True)
cookie = response.cookies["csrftoken"]
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "csrf_cookie": {"secure": bool(cookie["secure"]), "samesite": cookie["samesite"]},
    "redirect": Client(HTTP_HOST="bookclub.example").get("/livez").status_code,
}))
"""


def test_production_sends_hsts_csp_and_secure_cookies_and_redirects_to_https(tmp_path):
    env = {
        "STATIC_ROOT": str(tmp_path / "static"),
        **clean_environ(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "bookclub.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",  # production needs one; never used
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bookclub.settings"},
        capture_output=True,
        text=True,
        timeout=300,  # a loaded CI machine: the probe migrates a database first
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    headers = report["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert report["csrf_cookie"] == {"secure": True, "samesite": "Lax"}
    assert report["redirect"] == 301, "plain HTTP is redirected to HTTPS"


def test_session_cookie_is_secure_httponly_and_samesite_in_production():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE)"
    )
    env = {
        **clean_environ(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "p" * 60,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bookclub.settings"},
        capture_output=True,
        text=True,
        timeout=300,  # a loaded CI machine: the probe migrates a database first
    )
    assert result.stdout.split() == ["True", "True", "Lax", "True"], result.stderr
