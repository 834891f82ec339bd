"""Django's Redis cache, with one redis-py client per connection pool instead of one per call,
and incr() in one round trip.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation, and
building one fills a table of ~170 response callbacks: about 0.15 ms each time, several
times per page. A client is only a thin handle on its (thread-safe) connection pool, so
one per pool is enough (bench/profile_page.py showed 16 builds per signed-in book page).

Django's incr() asks EXISTS, then INCRBY: two round trips, and racy (a key that expires
in between comes back as 1). Every write bumps data versions and counts a rate limit, so
the check and the increment run as one server-side script instead.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

# INCRBY only if the key is there (Django's contract: incr() of a missing key raises).
INCR_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return nil
"""


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(INCR_IF_PRESENT)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ReusedClientRedisCache(RedisCache):
    @cached_property
    def _cache(self):
        return ReusedClientRedisCacheClient(self._servers, **self._options)
