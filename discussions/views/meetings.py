"""Meeting pages: scheduling, the meeting itself, RSVPs, progress, recaps, .ics download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bookclub.cache import page_versions
from bookclub.http import public_page
from catalog.models import Book
from discussions import calendars, permissions, structured_data
from discussions.cache import meeting_version, questions_version
from discussions.forms.clubs import MeetingForm, ProgressForm, RecapForm, RSVPForm, SectionForm
from discussions.forms.community import MeetingCommentForm
from discussions.models import RSVP, Club, Meeting, Question, Thread
from discussions.selectors import meeting_thread_context, shared_meeting
from discussions.services import comments as comment_services
from discussions.services import meetings as meeting_services
from discussions.services import questions as question_services
from discussions.services import rsvps as rsvp_services
from discussions.services.agenda import recap_draft
from discussions.services.errors import DiscussionError, NotAllowed
from discussions.viewer import meeting_viewer
from discussions.views.agenda import agenda_url
from discussions.views.base import HtmxHttpRequest, render_page
from discussions.views.common import error_response, member_post, page_number, thread_part
from discussions.views.questions import bank_url

THREAD = "discussions/_thread.html"
MEETING_QUESTIONS = 5


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers schedule a meeting (?book=<id> preselects a poll's winner)."""
    club = permissions.club_for_organiser(request.user, slug)
    # Clubs usually meet in one place: start from the zone of their latest meeting.
    last_zone = club.meetings.order_by("-created_at").values_list("time_zone", flat=True).first()
    initial = {"time_zone": last_zone or request.user.time_zone or "UTC"}
    book_id = request.GET.get("book", "")
    if book_id.isdigit() and (book := Book.objects.filter(pk=book_id).first()):
        initial.update(book=book, title=f"Discussion: {book.title}")
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = meeting_services.meeting_create(
            club=club, created_by=request.user, **form.meeting_fields()
        )
        messages.success(request, "Meeting scheduled.")
        return redirect(meeting)
    context = {"club": club, "form": form, "meeting": None}
    return render_page(
        request, "discussions/meeting_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers change a meeting; everyone who RSVPed is emailed what changed."""
    club = permissions.club_for_organiser(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            changes = meeting_services.meeting_update(meeting=meeting, **form.meeting_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            note = f" Members who RSVPed were told: {', '.join(changes)}." if changes else ""
            messages.success(request, f"Meeting saved.{note}")
            return redirect(meeting)
    context = {"club": club, "form": form, "meeting": meeting}
    return render_page(
        request, "discussions/meeting_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def meeting_status(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cancel or postpone."""
    club = permissions.club_for_organiser(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    action = request.POST.get("action")
    if action == "cancel":
        meeting_services.meeting_cancel(meeting=meeting)
        messages.info(request, "Meeting cancelled; members who RSVPed were emailed.")
    elif action == "postpone":
        meeting_services.meeting_postpone(meeting=meeting)
        messages.info(request, "Meeting postponed; edit its times to reschedule it.")
    else:
        return HttpResponse("Unknown action: use cancel or postpone.", status=400)
    return redirect(meeting)


def meeting_versions(request, slug: str, pk: int) -> dict:
    """What the meeting page shows: clubs and meetings, this meeting's RSVPs and discussion,
    the catalog (its book) and members' public names."""
    return page_versions(
        request.user,
        clubs="clubs",
        meeting=meeting_version(pk),
        catalog="catalog",
        people="people",
        questions=questions_version(slug),
    )


def _meeting_questions(meeting: Meeting, club: Club, user, progress) -> list:
    """The top open questions of the meeting's section (of the whole book if it has none),
    spoiler-gated for this reader."""
    questions = list(
        Question.objects.live()
        .of_book(club=club, book_id=meeting.book_id)
        .filter(section_id=meeting.section_id)
        .in_bank_order()[:MEETING_QUESTIONS]
    )
    for question in questions:
        question.club = club
    question_services.questions_spoilers_mark(
        questions=questions, user=user, reader_progress=progress
    )
    return questions


def _recap_form(meeting: Meeting, viewer: dict) -> RecapForm | None:
    """The recap form for an organiser once the meeting has ended: the published recap,
    or a draft from the agenda and the notes."""
    if not (viewer["is_organiser"] and meeting.has_ended()):
        return None
    return RecapForm(initial={"recap": meeting.recap or recap_draft(meeting=meeting)})


def _meeting_context(
    request: HtmxHttpRequest, club: Club, meeting: Meeting, *, with_thread: bool = False
) -> dict:
    user = request.user
    shown = meeting_versions(request, club.slug, meeting.pk)
    viewer = meeting_viewer(meeting, club, user, known=shown)
    progress = viewer["progress"]
    shared = shared_meeting(meeting, versions=shown)
    rsvps, sections = shared["rsvps"], shared["sections"]
    going = [r for r in rsvps if r.response == RSVP.Response.GOING]
    progress_initial = (
        {"section": progress.section_id, "page": progress.page, "percent": progress.percent}
        if progress
        else None
    )
    thread = (
        meeting_thread_context(
            meeting,
            user=user,
            version=shown["meeting"],
            sort=request.GET.get("sort", "newest"),
            page=page_number(request),
            reader_progress=progress,
            sections=sections,
            known=shown,
            thread=shared["thread"],
        )
        if with_thread
        else {}
    )
    return {
        **thread,
        **viewer,
        "versions": shown,
        "club": club,
        "meeting": meeting,
        "going": going,
        "waitlist": [r for r in rsvps if r.response == RSVP.Response.WAITLISTED],
        "maybe": [r for r in rsvps if r.response == RSVP.Response.MAYBE],
        "seats_left": None if meeting.capacity is None else max(meeting.capacity - len(going), 0),
        "rsvp_form": RSVPForm(),
        "progress_form": ProgressForm(
            book=meeting.book, initial=progress_initial, sections=sections
        ),
        "sections": sections,
        "meeting_questions": _meeting_questions(meeting, club, user, progress),
        "question_bank_url": bank_url(club, meeting.book),
        "section_form": SectionForm(),
        "recap_form": _recap_form(meeting, viewer),
        "agenda_url": agenda_url(meeting),
        "has_ended": meeting.has_ended(),
        "json_ld": structured_data.meeting_json_ld(meeting, members_view=viewer["is_member"]),
    }


@require_GET
@vary_on_headers("HX-Request")
@public_page(meeting_versions, params=("sort", "page"))
def meeting_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting page, with its discussion (htmx sort and "load more" get the thread only)."""
    club = permissions.club_for(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    context = _meeting_context(request, club, meeting, with_thread=True)
    return thread_part(request, context) or render_page(
        request, "discussions/meeting_detail.html", context
    )


@require_POST
@member_post
def meeting_comment_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A top-level comment in the meeting's thread (the first one creates the thread)."""
    from discussions.views.threads import comment_posted

    club = permissions.club_for(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    refusal = Thread(meeting=meeting).post_check(request.user)
    if refusal:
        return error_response(request, NotAllowed(refusal))
    form = MeetingCommentForm(request.POST, book_id=meeting.book_id)
    if not form.is_valid():
        context = _meeting_context(request, club, meeting, with_thread=True)
        context["comment_form"] = form
        template = f"{THREAD}#comment-form" if request.htmx else "discussions/meeting_detail.html"
        return render(request, template, context, status=400)
    thread = comment_services.thread_for_meeting(meeting=meeting)
    try:
        comment = comment_services.comment_create(
            thread=thread,
            author=request.user,
            body=form.cleaned_data["body"],
            section=form.cleaned_data["section"],
        )
    except DiscussionError as error:
        return error_response(request, error)
    return comment_posted(request, comment)


@login_required
@require_POST
def meeting_rsvp(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Going / maybe / can't go; "going" to a full meeting joins the waitlist."""
    club = permissions.club_for_participant(request.user, slug)
    meeting = permissions.meeting_in(club, pk, for_display=bool(request.htmx))
    form = RSVPForm(request.POST)
    status = 200
    if not form.is_valid():
        status = 400
        messages.error(request, "Choose going, maybe or can't go.")
    else:
        try:
            rsvp = rsvp_services.rsvp_set(
                meeting=meeting, user=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            status = 400
            messages.error(request, " ".join(error.messages))
        else:
            if rsvp.response == RSVP.Response.WAITLISTED:
                messages.info(
                    request,
                    f"The meeting is full: you are #{rsvp.waitlist_position} "
                    "on the waitlist and will get the next free seat.",
                )
    if not request.htmx:
        return redirect(meeting)
    meeting.refresh_from_db()
    context = _meeting_context(request, club, meeting)
    return render_page(
        request, "discussions/meeting_detail.html", context, partial="rsvp", status=status
    )


@login_required
@require_POST
def meeting_progress(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A member records how far they have read the meeting's book."""
    club = permissions.club_for_member(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    form = ProgressForm(request.POST, book=meeting.book)
    status = 200
    if form.is_valid():
        meeting_services.progress_record(user=request.user, book=meeting.book, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, "Progress saved.")
            return redirect(meeting)
    else:
        status = 400
    context = _meeting_context(request, club, meeting)
    context["progress_form"] = form if status == 400 else context["progress_form"]
    return render_page(
        request, "discussions/meeting_detail.html", context, partial="progress", status=status
    )


@login_required
@require_POST
def section_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers define the book's reading sections (for progress and spoiler tags)."""
    club = permissions.club_for_organiser(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.section_add(book=meeting.book, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, form.error_summary())
    return redirect(meeting.get_absolute_url() + "#progress")


@require_GET
def meeting_ics(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting as an .ics file to add to any calendar."""
    club = permissions.club_for(request.user, slug)
    meeting = permissions.meeting_in(club, pk)
    body = calendars.meeting_calendar(
        meeting, members_view=permissions.can_view_members_only(request.user, club)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{club.slug}-meeting-{meeting.pk}.ics"'
    return response
