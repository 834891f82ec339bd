"""Club read pages: starting a read, its schedule, progress, following, catch-up, print."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bookclub.cache import versions
from bookclub.http import public_page
from catalog.models import Book
from discussions import permissions
from discussions.forms.reads import FollowForm, ReadForm, ReadProgressForm, ScheduleForm
from discussions.models import ClubRead, Meeting, ReadFollow
from discussions.services import meetings as meeting_services
from discussions.services import reads as read_services
from discussions.services.polls import poll_count
from discussions.viewer import read_viewer
from discussions.views.base import HtmxHttpRequest, render_page
from discussions.views.common import member_post

PAGE = "discussions/reads/read_detail.html"


def _winner_of(club, poll_id: str):
    """A closed poll's winning book, and the poll (None, None: no such poll or no winner)."""
    if not poll_id.isdigit():
        return None, None
    poll = club.polls.filter(pk=poll_id).first()
    if poll is None or not poll.is_closed():
        return None, None
    winner = poll_count(poll=poll).winner
    return (winner.book, poll) if winner else (None, None)


@login_required
@require_http_methods(["GET", "POST"])
def read_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Organisers start a read: ?poll=<id> takes a closed poll's winner, ?book=<id> a book."""
    club = permissions.club_for_organiser(request.user, slug)
    book, poll = _winner_of(club, request.GET.get("poll", ""))
    book_id = request.GET.get("book", "")
    if book is None and book_id.isdigit():
        book = Book.objects.filter(pk=book_id).first()
    initial = {"book": book, "starts_on": timezone.localdate()}
    form = ReadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        read = read_services.read_create(
            club=club, created_by=request.user, poll=poll, **form.cleaned_data
        )
        messages.success(request, "Read started. Add its sections and their due dates.")
        return redirect(read)
    context = {"club": club, "form": form, "poll": poll}
    status = 400 if form.errors else 200
    return render_page(request, "discussions/reads/read_form.html", context, status=status)


def read_versions(request, slug: str, pk: int) -> dict:
    """The read page shows the club's schedule and meetings, the catalog (its book), and
    "this week", which moves with the day."""
    return versions(clubs="clubs", catalog="catalog") | {"day": str(timezone.localdate())}


def _due(scheduled):
    return (scheduled.due_on, scheduled.section.position)


def _read_context(request: HtmxHttpRequest, club, read: ClubRead) -> dict:
    viewer = read_viewer(read, club, request.user)
    schedule = list(read.schedule.in_order())
    sections = [scheduled.section for scheduled in schedule]
    today = timezone.localdate()
    return {
        **viewer,
        "club": club,
        "read": read,
        "versions": read_versions(request, club.slug, read.pk),
        "today": today,
        "schedule": schedule,
        "this_week": min((s for s in schedule if s.due_on >= today), key=_due, default=None),
        "meetings": Meeting.objects.filter(club=club, book_id=read.book_id)
        .select_related("section")
        .order_by("starts_at"),
        "progress_form": ReadProgressForm(
            read=read, sections=sections, initial=ReadProgressForm.initial_for(viewer["progress"])
        ),
        "schedule_form": ScheduleForm(book=read.book),
        "follow_form": FollowForm(
            initial={"digest": viewer["follow"].digest} if viewer["follow"] else None
        ),
    }


def _read_for(request, slug: str, pk: int, *, who=permissions.club_for):
    club = who(request.user, slug)
    return club, permissions.read_in(club, pk)


def _saved_or_shown_again(request, club, read, form, *, save, saved: str, name: str):
    """Save a valid form with `save()`; otherwise (or when the service refuses) the page
    again with the form's errors, as a 400, keeping everything the member typed. htmx gets
    the form's own part of the page (its partial, named like its anchor)."""
    partial = {"schedule_form": "schedule", "progress_form": "progress"}[name]
    if form.is_valid():
        try:
            save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, saved)
            if not request.htmx:
                return redirect(f"{read.get_absolute_url()}#{partial}")
            context = _read_context(request, club, read)
            return render_page(request, PAGE, context, partial=partial)
    context = _read_context(request, club, read) | {name: form}
    return render_page(request, PAGE, context, partial=partial, status=400)


@require_GET
@vary_on_headers("HX-Request")
@public_page(read_versions)
def read_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A club read: this week's section, the dated schedule, meetings, your progress."""
    club, read = _read_for(request, slug, pk)
    return render_page(request, PAGE, _read_context(request, club, read))


@require_GET
def read_print(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The schedule on one printable page."""
    club, read = _read_for(request, slug, pk)
    context = {"club": club, "read": read, "schedule": list(read.schedule.in_order())}
    return render_page(request, "discussions/reads/read_print.html", context)


@login_required
@require_POST
def schedule_add(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers add a section and its due date; a refusal keeps what they typed."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_organiser)
    form = ScheduleForm(request.POST, book=read.book)
    save = lambda: read_services.schedule_add(read=read, **form.schedule_fields())  # noqa: E731
    return _saved_or_shown_again(
        request, club, read, form, save=save, saved="Section added.", name="schedule_form"
    )


@login_required
@require_POST
def read_shift(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers move the rest of the schedule a week later; followers are emailed."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_organiser)
    moved = read_services.read_shift(read=read, weeks=1)
    if moved:
        messages.success(
            request, f"{moved} sections moved a week later; members who follow the read were told."
        )
    else:
        messages.info(request, "No sections are still to come, so nothing moved.")
    return redirect(read.get_absolute_url() + "#schedule")


@require_POST
@member_post
def read_progress(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A member records how far they have read, in the format they read it in."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_member)
    sections = [s.section for s in read.schedule.in_order()]
    form = ReadProgressForm(request.POST, read=read, sections=sections)
    user = request.user
    save = lambda: meeting_services.progress_record(  # noqa: E731
        user=user, book=read.book, **form.progress_fields()
    )
    return _saved_or_shown_again(
        request, club, read, form, save=save, saved="Progress saved.", name="progress_form"
    )


@login_required
@require_POST
def read_follow(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Follow the read (schedule news, a digest if chosen), or stop."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_member)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_summary())
        return redirect(read.get_absolute_url() + "#follow")
    if form.cleaned_data["action"] == "unfollow":
        read_services.read_unfollow(read=read, user=request.user)
        messages.success(request, "You no longer follow this read.")
    else:
        read_services.read_follow(read=read, user=request.user, digest=form.cleaned_data["digest"])
        messages.success(request, "You follow this read.")
    return redirect(read.get_absolute_url() + "#follow")


@login_required
@require_GET
def read_catch_up(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """What of the read's discussion is safe for you, and what is new since you caught up."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_member)
    follow = ReadFollow.objects.filter(read=read, user=request.user).first()
    since = follow.caught_up_at if follow else None
    catch_up = read_services.catch_up_build(read=read, user=request.user, since=since)
    context = {"club": club, "read": read, "catch_up": catch_up, "follow": follow}
    return render_page(request, "discussions/reads/catch_up.html", context)


@login_required
@require_POST
def read_caught_up(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark everything so far as seen."""
    club, read = _read_for(request, slug, pk, who=permissions.club_for_member)
    read_services.read_caught_up(read=read, user=request.user)
    messages.success(request, "You are caught up: next time, new posts start from here.")
    return redirect(read.get_absolute_url() + "catch-up/")
