"""Club pages: directory, creation, a club's page, joining and membership management."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussions import permissions
from discussions.forms.clubs import ClubForm, JoinRequestForm
from discussions.models import Club, Invite, JoinRequest, Membership, Poll, ScheduledSection
from discussions.services import clubs as club_services
from discussions.views.base import HtmxHttpRequest, render_page


@require_GET
def club_list(request: HtmxHttpRequest) -> HttpResponse:
    """Public clubs, searchable; a search also finds the private clubs the viewer belongs to."""
    query = request.GET.get("q", "").strip()[:100]
    clubs = Club.objects.visible_to(request.user) if query else Club.objects.public()
    clubs = clubs.search(query).annotate(member_count=Count("memberships"))
    my_clubs = Club.objects.of_member(request.user).order_by("name")
    context = {"clubs": clubs[:100], "query": query, "my_clubs": my_clubs}
    return render_page(request, "discussions/club_list.html", context, partial="club-results")


@login_required
@require_http_methods(["GET", "POST"])
def club_create(request: HtmxHttpRequest) -> HttpResponse:
    """Start a club; the creator becomes its organiser."""
    form = ClubForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        club = club_services.club_create(creator=request.user, **form.cleaned_data)
        messages.success(request, f"{club.name} is ready. Schedule its first meeting.")
        return redirect(club)
    status = 400 if form.errors else 200
    return render_page(request, "discussions/club_form.html", {"form": form}, status=status)


@require_GET
def club_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _render_club(request, permissions.club_for(request.user, slug))


def _render_club(request: HtmxHttpRequest, club: Club, *, status: int = 200) -> HttpResponse:
    membership = club.membership_for(request.user)
    pending = None
    if request.user.is_authenticated and membership is None:
        pending = club.join_requests.filter(
            user=request.user, status=JoinRequest.Status.PENDING
        ).first()
    context = {
        "club": club,
        "membership": membership,
        "pending_request": pending,
        "is_organiser": permissions.can_organise(request.user, club),
        "upcoming": club.meetings.upcoming().for_listing()[:20],
        "past": club.meetings.past().for_listing()[:20],
        "members": club.memberships.select_related("user").order_by("role", "joined_at"),
        "poll": Poll.objects.filter(club=club).first(),
        "this_week": ScheduledSection.objects.next_per_read(club.reads.all(), limit=5),
        "reads": club.reads.select_related("book")[:10],
        "feed_token": permissions.feed_token(user=request.user, club=club)
        if membership and not club.is_public
        else "",
    }
    return render_page(
        request, "discussions/club_detail.html", context, partial="membership", status=status
    )


@login_required
@require_POST
def club_join(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for(request.user, slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_summary())
        return _render_club(request, club, status=400)
    result = club_services.club_join(
        club=club, user=request.user, message=form.cleaned_data["message"]
    )
    if isinstance(result, JoinRequest):
        messages.info(request, "Request sent: an organiser will review it.")
    else:
        messages.success(request, f"Welcome to {club.name}.")
    return _club_detail_or_partial(request, club)


def _club_detail_or_partial(request: HtmxHttpRequest, club: Club) -> HttpResponse:
    if request.htmx:
        return _render_club(request, club)
    return redirect(club)


@login_required
@require_POST
def club_leave(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for(request.user, slug)
    membership = club.membership_for(request.user)
    if membership is None:
        return redirect(club)
    try:
        club_services.membership_remove(membership=membership, leaving=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(club)
    messages.info(request, f"You left {club.name}.")
    # A private club vanishes for someone who has just left it.
    return redirect(club) if club.is_public else redirect("discussions:club_list")


@require_http_methods(["GET", "POST"])
def invite_accept(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    """The page an invite link opens: shows the club (even a private one) and lets you join."""
    invite = get_object_or_404(Invite.objects.select_related("club"), club__slug=slug, token=token)
    if not invite.is_active:
        raise Http404("This invite link has been revoked.")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        club_services.invite_accept(invite=invite, user=request.user)
        messages.success(request, f"Welcome to {invite.club.name}.")
        return redirect(invite.club)
    context = {
        "invite": invite,
        "club": invite.club,
        "is_member": invite.club.is_member(request.user),
    }
    return render_page(request, "discussions/invite.html", context)


@login_required
@require_GET
def club_manage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers' page: pending requests, roles, invite links."""
    return _render_manage(request, permissions.club_for_organiser(request.user, slug))


def _render_manage(request: HtmxHttpRequest, club: Club) -> HttpResponse:
    members = list(club.memberships.select_related("user").order_by("role", "joined_at"))
    context = {
        "club": club,
        "requests": club.join_requests.filter(status=JoinRequest.Status.PENDING).select_related(
            "user"
        ),
        "members": members,
        # The last organiser can neither step down nor be removed: offer neither.
        "sole_organiser_id": Membership.sole_organiser_id(members),
        "can_hand_over": permissions.can_hand_over(request.user, club),
        "invites": club.invites.filter(revoked_at__isnull=True),
        "invite_base_url": settings.SITE_URL.rstrip("/"),
    }
    return render_page(request, "discussions/club_manage.html", context, partial="manage")


@login_required
@require_POST
def join_request_decide(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    join_request = get_object_or_404(club.join_requests, pk=pk)
    approve = request.POST.get("decision") == "approve"
    club_services.join_request_decide(join_request=join_request, approve=approve)
    return _manage_or_partial(request, club)


@login_required
@require_POST
def membership_role(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Promote to organiser or demote to member."""
    club = permissions.club_for_organiser(request.user, slug)
    membership = get_object_or_404(club.memberships, pk=pk)
    try:
        club_services.membership_set_role(membership=membership, role=request.POST.get("role", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _manage_or_partial(request, club)


@login_required
@require_POST
def membership_remove(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    membership = get_object_or_404(club.memberships, pk=pk)
    try:
        club_services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _manage_or_partial(request, club)


@login_required
@require_POST
def membership_owner(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The owner hands the club over to another member."""
    club = permissions.club_for_owner(request.user, slug)
    membership = get_object_or_404(club.memberships.select_related("user"), pk=pk)
    try:
        club_services.club_hand_over(club=club, to=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.public_name} now owns {club.name}.")
    return _manage_or_partial(request, club)


@login_required
@require_POST
def invite_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    club_services.invite_create(club=club, created_by=request.user)
    return _manage_or_partial(request, club)


@login_required
@require_POST
def invite_revoke(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    club_services.invite_revoke(invite=get_object_or_404(club.invites, pk=pk))
    return _manage_or_partial(request, club)


@login_required
@require_POST
def club_two_factor(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Ask (or stop asking) the organisers of a private club for two-factor authentication."""
    club = permissions.club_for_organiser(request.user, slug)
    try:
        club_services.club_require_two_factor(
            club=club, organiser=request.user, required=request.POST.get("required") == "yes"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _manage_or_partial(request, club)


def _manage_or_partial(request: HtmxHttpRequest, club: Club) -> HttpResponse:
    if request.htmx:
        return _render_manage(request, club)
    return redirect("discussions:club_manage", slug=club.slug)
