"""Who does what at each meeting: the club's roles and the members who hold them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from discussions.models.clubs import Club

# What a new club starts with; organisers rename them or add their own.
DEFAULT_ROLES = ("Host", "Discussion leader", "Note-taker", "Snacks or venue")


class RotaRole(models.Model):
    """A job the club hands out per meeting ("Host", "Discussion leader"…)."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="rota_roles")
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "name"],
                name="rota_role_name_once_per_club",
                violation_error_message="The club already has a role with that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RotaSlotQuerySet(models.QuerySet):
    def upcoming_held_by(self, user, club: Club) -> RotaSlotQuerySet:
        """The roles `user` holds at the club's meetings that have not ended yet."""
        from discussions.models.meetings import Meeting

        upcoming = Meeting.objects.upcoming().active().filter(club=club)
        return self.filter(holder=user, meeting__in=upcoming).select_related("role", "meeting")


class RotaSlot(models.Model):
    """One role at one meeting and the member holding it. A holder who asks for a swap
    keeps the role until another member accepts it."""

    meeting = models.ForeignKey(
        "discussions.Meeting", on_delete=models.CASCADE, related_name="rota_slots"
    )
    role = models.ForeignKey(RotaRole, on_delete=models.CASCADE, related_name="slots")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_slots"
    )
    swap_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RotaSlotQuerySet.as_manager()

    class Meta:
        ordering = ["role__position", "role_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "role"],
                name="rota_slot_one_holder",
                violation_error_message="Someone else has just taken that role.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.meeting}: {self.holder}"

    @property
    def wants_swap(self) -> bool:
        return self.swap_requested_at is not None
