"""Nominations: members put books forward and second each other's; organisers send the
shortlist to a ranked-choice poll."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from discussions import permissions
from discussions.forms.nominations import BallotOpenForm, NominationForm, ReadingSettingsForm
from discussions.models import Club, Nomination
from discussions.models.nominations import feasibility_of
from discussions.services import nominations as nomination_services
from discussions.services.errors import DiscussionError
from discussions.views.base import HtmxHttpRequest, render_page
from discussions.views.common import member_post

TEMPLATE = "discussions/nominations/nominations.html"


def _context(request: HtmxHttpRequest, club: Club, **forms) -> dict:
    user = request.user
    nominations = list(Nomination.objects.open_in(club).with_viewer_seconds(user))
    panels = feasibility_of(club, [nomination.book for nomination in nominations])
    for nomination in nominations:
        nomination.panel = panels[nomination.book_id]
        nomination.shortlisted = nomination.seconds_count >= club.seconds_needed
    is_organiser = permissions.can_organise(user, club)
    return {
        "club": club,
        "nominations": nominations,
        "shortlist_count": sum(n.shortlisted for n in nominations),
        "my_count": sum(n.nominated_by_id == user.pk for n in nominations),
        "can_take_part": club.is_member(user),
        "is_organiser": is_organiser,
        "latest_poll": club.polls.filter(nominations__isnull=False).distinct().first(),
        "nomination_form": forms.get("nomination_form") or NominationForm(),
        "settings_form": forms.get("settings_form") or ReadingSettingsForm.for_club(club),
        "ballot_form": forms.get("ballot_form") or BallotOpenForm(),
        "error": forms.get("error", ""),
    }


def _render(request: HtmxHttpRequest, club: Club, *, status: int = 200, **forms) -> HttpResponse:
    context = _context(request, club, **forms)
    return render_page(request, TEMPLATE, context, partial="nominations", status=status)


def _done(request: HtmxHttpRequest, club: Club) -> HttpResponse:
    if request.htmx:
        return _render(request, club)
    return redirect("discussions:nominations", slug=club.slug)


@require_GET
def nominations(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The open nominations, each with its feasibility panel, and the forms to add more."""
    return _render(request, permissions.club_for_viewer(request.user, slug))


@require_POST
@member_post
def nomination_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for_participant(request.user, slug)
    form = NominationForm(request.POST)
    if form.is_valid():
        book = form.cleaned_data["book"]
        try:
            nomination_services.nomination_create(club=club, book=book, member=request.user)
        except DiscussionError as error:
            form.add_error("book", str(error))
        else:
            messages.success(request, f"You nominated {book.title}.")
            warning = nomination_services.series_warning(club=club, book=book)
            if warning:
                messages.warning(request, warning)
            return _done(request, club)
    return _render(request, club, status=400, nomination_form=form)


def _nomination(club: Club, pk: int) -> Nomination:
    return get_object_or_404(Nomination.objects.select_related("book"), club=club, pk=pk)


@require_POST
@member_post
def nomination_second(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_participant(request.user, slug)
    nomination = _nomination(club, pk)
    try:
        nomination_services.nomination_second(nomination=nomination, member=request.user)
    except DiscussionError as error:
        return _render(request, club, status=error.status, error=str(error))
    messages.success(request, f"You seconded {nomination.book.title}.")
    return _done(request, club)


@require_POST
@member_post
def nomination_withdraw(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The member who nominated a book, or an organiser, takes it off the list."""
    club = permissions.club_for(request.user, slug)
    nomination = _nomination(club, pk)
    by_organiser = permissions.can_organise(request.user, club)
    try:
        nomination_services.nomination_withdraw(
            nomination=nomination, member=request.user, by_organiser=by_organiser
        )
    except DiscussionError as error:
        return _render(request, club, status=error.status, error=str(error))
    messages.success(request, f"{nomination.book.title} is no longer nominated.")
    return _done(request, club)


@login_required
@require_POST
def nomination_settings(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers set the quota, the seconds needed and the club's reading pace."""
    club = permissions.club_for_organiser(request.user, slug)
    form = ReadingSettingsForm(request.POST)
    if not form.is_valid():
        return _render(request, club, status=400, settings_form=form)
    nomination_services.club_reading_settings_update(club=club, **form.cleaned_data)
    messages.success(request, "Nomination settings saved.")
    return _done(request, club)


@login_required
@require_POST
def nomination_ballot(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers open the ranked-choice vote on the shortlisted nominations."""
    club = permissions.club_for_organiser(request.user, slug)
    form = BallotOpenForm(request.POST)
    if form.is_valid():
        try:
            poll = nomination_services.nominations_to_ballot(
                club=club, created_by=request.user, **form.cleaned_data
            )
        except DiscussionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The vote is open: results are shown when it closes.")
            return redirect(poll)
    return _render(request, club, status=400, ballot_form=form)
