"""Rate limits hold across app processes when they share Redis (REDIS_URL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bookclub.middleware import database_unreachable
from tests.conftest import clean_environ, require_redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

SETUP = """
import django; django.setup()
from django.core.cache import cache
from django.core.management import call_command
call_command("migrate", verbosity=0)
cache.clear()
from bookclub.accounts.models import User
User.objects.create_user("kathy", "kathy@example.org", "correct horse battery")
"""

# One app process: N failed log-ins, reporting whether each was still checked or refused.
ATTEMPTS = """
import django, sys; django.setup()
from django.test import Client
client = Client()
for _ in range(int(sys.argv[1])):
    response = client.post("/accounts/login/", {"login": "kathy", "password": "wrong"})
    if b"Too many" in response.content:
        print("limited")
    elif b"not correct" in response.content:
        print("checked")
    else:
        print("unexpected", response.status_code)
"""


def run_process(code: str, env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_failed_logins_are_counted_across_two_app_processes(tmp_path):
    require_redis()
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "bookclub.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"limits-test-{os.getpid()}",
        "RATE_LIMIT_LOGIN_FAILED": "100/m/ip,5/5m/key",
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "ALLOWED_HOSTS": "testserver",
    }
    run_process(SETUP, env)
    assert run_process(ATTEMPTS, env, "3").split() == ["checked"] * 3
    # A second process sees the first one's three failures in Redis: only two more are checked.
    assert run_process(ATTEMPTS, env, "3").split() == ["checked", "checked", "limited"]


@pytest.mark.django_db
def test_a_schema_error_is_a_bug_not_an_outage():
    from django.db import InterfaceError, OperationalError, connection

    connection.ensure_connection()
    assert database_unreachable(InterfaceError("connection already closed"))
    if connection.vendor == "sqlite":
        assert not database_unreachable(OperationalError("no such table: catalog_book"))
    assert not database_unreachable(ValueError("not a database error"))
