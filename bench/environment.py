"""The production-like environment every bench process shares: servers and the in-process Django.

One SECRET_KEY per run, shared by the gunicorn servers and the orchestrator, so sessions the
orchestrator creates (and their auth hashes) are valid on the servers.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from bench.redis_server import REDIS

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable

# Overridable so a second bench (another worktree) can share the PostgreSQL cluster without
# rebuilding this one's database or taking its ports: defaults are the bench's own.
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "bookclub_bench")
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "8100"))  # app servers from here up
SMTP_PORT = PORT_BASE + 25  # the bench's mail server (bench/smtp_server.py)
REDIS_URL = REDIS.url  # the bench's own server (bench/redis_server.py), never the machine's
SECRET_KEY = secrets.token_urlsafe(50)

# Rate limits high enough that the throughput phase measures the pages, not the limiter.
THROUGHPUT_LIMITS = {
    "POST_RATE_LIMIT": "100000000/60",
    "RATE_LIMIT_LOGIN": "100000000/m/ip",
}
# The integrity phase runs with the shipped defaults written out, so the rate-limit probes
# know the numbers they are checking.
PRODUCTION_LIMITS = {
    "POST_RATE_LIMIT": "20/60",
    "RATE_LIMIT_LOGIN": "30/m/ip",
    "RATE_LIMIT_LOGIN_FAILED": "10/m/ip,5/5m/key",
}


def database_url(name: str = DATABASE_NAME) -> str:
    from bench.postgres import CLUSTER

    return f"postgres://postgres@127.0.0.1:{CLUSTER.port}/{name}"


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production deployment, pointed at loopback services."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bookclub.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench",
        # The bench speaks plain HTTP on loopback (no TLS terminator in front), so the
        # HTTPS-only pieces of production would redirect every request or drop every cookie.
        # Everything else (DEBUG off, manifest static files, Redis sessions) stays as deployed.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONHASHSEED": "0",
    }
    env.pop("DEBUG", None)
    env.pop("WHITENOISE_USE_FINDERS", None)
    env.update(overrides)
    return env


def setup_django() -> None:
    """Configure Django in this process with the servers' settings (plus the test client's host)."""
    env = production_env(ALLOWED_HOSTS="127.0.0.1,localhost,testserver", **PRODUCTION_LIMITS)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
