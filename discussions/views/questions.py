"""The question bank: a club's discussion questions about a book, per reading section."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from discussions import permissions
from discussions.forms.questions import QuestionForm
from discussions.models import Club, Question
from discussions.services import questions as services
from discussions.services.errors import DiscussionError
from discussions.viewer import question_viewer
from discussions.views.base import HtmxHttpRequest, render_page
from discussions.views.common import error_response, member_post, thread_part
from discussions.views.threads import thread_page_context

BANK = "discussions/questions/bank.html"
ORGANISER_ACTIONS = ("pin", "unpin", "up", "down", "retire", "restore")


def _back(request: HtmxHttpRequest, fallback: str) -> str:
    """Where a plain form post returns to: the page it came from, if it is ours."""
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback


def bank_url(club: Club, book) -> str:
    from django.urls import reverse

    return reverse("discussions:question_bank", kwargs={"slug": club.slug, "book_slug": book.slug})


def _groups(questions: list[Question], sections: list) -> list[dict]:
    """The questions under each section in reading order (the whole book's first), open
    ones (and deleted ones' tombstones, which keep their answers) apart from retired."""
    groups = [{"key": "book", "title": "The whole book", "section": None}]
    groups += [{"key": s.pk, "title": s.title, "section": s} for s in sections]
    for group in groups:
        section_id = group["section"].pk if group["section"] else None
        mine = [q for q in questions if q.section_id == section_id]
        group["open"] = [q for q in mine if not q.is_retired]
        group["retired"] = [q for q in mine if q.is_retired]
    return groups


def _bank_context(request: HtmxHttpRequest, club: Club, book, form=None) -> dict:
    sections = list(book.sections.all())
    viewer = question_viewer(club, book.pk, request.user)
    questions = list(Question.objects.of_book(club=club, book_id=book.pk).in_bank_order())
    for question in questions:
        question.club = club
    services.questions_spoilers_mark(
        questions=questions, user=request.user, reader_progress=viewer["progress"]
    )
    initial = {"section": request.GET.get("section")} if request.GET.get("section") else None
    return {
        **viewer,
        "club": club,
        "book": book,
        "groups": _groups(questions, sections),
        "form": form or QuestionForm(book_id=book.pk, sections=sections, initial=initial),
        "back": request.get_full_path(),
    }


@require_GET
def question_bank(request: HtmxHttpRequest, slug: str, book_slug: str) -> HttpResponse:
    """Every question the club has about a book, section by section."""
    club = permissions.club_for(request.user, slug)
    book = permissions.book_discussed_by(club, book_slug)
    return render_page(request, BANK, _bank_context(request, club, book))


@require_POST
@member_post
def question_create(request: HtmxHttpRequest, slug: str, book_slug: str) -> HttpResponse:
    """A member proposes a question; a refused one comes back with its text kept."""
    club = permissions.club_for_member(request.user, slug)
    book = permissions.book_discussed_by(club, book_slug)
    form = QuestionForm(request.POST, book_id=book.pk)
    if form.is_valid():
        try:
            question = services.question_create(
                club=club, book=book, author=request.user, **form.cleaned_data
            )
        except DiscussionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Question added.")
            return redirect(f"{bank_url(club, book)}#question-{question.pk}")
    return render(request, BANK, _bank_context(request, club, book, form=form), status=400)


def _card_response(request: HtmxHttpRequest, club: Club, question: Question) -> HttpResponse:
    """The question's card afresh (htmx), with the reader's vote on it."""
    question = Question.objects.in_club(club, question.pk)
    viewer = question_viewer(club, question.book_id, request.user)
    services.questions_spoilers_mark(
        questions=[question], user=request.user, reader_progress=viewer["progress"]
    )
    back = request.htmx.current_url_abs_path or question.get_absolute_url()
    context = {**viewer, "club": club, "question": question, "back": back}
    return render(request, f"{BANK}#question-card", context)


@require_POST
@member_post
def question_vote(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Upvote a question, or take the vote back (vote=0)."""
    club = permissions.club_for_member(request.user, slug)
    question = permissions.question_in(club, pk)
    try:
        services.question_vote(
            question=question, user=request.user, vote=request.POST.get("vote") != "0"
        )
    except DiscussionError as error:
        return error_response(request, error)
    if request.htmx:
        return _card_response(request, club, question)
    return redirect(_back(request, question.get_absolute_url()))


@require_POST
@member_post
def question_organise(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Organisers pin, unpin, move up or down, retire or bring back a question."""
    club = permissions.club_for_organiser(request.user, slug)
    question = permissions.question_in(club, pk)
    action = request.POST.get("action", "")
    if action not in ORGANISER_ACTIONS:
        return error_response(request, DiscussionError("Choose pin, move, retire or restore."))
    user = request.user
    try:
        if action in ("pin", "unpin"):
            services.question_pin(question=question, by=user, pinned=action == "pin")
        elif action in ("retire", "restore"):
            services.question_retire(question=question, by=user, retired=action == "retire")
        else:
            services.question_move(question=question, by=user, direction=action)
    except DiscussionError as error:
        return error_response(request, error)
    return redirect(_back(request, f"{bank_url(club, question.book)}#question-{question.pk}"))


@require_http_methods(["GET", "POST"])
@member_post
def question_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (a question with answers leaves a tombstone)."""
    club = permissions.club_for(request.user, slug)
    question = permissions.question_in(club, pk)
    if request.method == "GET":
        if not question.can_delete(request.user):
            return error_response(request, DiscussionError("You cannot delete this question."))
        return render(request, "discussions/questions/delete.html", {"question": question})
    try:
        remaining = services.question_delete(question=question, user=request.user)
    except DiscussionError as error:
        return error_response(request, error)
    messages.success(
        request, "Question deleted; its answers stay." if remaining else "Question deleted."
    )
    return redirect(bank_url(club, question.book))


@require_GET
@vary_on_headers("HX-Request")
def question_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A question and its answers (htmx sort and "load more" get the answers only)."""
    club = permissions.club_for(request.user, slug)
    question = permissions.question_in(club, pk)
    viewer = question_viewer(club, question.book_id, request.user)
    progress = viewer["progress"]
    services.questions_spoilers_mark(
        questions=[question], user=request.user, reader_progress=progress
    )
    thread = question.thread
    thread.question = question
    context = {
        **thread_page_context(request, thread),
        **viewer,
        "club": club,
        "question": question,
        "book": question.book,
        "bank_url": bank_url(club, question.book),
        "back": request.get_full_path(),
        "thread_url": question.get_absolute_url(),
    }
    return thread_part(request, context) or render(
        request, "discussions/questions/detail.html", context
    )
