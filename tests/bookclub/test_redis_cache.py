"""The production cache backend: Django's Redis cache with incr() in one round trip."""

from __future__ import annotations

import pytest

from tests.conftest import note_redis_commands


def test_incr_adds_to_a_counter_and_returns_the_new_value(redis_cache):
    redis_cache.set("clicks", 41)
    assert redis_cache.incr("clicks") == 42
    assert redis_cache.incr("clicks", 8) == 50
    assert redis_cache.get("clicks") == 50


def test_incr_of_a_missing_key_raises_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError):
        redis_cache.incr("never-set")
    assert redis_cache.get("never-set") is None


def test_incr_keeps_the_counters_expiry(redis_cache):
    redis_cache.set("window", 1, timeout=30)
    redis_cache.incr("window")
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_key("window")) <= 30


def test_incr_is_one_round_trip(redis_cache, monkeypatch):
    redis_cache.set("hits", 1)
    redis_cache.incr("hits")  # the first call loads the script into the server
    sent = note_redis_commands(redis_cache, monkeypatch)
    assert redis_cache.incr("hits") == 3
    assert sent == ["EVALSHA"]
