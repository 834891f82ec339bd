"""Writes for clubs: creating, joining, approving, promoting, removing."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from discussions.models import RSVP, Club, Invite, JoinRequest, Meeting, Membership, RotaSlot
from discussions.services.notifications import notify_join_decision, notify_join_request
from discussions.services.rota import rota_release_all, rota_roles_create_defaults


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "club"
    slug, number = base, 2
    while Club.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def club_create(
    *,
    creator,
    name: str,
    description: str = "",
    visibility: str = Club.Visibility.PUBLIC,
    join_policy: str = Club.JoinPolicy.OPEN,
    slug: str = "",
) -> Club:
    """Create a club; its creator becomes its owner and first organiser."""
    club = Club.objects.create(
        name=name,
        slug=slug or _unique_slug(name),
        description=description,
        visibility=visibility,
        join_policy=join_policy,
        owner=creator,
    )
    Membership.objects.create(club=club, user=creator, role=Membership.Role.ORGANISER)
    rota_roles_create_defaults(club=club)
    return club


def _add_member(club: Club, user) -> Membership:
    membership, _ = Membership.objects.get_or_create(club=club, user=user)
    return membership


@transaction.atomic
def club_join(*, club: Club, user, message: str = "") -> Membership | JoinRequest:
    """Join an open club, or queue a request for a by-request club."""
    existing = club.membership_for(user)
    if existing:
        return existing
    if club.join_policy == Club.JoinPolicy.OPEN:
        return _add_member(club, user)
    if club.join_policy == Club.JoinPolicy.REQUEST:
        pending = club.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()
        if pending:
            return pending
        try:
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    club=club, user=user, message=message[:300]
                )
        except IntegrityError:  # a double click raced us; the first request stands
            return club.join_requests.get(user=user, status=JoinRequest.Status.PENDING)
        notify_join_request(join_request=join_request)
        return join_request
    raise PermissionDenied("This club is invitation only: ask an organiser for an invite link.")


@transaction.atomic
def invite_accept(*, invite: Invite, user) -> Membership:
    if not invite.is_active:
        raise PermissionDenied("This invite link has been revoked.")
    return _add_member(invite.club, user)


def invite_create(*, club: Club, created_by) -> Invite:
    return Invite.objects.create(club=club, created_by=created_by)


def invite_revoke(*, invite: Invite) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite


def invites_prune(*, now=None) -> int:
    """Delete invites revoked more than REVOKED_INVITE_RETENTION_DAYS ago: their links
    stopped working when they were revoked, and the club's page has no use for them."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REVOKED_INVITE_RETENTION_DAYS)
    deleted, _ = Invite.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """Approve (adding the member) or decline a pending request."""
    request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if request.status != JoinRequest.Status.PENDING:
        return request
    request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if approve:
        _add_member(request.club, request.user)
    notify_join_decision(join_request=request, approved=approve)
    return request


def _check_not_owner(membership: Membership, doing: str) -> None:
    if membership.club.owner_id == membership.user_id:
        raise ValidationError(
            f"{membership.user.public_name} owns this club: hand ownership to another member "
            f"before they {doing}."
        )


def _check_keeps_an_organiser(membership: Membership) -> None:
    if not membership.is_organiser:
        return
    others = membership.club.memberships.filter(role=Membership.Role.ORGANISER).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError("A club needs at least one organiser: promote someone else first.")


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    """Promote to organiser or demote to member; the last organiser cannot step down."""
    if role not in Membership.Role.values:
        raise ValidationError("Unknown role.")
    # Lock the club's organiser rows so two demotions cannot leave it with none.
    list(membership.club.memberships.select_for_update().filter(role=Membership.Role.ORGANISER))
    if role == Membership.Role.MEMBER:
        _check_not_owner(membership, "step down")
        _check_keeps_an_organiser(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def _check_roles_handed_over(membership: Membership) -> None:
    """An organiser leaving hands their rota roles over first: members count on them."""
    held = list(RotaSlot.objects.upcoming_held_by(membership.user, membership.club))
    if membership.is_organiser and held:
        roles = "; ".join(f"{slot.role.name} at “{slot.meeting.title}”" for slot in held)
        raise ValidationError(
            f"Hand over your rota roles before you leave ({roles}): ask for a swap or give "
            "them up on the meeting's rota."
        )


@transaction.atomic
def membership_remove(*, membership: Membership, leaving: bool = False) -> None:
    """Remove a member (or let them leave); never the owner nor the last organiser.
    An organiser who leaves hands over their rota roles first.

    Their seats at upcoming meetings go to the waitlist, their rota roles become free.
    """
    from discussions.services.rsvps import rsvp_set

    list(membership.club.memberships.select_for_update().filter(role=Membership.Role.ORGANISER))
    _check_not_owner(membership, "leave")
    _check_keeps_an_organiser(membership)
    if leaving:
        _check_roles_handed_over(membership)
    rota_release_all(club=membership.club, member=membership.user)
    upcoming = (
        RSVP.objects.filter(
            user=membership.user,
            meeting__club=membership.club,
            meeting__in=Meeting.objects.upcoming().active(),
        )
        .exclude(response=RSVP.Response.NOT_GOING)
        .select_related("meeting__club")
    )
    for rsvp in upcoming:
        rsvp_set(meeting=rsvp.meeting, user=membership.user, response=RSVP.Response.NOT_GOING)
    membership.delete()


@transaction.atomic
def club_hand_over(*, club: Club, to: Membership) -> Club:
    """Make another member the owner; they become an organiser, the old owner stays one."""
    if to.club_id != club.pk:
        raise ValidationError("That member belongs to another club.")
    if club.owner_id == to.user_id:
        return club
    if not to.user.is_active:
        raise ValidationError("That account is closed: hand the club to an active member.")
    if not to.is_organiser:
        to.role = Membership.Role.ORGANISER
        to.save(update_fields=["role"])
    club.owner = to.user
    club.save(update_fields=["owner"])
    return club


def club_require_two_factor(*, club: Club, organiser, required: bool) -> Club:
    """Private clubs may ask their organisers for two-factor authentication. The organiser
    who turns it on must have it already, or they would lock themselves out."""
    if required and club.is_public:
        raise ValidationError("Only private clubs can ask this of their organisers.")
    if required and not organiser.has_two_factor:
        raise ValidationError(
            "Turn on two-factor authentication for yourself first (Profile, Account security)."
        )
    club.organisers_need_two_factor = required
    club.save(update_fields=["organisers_need_two_factor"])
    return club
