"""The book's community section: its standalone page and the actions posted from it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from bookclub.http import public_page
from catalog.models import Book
from catalog.views import THREAD_PARAMS, book_page_versions
from discussions.forms.community import (
    AgeVoteForm,
    CommentForm,
    NoticeForm,
    QuoteForm,
    RatingForm,
    SummaryForm,
)
from discussions.links import book_page_url
from discussions.models import ContentNotice
from discussions.selectors import community_context
from discussions.services import comments as comment_services
from discussions.services import contributions, ratings
from discussions.services.errors import DiscussionError
from discussions.views.common import HtmxHttpRequest, error_response, member_post, page_number

PAGE = "discussions/book_community.html"
SECTION = "discussions/community.html"
THREAD = "discussions/_thread.html"


def _context(request: HtmxHttpRequest, book: Book, **extra) -> dict:
    context = community_context(
        book,
        user=request.user,
        versions=book_page_versions(book.slug, request.user),
        sort=request.GET.get("sort", "newest"),
        page=page_number(request),
    )
    context.update(extra)
    return context


def _render(request, book, partial: str, status: int = 200, **extra) -> HttpResponse:
    """htmx gets the one partial it targets; a plain request gets the whole page."""
    if request.htmx:
        template = THREAD if partial == "comment-form" else SECTION
        context = _context(request, book, **extra)
        response = render(request, f"{template}#{partial}", context, status=status)
        if partial == "comment-form":
            # The form posts into #comment-list; its errors belong in the form itself.
            response["HX-Retarget"] = "#comment-form"
            response["HX-Reswap"] = "innerHTML"
        return response
    # The page's {% book_community %} tag gathers the section; bound forms override.
    context = {"book": book, "versions": book_page_versions(book.slug, request.user), **extra}
    return render(request, PAGE, context, status=status)


def _done(request, book: Book, partial: str, anchor: str) -> HttpResponse:
    if request.htmx:
        return _render(request, book, partial)
    return redirect(f"{book_page_url(book)}#{anchor}")


@require_GET
@vary_on_headers("HX-Request")
@public_page(lambda request, slug: book_page_versions(slug), params=THREAD_PARAMS)
def book_community(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The community section on its own page (also the no-JS target of every form)."""
    book = get_object_or_404(Book, slug=slug)
    if request.htmx:
        # "Load more" asks for the next page; a sort link asks for the whole thread.
        partial = "comment-page" if request.GET.get("page") else "thread-body"
        return render(request, f"{THREAD}#{partial}", _context(request, book))
    return render(request, PAGE, {"book": book, "versions": book_page_versions(slug, request.user)})


@require_POST
@member_post
def rate(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Rate the book in half stars, change the rating, or withdraw it."""
    book = get_object_or_404(Book, slug=slug)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "ratings", status=400, rating_form=form)
    if form.cleaned_data["withdraw"]:
        ratings.rating_withdraw(book=book, user=request.user)
    else:
        ratings.rating_set(book=book, user=request.user, value=form.cleaned_data["value"])
    return _done(request, book, "ratings", "ratings")


@require_POST
@member_post
def age_vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Say from what age the book suits readers, change it, or withdraw it."""
    book = get_object_or_404(Book, slug=slug)
    form = AgeVoteForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "age", status=400, age_form=form)
    if form.cleaned_data["withdraw"]:
        ratings.age_vote_withdraw(book=book, user=request.user)
    else:
        ratings.age_vote_set(
            book=book, user=request.user, minimum_age=form.cleaned_data["minimum_age"]
        )
    return _done(request, book, "age", "age")


@require_POST
@member_post
def book_comment_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A top-level comment on the book (its thread is created with the first one)."""
    from discussions.views.threads import comment_posted

    thread = comment_services.existing_book_thread(slug)  # every post but a book's first
    book = thread.book if thread is not None else get_object_or_404(Book, slug=slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "comment-form", status=400, comment_form=form)
    if thread is None:
        thread = comment_services.thread_for_book(book=book)
    try:
        comment = comment_services.comment_create(
            thread=thread, author=request.user, body=form.cleaned_data["body"]
        )
    except DiscussionError as error:
        return error_response(request, error)
    return comment_posted(request, comment)


@require_POST
@member_post
def summary_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    book = get_object_or_404(Book, slug=slug)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "summaries", status=400, summary_form=form)
    contributions.summary_create(book=book, author=request.user, body=form.cleaned_data["body"])
    return _done(request, book, "summaries", "summaries")


@require_POST
@member_post
def notice_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    book = get_object_or_404(Book, slug=slug)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "notices", status=400, notice_form=form)
    contributions.notice_create(book=book, author=request.user, **form.cleaned_data)
    return _done(request, book, "notices", "notices")


@require_POST
@member_post
def notice_second(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Agree with another member's content notice."""
    book = get_object_or_404(Book, slug=slug)
    notice = get_object_or_404(ContentNotice, pk=pk, book=book)
    try:
        contributions.notice_second(notice=notice, user=request.user)
    except DiscussionError as error:
        return error_response(request, error)
    return _done(request, book, "notices", f"notice-{notice.pk}")


@require_POST
@member_post
def quote_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    book = get_object_or_404(Book, slug=slug)
    form = QuoteForm(request.POST)
    if not form.is_valid():
        return _render(request, book, "quotes", status=400, quote_form=form)
    contributions.quote_create(book=book, author=request.user, **form.cleaned_data)
    return _done(request, book, "quotes", "quotes")
