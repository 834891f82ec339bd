"""Fixtures shared by every test module: small explicit factories and a real browser."""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

_sequence = itertools.count(1)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, versions and cached fragments must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(**overrides) -> a verified member with password 'correct horse battery'."""

    def make(**overrides):
        number = next(_sequence)
        password = overrides.pop("password", "correct horse battery")
        fields = {"username": f"reader{number}", "email": f"reader{number}@example.org"}
        fields.update(overrides)
        user = django_user_model.objects.create_user(password=password, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def member(make_user):
    return make_user()


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def require_redis() -> str:
    """The test Redis's URL; fails in CI (skips elsewhere) when Redis is not running."""
    import socket

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return url
    except OSError:
        message = "Redis is not running on 127.0.0.1:6379"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


REDIS_BACKEND = "django_redis.cache.RedisCache"


@pytest.fixture
def redis_as_the_cache(settings):
    """The production cache backend on a real Redis, as the site's default cache, under a
    prefix of this process's own (the settings' production options included)."""
    prefix = f"test-site-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": require_redis(),
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    yield
    cache.delete_pattern("*")


@pytest.fixture
def real_broker():
    """real_broker(url): tasks go to that broker, not run in-process, until the test ends."""
    import bookclub.celery
    from bookclub.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url

    def use(url: str) -> None:
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        # Drop connection pools made for another URL (what Celery does after a fork).
        app._after_fork()

    yield use
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._after_fork()
    bookclub.celery._broker_down_until = 0.0


@pytest.fixture(scope="session")
def browser():
    """Real headless Chromium driven by Playwright (never a downloaded browser build)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}; install it with `apt-get install chromium`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only on PostgreSQL: deselected (not skipped, which CI
    counts as a failure) in the SQLite pass, and there they must pass or fail."""
    if database_is_postgres():
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: every test must really run there."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(
            f"CI: {len(skipped)} test(s) were skipped; CI requires every test to run.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, not shared-cache memory.

    Threads in concurrency tests then wait on SQLite's lock (busy timeout, BEGIN
    IMMEDIATE) as in production, instead of failing with "database table is locked".
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


def after_commit():
    """A block whose on-commit work (the followers' fan-out, queued emails) runs, eagerly,
    when it ends, as it would after a real commit: for worlds built outside a test's body.
    In a test, the `django_capture_on_commit_callbacks(execute=True)` fixture does the same."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def clean_environ(**overrides: str) -> dict[str, str]:
    """The environment for a child process: without the browser fixture's async-unsafe flag."""
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ.update(overrides)
    return environ
