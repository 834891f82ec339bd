"""Next-book polls: opening, ranking, suggesting, closing and the round-by-round count."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussions import permissions
from discussions.forms.clubs import BallotForm, PollForm, SuggestForm
from discussions.models import Ballot, Club, Poll
from discussions.models.nominations import feasibility_of
from discussions.services import polls as poll_services
from discussions.views.base import HtmxHttpRequest, render_page


@login_required
@require_http_methods(["GET", "POST"])
def poll_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        poll = poll_services.poll_create(club=club, created_by=request.user, **form.cleaned_data)
        messages.success(request, "Poll opened.")
        return redirect(poll)
    context = {"club": club, "form": form}
    return render_page(
        request, "discussions/poll_form.html", context, status=400 if form.errors else 200
    )


def _poll_context(request: HtmxHttpRequest, club: Club, poll: Poll, ballot_form=None) -> dict:
    user = request.user
    is_member = permissions.can_view_members_only(user, club)
    candidates = list(poll.candidates.select_related("book", "suggested_by"))
    panels = feasibility_of(club, [candidate.book for candidate in candidates])
    for candidate in candidates:
        candidate.panel = panels[candidate.book_id]
    current: dict[int, int] = {}
    ballot = None
    if is_member:
        ballot = Ballot.objects.filter(poll=poll, voter=user).prefetch_related("choices").first()
        if ballot:
            current = {choice.candidate_id: choice.rank for choice in ballot.choices.all()}
    closed = poll.is_closed()
    result = poll_services.poll_count(poll=poll) if poll.results_visible() else None
    return {
        "club": club,
        "poll": poll,
        "candidates": candidates,
        "is_member": is_member,
        # Ballots and RSVPs are the club's own: visiting staff see them but cannot cast them.
        "can_take_part": club.is_member(user),
        "is_organiser": permissions.can_organise(user, club),
        "closed": closed,
        "ballot": ballot,
        "ballot_form": ballot_form or BallotForm(candidates=candidates, current=current),
        "suggest_form": SuggestForm(),
        "result": result,
        "ballot_count": poll.ballots.count(),
    }


@require_GET
def poll_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for(request.user, slug)
    poll = permissions.poll_in(club, pk)
    return render_page(request, "discussions/poll_detail.html", _poll_context(request, club, poll))


@login_required
@require_POST
def poll_vote(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cast or replace a ranked ballot."""
    club = permissions.club_for_participant(request.user, slug)
    poll = permissions.poll_in(club, pk)
    if poll.is_closed():
        messages.error(request, "This poll has closed; ballots can no longer change.")
        return redirect(poll)
    candidates = list(poll.candidates.select_related("book"))
    form = BallotForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            poll_services.ballot_cast(
                poll=poll, voter=request.user, ranking=form.cleaned_data["ranking"]
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        context = _poll_context(request, club, poll, ballot_form=form)
        return render_page(
            request, "discussions/poll_detail.html", context, partial="ballot", status=400
        )
    if request.htmx:
        context = _poll_context(request, club, poll)
        context["saved"] = True
        return render_page(request, "discussions/poll_detail.html", context, partial="ballot")
    messages.success(request, "Ballot saved. You can change it until the poll closes.")
    return redirect(poll)


@login_required
@require_POST
def poll_suggest(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_member(request.user, slug)
    poll = permissions.poll_in(club, pk)
    form = SuggestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a book from the catalog.")
        return redirect(poll)
    try:
        poll_services.candidate_suggest(
            poll=poll,
            book=form.cleaned_data["book"],
            suggested_by=request.user,
            by_organiser=permissions.can_organise(request.user, club),
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, str(error.messages[0] if hasattr(error, "messages") else error))
    else:
        messages.success(request, "Book added to the poll.")
    return redirect(poll)


@login_required
@require_POST
def poll_close(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    club = permissions.club_for_organiser(request.user, slug)
    poll = permissions.poll_in(club, pk)
    poll_services.poll_close(poll=poll)
    messages.success(request, "Poll closed.")
    return redirect(poll)
