"""Members of bookclub.

A custom user from day one so profile fields live on the account row and no
join is needed to show a member's name beside their words.
"""

from __future__ import annotations

import zoneinfo
from functools import cache, cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


@cache
def known_time_zones() -> frozenset[str]:
    # available_timezones() walks the zoneinfo directories: ~12 ms, once per process here
    # instead of once per profile save (bench: the profile edit's p99).
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def validate_time_zone(value: str) -> None:
    if value and value not in known_time_zones():
        raise ValidationError(f"{value!r} is not a time zone we know.")


class User(AbstractUser):
    """A member: everyone signed up. Staff are the admins who curate the catalog."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField("short bio", max_length=500, blank=True)
    time_zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    email_notifications = models.BooleanField("email me about replies and mentions", default=True)

    class Meta:
        permissions = [
            (
                "organise_any_club",
                "Can schedule and manage discussions in every club, not only those it organises",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @cached_property
    def has_two_factor(self) -> bool:
        """Whether log-ins ask this member for a second factor (an authenticator app's code
        or a passkey); recovery codes alone are only a way back in, not a factor."""
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(
            user=self, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.is_staff

    def can_organise(self, club=None) -> bool:
        """Staff and site-wide organisers organise anywhere; everyone else per club."""
        if not self.is_active:
            return False
        if self.is_staff:
            return True
        # The club's own organisers first: one indexed lookup, where the site-wide
        # permission costs two queries (user and group permissions).
        if club is not None and club.is_organiser(self):
            return club.admits_organiser(self)
        return self.has_perm("accounts.organise_any_club")


class ReservedUsername(models.Model):
    """The username of a deleted account: nobody may sign up under it and pass for them."""

    username = models.CharField(max_length=150, unique=True)
    reserved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("username"), name="reserved_username_any_case"
            ),
        ]

    def __str__(self) -> str:
        return self.username
