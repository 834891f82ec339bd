"""A meeting's agenda (read-only, print and edit views), its notes, and its recap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussions import permissions
from discussions.forms.agenda import AgendaForm, NotesForm
from discussions.forms.clubs import RecapForm
from discussions.models import Club, Meeting
from discussions.services import agenda as services
from discussions.services.errors import DiscussionError
from discussions.services.spoilers import is_safe_for, progress_for_meeting, progress_position
from discussions.views.base import HtmxHttpRequest
from discussions.views.common import error_response, member_post


def agenda_url(meeting: Meeting) -> str:
    return reverse(
        "discussions:agenda_detail", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )


def _agenda_context(request: HtmxHttpRequest, club: Club, meeting: Meeting, **forms) -> dict:
    agenda = services.agenda_of(meeting)
    saved = bool(agenda and agenda.body)
    is_organiser = permissions.can_organise(request.user, club)
    # Only the meeting's own section matters here, so it is the one the position is read
    # against (no query for the book's other sections).
    progress = progress_for_meeting(user=request.user, meeting=meeting)
    position = progress_position(progress, [meeting.section] if meeting.section else [])
    return {
        "club": club,
        "meeting": meeting,
        "agenda": agenda,
        "body": agenda.body if saved else services.agenda_draft(meeting=meeting),
        "is_draft": not saved,
        "is_organiser": is_organiser,
        # The agenda quotes the section's questions and threads: a member who has not
        # reached it is asked first (the spoiler gate), organisers prepare it regardless.
        "gated": not (
            is_organiser or is_safe_for(position, meeting.section) or "show" in request.GET
        ),
        "can_take_notes": permissions.can_take_notes(request.user, meeting),
        "notes_form": forms.get("notes_form")
        or NotesForm(initial={"notes": agenda.notes if agenda else ""}),
    }


def _agenda_page(request: HtmxHttpRequest, slug: str, pk: int, template: str) -> HttpResponse:
    club = permissions.club_for_member(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    return render(request, template, _agenda_context(request, club, meeting))


@login_required
@require_GET
def agenda_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting's agenda for its members, read-only (and the notes, for the note-taker)."""
    return _agenda_page(request, slug, pk, "discussions/agenda/detail.html")


@login_required
@require_GET
def agenda_print(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The agenda on its own, laid out to print on paper."""
    return _agenda_page(request, slug, pk, "discussions/agenda/print.html")


@require_http_methods(["GET", "POST"])
@member_post
def agenda_edit(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers edit the agenda; it starts as a draft from the question bank, threads and
    quotes (?rebuild starts again from a fresh draft, without saving)."""
    club = permissions.club_for_organiser(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    agenda = services.agenda_of(meeting)
    if agenda and agenda.body and "rebuild" not in request.GET:
        start = agenda.body
    else:
        start = services.agenda_draft(meeting=meeting)
    form = AgendaForm(request.POST or None, initial={"body": start})
    if request.method == "POST" and form.is_valid():
        services.agenda_save(meeting=meeting, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Agenda saved.")
        return redirect(agenda_url(meeting))
    context = {"club": club, "meeting": meeting, "form": form}
    status = 400 if form.errors else 200
    return render(request, "discussions/agenda/edit.html", context, status=status)


@require_POST
@member_post
def meeting_notes(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The note-taker saves the meeting's notes; refused notes come back as typed."""
    club = permissions.club_for_member(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    if not permissions.can_take_notes(request.user, meeting):
        raise PermissionDenied("Only the note-taker and the organisers can write the notes.")
    form = NotesForm(request.POST)
    if form.is_valid():
        services.notes_save(meeting=meeting, by=request.user, notes=form.cleaned_data["notes"])
        messages.success(request, "Notes saved.")
        return redirect(agenda_url(meeting) + "#notes")
    context = _agenda_context(request, club, meeting, notes_form=form)
    return render(request, "discussions/agenda/detail.html", context, status=400)


@require_POST
@member_post
def meeting_recap(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers publish the recap; the first time, those who went are told, and the
    organiser is offered the next nomination round."""
    club = permissions.club_for_organiser(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    form = RecapForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a recap of up to 10,000 characters.")
        return redirect(meeting)
    try:
        told = services.recap_publish(
            meeting=meeting, by=request.user, recap=form.cleaned_data["recap"]
        )
    except DiscussionError as error:
        if error.status == 403:
            return error_response(request, error)
        messages.error(request, str(error))
        return redirect(meeting)
    messages.success(
        request, "Recap published; those who went were told." if told else "Recap updated."
    )
    return redirect(meeting.get_absolute_url() + "#recap")
