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

import hashlib

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from bookclub.request_memo import memoised, remember
from bookclub.versions import entries_changed, read_version, version_changed

USER_CACHE_TIMEOUT = 60


def user_cache_key(user_id) -> str:
    return f"auth:user:{user_id}"


def forget_cached_users(user_ids) -> None:
    entries_changed(*[user_cache_key(pk) for pk in user_ids])


def profile_key(username: str) -> str:
    # Hashed: the name comes from the address, where anything may be typed.
    return f"profile:member:{hashlib.sha256(username.encode()).hexdigest()[:32]}"


def user_row_changed(sender, instance, **_signal_arguments) -> None:
    # The member, and the public profile's cached member (accounts/views.py) by the name
    # in its address.
    entries_changed(user_cache_key(instance.pk), profile_key(instance.username))


class CachedUserMixin:
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        # Usually fetched already, with the header's reads (MemberPrefetchMiddleware).
        user = memoised(key, lambda: cache.get(key))
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, USER_CACHE_TIMEOUT)
            remember(key, user)
        # Checked on every request, cached or not: an inactive member is never let in.
        return user if self.user_can_authenticate(user) else None


# --- permissions ---------------------------------------------------------------------
# Django's backend loads a member's permissions with two queries per request that asks
# (a meeting page asks whether the member may organise any club). They are cached per
# member under one version, bumped when any member's, group's or group membership's
# permissions change (m2m signals in AccountsConfig.ready) or a permission or group goes.
PERMISSIONS_VERSION_KEY = "auth:permissions:version"


def _permissions_version() -> int:
    return read_version(PERMISSIONS_VERSION_KEY)


def permissions_changed(**_signal_arguments) -> None:
    version_changed(PERMISSIONS_VERSION_KEY)


def permissions_key(user_id: int) -> str:
    return f"auth:permissions:{user_id}:v{_permissions_version()}"


class CachedPermissionsMixin:
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            key = permissions_key(user_obj.pk)
            permissions = memoised(key, lambda: cache.get(key))
            if permissions is None:
                permissions = super().get_all_permissions(user_obj, obj)
                cache.set(key, permissions, USER_CACHE_TIMEOUT * 10)
                remember(key, permissions)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache


class CachedModelBackend(CachedUserMixin, CachedPermissionsMixin, ModelBackend):
    pass


class CachedAllauthBackend(CachedUserMixin, CachedPermissionsMixin, AuthenticationBackend):
    pass
