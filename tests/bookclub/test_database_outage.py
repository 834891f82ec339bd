"""A database outage answers 503 wherever the request first touches the database.

Found by the bench (bench/faults.py): while PostgreSQL restarted, signed-in members got 500s,
because loading the member for their time zone happens in middleware, where
DatabaseUnavailableMiddleware.process_exception never looks.
"""

import subprocess
import sys
import time
from pathlib import Path

from django.db import OperationalError, connections

from bookclub.views import server_error
from tests.conftest import clean_environ

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:9/bookclub"

# A member's browser still holds a session cookie when the database goes away. Sessions live in
# the database here (no REDIS_URL); in production they live in Redis and the member row fails to
# load instead: either way the first database access is in middleware, before any view.
SIGNED_IN_PROBE = """
import django, time
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32
for method, path in (("get", "/"), ("post", "/profile/")):
    started = time.monotonic()
    response = getattr(client, method)(path)
    print(path, response.status_code, response.get("Retry-After"),
          round(time.monotonic() - started, 1), b"We are back in a moment" in response.content)
"""


def test_signed_in_members_get_the_503_page_when_the_database_is_down():
    env = {**clean_environ(), "DATABASE_URL": UNREACHABLE_DATABASE, "ALLOWED_HOSTS": "testserver"}
    env["DJANGO_SETTINGS_MODULE"] = "bookclub.settings"
    env["DEBUG"] = "false"  # as in production: DEBUG shows the technical 500 page instead
    env.pop("REDIS_URL", None)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", SIGNED_IN_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    home, profile = result.stdout.splitlines()[-2:]
    assert home.startswith("/ 503 10 ") and home.endswith("True"), home
    assert profile.startswith("/profile/ 503 10 ") and profile.endswith("True"), profile
    assert time.monotonic() - started < 30, "an outage must fail fast, not hang"


def test_the_error_page_is_a_503_while_handling_a_lost_database_connection(rf, monkeypatch):
    # As after a refused connect: Django holds no connection (earlier tests may have left one).
    monkeypatch.setattr(connections["default"], "connection", None)
    try:
        raise OperationalError("connection failed: server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"We are back in a moment" in response.content


def test_other_errors_keep_the_500_page(rf):
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
