"""The club's rota: who hosts, leads, takes notes… at each upcoming meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from discussions import permissions
from discussions.forms.rota import RotaRoleForm
from discussions.models import Club, RotaSlot
from discussions.services import rota as rota_services
from discussions.services.errors import DiscussionError
from discussions.views.base import HtmxHttpRequest, render_page
from discussions.views.common import member_post

TEMPLATE = "discussions/rota/club_rota.html"
UPCOMING_SHOWN = 10


def _rota_context(request: HtmxHttpRequest, club: Club, **extra) -> dict:
    meetings = list(club.meetings.upcoming().active()[:UPCOMING_SHOWN])
    roles = list(club.rota_roles.all())
    slots = RotaSlot.objects.filter(meeting__in=meetings).select_related("holder")
    held = {(slot.meeting_id, slot.role_id): slot for slot in slots}
    for meeting in meetings:
        meeting.rota = [(role, held.get((meeting.pk, role.pk))) for role in roles]
    return {
        "club": club,
        "meetings": meetings,
        "roles": roles,
        "can_take_part": club.is_member(request.user),
        "is_organiser": permissions.can_organise(request.user, club),
        "role_form": RotaRoleForm(),
        **extra,
    }


def _render(request: HtmxHttpRequest, club: Club, *, status: int = 200, **extra) -> HttpResponse:
    context = _rota_context(request, club, **extra)
    return render_page(request, TEMPLATE, context, partial="rota", status=status)


@require_GET
def club_rota(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every upcoming meeting's roles and who holds them."""
    return _render(request, permissions.club_for(request.user, slug))


def _done(request: HtmxHttpRequest, club: Club, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _render(request, club)
    return redirect(reverse("discussions:club_rota", kwargs={"slug": club.slug}) + anchor)


@require_POST
@member_post
def rota_slot(request: HtmxHttpRequest, slug: str, pk: int, role: int) -> HttpResponse:
    """Sign up for a role, give it up, ask for or withdraw a swap, or accept one."""
    club = permissions.club_for_participant(request.user, slug)
    meeting = permissions.meeting_in(club, pk, for_display=False)
    rota_role = get_object_or_404(club.rota_roles, pk=role)
    slot = RotaSlot.objects.filter(meeting=meeting, role=rota_role).first()
    if slot is not None:
        slot.meeting, slot.role = meeting, rota_role
    action, member = request.POST.get("action", ""), request.user
    try:
        if action == "sign_up":
            rota_services.rota_sign_up(meeting=meeting, role=rota_role, member=member)
            done = f"You are {rota_role.name.lower()} for {meeting.title}."
        elif action not in {"give_up", "ask_swap", "keep", "accept_swap"}:
            raise DiscussionError("Choose sign up, give up, ask for a swap or accept a swap.")
        elif slot is None:
            raise DiscussionError("Nobody holds this role yet: sign up for it instead.")
        elif action == "give_up":
            rota_services.rota_release(slot=slot, member=member)
            done = f"You gave up {rota_role.name.lower()}; anyone can sign up for it."
        elif action in {"ask_swap", "keep"}:
            asking = action == "ask_swap"
            rota_services.rota_swap_request(slot=slot, member=member, asking=asking)
            done = (
                "Swap asked for: you keep the role until another member accepts."
                if asking
                else "You keep the role."
            )
        else:
            rota_services.rota_swap_accept(slot=slot, member=member)
            done = f"You took over {rota_role.name.lower()} for {meeting.title}."
    except DiscussionError as error:
        return _render(request, club, status=error.status, error=str(error))
    return _done(request, club, done, f"#meeting-{meeting.pk}")


@login_required
@require_POST
def rota_roles(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers add a role, or rename one (`role` names it)."""
    club = permissions.club_for_organiser(request.user, slug)
    form = RotaRoleForm(request.POST)
    role_id = request.POST.get("role", "")
    existing = get_object_or_404(club.rota_roles, pk=role_id) if role_id.isdigit() else None
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            if existing is None:
                rota_services.rota_role_add(club=club, name=name)
            else:
                rota_services.rota_role_rename(role=existing, name=name)
        except DiscussionError as error:
            form.add_error("name", str(error))
        else:
            return _done(request, club, "Roles saved.", "#roles")
    forms = {"rename_form": form, "renaming": existing} if existing else {"role_form": form}
    return _render(request, club, status=400, **forms)
