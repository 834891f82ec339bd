"""Settings come from the environment and fail loudly when they are wrong."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bookclub.env import env_bool, env_int, env_list, parse_database_url
from tests.conftest import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_selects_sqlite_with_a_busy_timeout():
    config = parse_database_url("sqlite:////tmp/bookclub.sqlite3", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/bookclub.sqlite3"
    assert config["OPTIONS"]["timeout"] == 20


def test_postgres_url_selects_psycopg_with_persistent_health_checked_connections():
    config = parse_database_url("postgres://reader:secret@db.internal:6543/books", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "books")
    assert config["USER"] == "reader" and config["PASSWORD"] == "secret"
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a URL"),
        ("mysql://root@localhost/books", "unsupported scheme 'mysql'"),
        ("postgres://postgres@localhost:5432/", "must name a database"),
        ("postgres://postgres@localhost:notaport/books", "could not be parsed"),
    ],
)
def test_bad_database_url_gives_a_clear_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url, conn_max_age=0)


def test_booleans_integers_and_lists_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_bool("FLAG", default=False) is True
    assert env_int("NUMBER", 0) == 42
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG", default=False)
    monkeypatch.setenv("NUMBER", "forty")
    with pytest.raises(ImproperlyConfigured, match="NUMBER='forty' is not a whole number"):
        env_int("NUMBER", 0)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in clean_environ().items() if k not in {"DATABASE_URL", "DEBUG"}}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_process_refuses_to_start_with_a_bad_database_url():
    result = run_manage("check", DATABASE_URL="mysql://root@localhost/books")
    assert result.returncode != 0
    assert "DATABASE_URL uses unsupported scheme 'mysql'" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k3y-" + "x7Qp9vL2mR8sT4wZ1nB6cF0hJ5dG3aK" * 2,
        ALLOWED_HOSTS="bookclub.example",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_broker_for_its_background_work():
    result = run_manage(
        "check", DJANGO_ENV="production", SECRET_KEY="k3y-" + "x" * 50, REDIS_URL=""
    )
    assert result.returncode != 0
    assert "Background work needs a broker" in result.stderr


def test_the_broker_defaults_to_redis_url_and_celery_broker_url_wins():
    probe = "from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    common = {"DJANGO_ENV": "production", "SECRET_KEY": "k3y-" + "x" * 50}
    result = run_manage("shell", "-c", probe, REDIS_URL="redis://cache:6379/0", **common)
    assert result.stdout.split()[-1] == "redis://cache:6379/0", result.stderr
    result = run_manage(
        "shell",
        "-c",
        probe,
        REDIS_URL="redis://cache:6379/0",
        CELERY_BROKER_URL="redis://queue:6379/1",
        **common,
    )
    assert result.stdout.split()[-1] == "redis://queue:6379/1", result.stderr
