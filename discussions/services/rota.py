"""Writes for the rota: the club's roles, signing up, giving up and swapping."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from discussions.models import Club, Meeting, RotaRole, RotaSlot
from discussions.models.rota import DEFAULT_ROLES
from discussions.services.errors import DiscussionError


def rota_roles_create_defaults(*, club: Club) -> list[RotaRole]:
    """The roles a new club starts with (one save each: their signals bump "clubs")."""
    return [
        RotaRole.objects.get_or_create(club=club, name=name, defaults={"position": position})[0]
        for position, name in enumerate(DEFAULT_ROLES, start=1)
    ]


def _clean_name(club: Club, name: str, *, role: RotaRole | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DiscussionError("Give the role a name, such as “Host”.")
    if len(name) > 60:
        raise DiscussionError("Keep the role's name to 60 characters.")
    same = club.rota_roles.filter(name__iexact=name)
    if role is not None:
        same = same.exclude(pk=role.pk)
    if same.exists():
        raise DiscussionError(f"The club already has a role called “{name}”.")
    return name


@transaction.atomic
def rota_role_add(*, club: Club, name: str) -> RotaRole:
    name = _clean_name(club, name)
    last = club.rota_roles.order_by("-position").values_list("position", flat=True).first()
    return RotaRole.objects.create(club=club, name=name, position=(last or 0) + 1)


@transaction.atomic
def rota_role_rename(*, role: RotaRole, name: str) -> RotaRole:
    role.name = _clean_name(role.club, name, role=role)
    role.save(update_fields=["name"])
    return role


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise DiscussionError("This meeting has been cancelled: its rota is closed.")
    if meeting.has_ended():
        raise DiscussionError("This meeting is over: its rota can no longer change.")


def rota_sign_up(*, meeting: Meeting, role: RotaRole, member) -> RotaSlot:
    """Take a free role at an upcoming meeting."""
    _check_open(meeting)
    if role.club_id != meeting.club_id:
        raise DiscussionError("That role belongs to another club.")
    taken = RotaSlot.objects.filter(meeting=meeting, role=role).select_related("holder").first()
    if taken is not None:
        if taken.holder_id == member.pk:
            return taken
        raise DiscussionError(
            f"{taken.holder.public_name} is already {role.name.lower()} for this meeting."
            + (" They have asked for a swap: accept it to take over." if taken.wants_swap else "")
        )
    try:
        with transaction.atomic():
            return RotaSlot.objects.create(meeting=meeting, role=role, holder=member)
    except IntegrityError:  # someone signed up between our check and our insert
        raise DiscussionError("Someone else has just taken that role.") from None


def _held_by(slot: RotaSlot, member) -> None:
    if slot.holder_id != member.pk:
        raise DiscussionError("Only the member who holds this role can do that.")


def rota_release(*, slot: RotaSlot, member) -> None:
    """The holder gives the role up; it is free for anyone to take."""
    _check_open(slot.meeting)
    _held_by(slot, member)
    slot.delete()


def rota_swap_request(*, slot: RotaSlot, member, asking: bool = True) -> RotaSlot:
    """The holder asks someone to take the role over (or withdraws the request);
    they keep it until another member accepts."""
    _check_open(slot.meeting)
    _held_by(slot, member)
    slot.swap_requested_at = timezone.now() if asking else None
    slot.save(update_fields=["swap_requested_at"])
    return slot


@transaction.atomic
def rota_swap_accept(*, slot: RotaSlot, member) -> RotaSlot:
    """Another member takes over a role whose holder asked for a swap."""
    slot = RotaSlot.objects.select_for_update().select_related("meeting", "role").get(pk=slot.pk)
    _check_open(slot.meeting)
    if slot.holder_id == member.pk:
        raise DiscussionError("You already hold this role: someone else has to accept your swap.")
    if not slot.wants_swap:
        raise DiscussionError("Nobody has asked to swap this role.")
    slot.holder = member
    slot.swap_requested_at = None
    slot.save(update_fields=["holder", "swap_requested_at"])
    return slot


def rota_release_all(*, club: Club, member) -> int:
    """A departing member's roles at upcoming meetings become free again."""
    slots = list(RotaSlot.objects.upcoming_held_by(member, club))
    for slot in slots:
        slot.delete()
    return len(slots)
