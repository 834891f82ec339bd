"""Authentication backends that load the signed-in member from the cache.

Every signed-in request loads its member; from PostgreSQL that is a query and an ORM
round of about 0.4 ms, the largest fixed cost of a signed-in page (bench/profile_page.py
on /livez). The member row is cached for USER_CACHE_TIMEOUT and retired whenever it is
saved or deleted (signals in AccountsConfig.ready), so a password change, a
deactivation in the admin or a profile edit takes effect on the next request. A bulk
`User.objects.update(...)` sends no signal: call `forget_cached_users()` after one (the
timeout bounds the lag if it is forgotten).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

USER_CACHE_TIMEOUT = 60


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


def forget_cached_users(user_ids) -> None:
    keys = [_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def user_row_changed(sender, instance, **_signal_arguments) -> None:
    forget_cached_users([instance.pk])


class CachedUserMixin:
    def get_user(self, user_id):
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(_key(user_id), user, USER_CACHE_TIMEOUT)
        # Checked on every request, cached or not: an inactive member is never let in.
        return user if self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    pass


class CachedAllauthBackend(CachedUserMixin, AuthenticationBackend):
    pass
