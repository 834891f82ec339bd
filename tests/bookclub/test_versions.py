"""Data versions (bookclub/cache.py): a write retires what was cached under them, now and
again on commit, and an unreachable cache never leads to anything stale."""

import pytest
from django.core.cache import cache
from django.db import transaction

from bookclub.cache import bump, versions

UNREACHABLE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
    }
}


def current() -> str:
    return versions(v="things")["v"]


def test_a_version_holds_until_a_bump_changes_it():
    before = current()
    assert current() == before
    bump("things")
    assert current() != before


@pytest.mark.django_db(transaction=True)
def test_a_write_in_a_transaction_bumps_again_when_it_commits():
    before = current()
    with transaction.atomic():
        bump("things")
        during = current()
        # another process caching the not-yet-committed state under `during`…
    assert len({before, during, current()}) == 3  # …never has it read again


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_bumps_only_at_once():
    with pytest.raises(RuntimeError), transaction.atomic():
        bump("things")
        during = current()
        raise RuntimeError
    assert current() == during


def test_a_version_restarts_at_a_random_number():
    first = current()
    cache.clear()  # Redis restarted empty, say
    assert current() != first


def test_an_unreachable_cache_gives_a_new_version_every_time(settings):
    settings.CACHES = UNREACHABLE
    assert current() != current()
    bump("things")  # and a write still goes through


def test_a_bump_lost_in_an_outage_retires_everything_once_the_cache_answers(settings):
    reachable = settings.CACHES
    before = versions(a="one", b="two")
    settings.CACHES = UNREACHABLE
    bump("one")  # lost: the cache still holds the old numbers
    settings.CACHES = reachable
    after = versions(a="one", b="two")
    assert after["a"] != before["a"] and after["b"] != before["b"]
    assert versions(a="one", b="two") == after
