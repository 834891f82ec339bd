"""Project-wide pages: home, health check, favicon, error pages and security headers."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import clean_environ

ROOT = Path(__file__).resolve().parents[2]

# A real outage: a PostgreSQL URL on a loopback port where nothing listens.
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:9/bookclub"

PROBE = """
import django, time
django.setup()
from django.test import Client
client = Client()
for path in ("/healthz", "/members/nobody/"):
    started = time.monotonic()
    response = client.get(path)
    print(path, response.status_code, round(time.monotonic() - started, 1), response.content[:2000])
"""


@pytest.mark.django_db
def test_home_page_serves_the_layout_with_landmarks_and_skip_link(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html and '<nav aria-label="Main">' in html
    assert "django_htmx/htmx-2.min.js" in html or "django_htmx/htmx-2" in html
    assert "https://" not in html.split("<body")[0], "no asset may load from another origin"


@pytest.mark.django_db
def test_signup_and_admin_pages_load(client):
    assert client.get("/accounts/signup/").status_code == 200
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert b"Log in" in response.content


@pytest.mark.django_db
def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "cache": "up",
        "broker": "eager",  # tests run tasks in-process
        "emails": {"pending": 0, "failed": 0},
    }


def test_with_the_database_down_healthz_and_pages_answer_503_fast():
    env = {**clean_environ(), "DATABASE_URL": UNREACHABLE_DATABASE, "ALLOWED_HOSTS": "testserver"}
    env["DJANGO_SETTINGS_MODULE"] = "bookclub.settings"
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    health, page = result.stdout.splitlines()[:2]
    assert health.startswith("/healthz 503"), health
    assert '"database": "down"' in health
    assert page.startswith("/members/nobody/ 503"), page
    assert "We are back in a moment" in page
    assert time.monotonic() - started < 30, "an outage must fail fast, not hang"


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404_with_a_search_box(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content
    assert b'type="search"' in response.content


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


@pytest.mark.django_db
def test_every_page_sends_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_logout_by_get_changes_nothing(member_client, member):
    member_client.get("/accounts/logout/")
    assert member_client.get("/profile/").status_code == 200, "still signed in after a GET"


@pytest.mark.django_db
def test_home_shows_the_catalog_shelf_from_cache(client, django_assert_max_num_queries):
    from django.core.management import call_command

    call_command("import_seeds", verbosity=0)
    client.get("/")
    with django_assert_max_num_queries(2):  # the shelf costs nothing once cached
        html = client.get("/").content.decode()
    assert "From the catalog" in html
    assert 'href="/books/never-let-me-go/"' in html
