"""Typed readers for settings that come from environment variables.

Every reader fails loudly with ImproperlyConfigured naming the variable, so a
typo in a deployment's environment stops the process at start-up instead of
surfacing as a confusing error on the first request.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def parse_database_url(url: str, *, conn_max_age: int) -> dict:
    """Turn DATABASE_URL into Django's DATABASES['default'], or explain what is wrong."""
    scheme = urlsplit(url).scheme
    if not scheme or "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not a URL; expected e.g. sqlite:///db.sqlite3 "
            "or postgres://user@host:5432/name."
        )
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses unsupported scheme {scheme!r}; use sqlite:// or postgres://."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {error}") from None
    if config["ENGINE"].endswith("postgresql"):
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL must name a database.")
        # Fail fast while the database is unreachable: /healthz and every page
        # answer 503 within seconds instead of hanging on the TCP timeout.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    else:
        # SQLite: wait on a locked database instead of failing at once, and
        # serialise writers up front so concurrent posts do not deadlock.
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            }
        )
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return config


def code_digest(root) -> str:
    """A digest of the project's Python and templates: a new release's cached pages and
    fragments never meet those an older release rendered."""
    digest = hashlib.sha256()
    for folder in ("bookclub", "catalog", "discussions", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
