"""Catalog pages: browse, book, author, ISBN redirect and search."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from bookclub.cache import page_versions, versions
from bookclub.http import public_page
from catalog import isbn as isbn_rules
from catalog.models import Author, Book, Edition, Subject
from catalog.pages import book_facts
from catalog.search import clean_query, is_isbn_query, search_books

# The query parameters a page with a discussion reads (its sort order and page).
THREAD_PARAMS = ("sort", "page")
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
SORTS = {
    "title": "Title A–Z",
    "-title": "Title Z–A",
    "year": "Oldest first",
    "-year": "Newest first",
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def catalog_versions(request, *args, **kwargs) -> dict:
    return versions(catalog="catalog")


def book_page_versions(slug: str, user=None) -> dict:
    """What the book page shows: the catalog, the book's community (discussions/cache.py),
    members' public names, and the member's own choices."""
    return page_versions(user, catalog="catalog", community=f"book:{slug}", people="people")


@require_GET
@vary_on_headers("HX-Request")
@public_page(catalog_versions, params=("subject", "genre", "sort", "page"))
def book_list(request: HtmxHttpRequest) -> HttpResponse:
    """Browse the catalog, filtered by subject or genre, sorted."""
    books = Book.objects.for_listing()
    subject = _subject_from(request, "subject", Subject.Kind.SUBJECT)
    genre = _subject_from(request, "genre", Subject.Kind.GENRE)
    for chosen in (subject, genre):
        if chosen:
            books = books.filter(subjects=chosen)
    sort = request.GET.get("sort", "title")
    if sort not in SORTS:
        sort = "title"
    page = Paginator(books.distinct().sorted_by(sort), 24).get_page(request.GET.get("page"))
    template = "catalog/book_list.html"
    if request.htmx:
        template += "#book-list"
    return render(
        request,
        template,
        {
            "page": page,
            "subject": subject,
            "genre": genre,
            "sort": sort,
            "sorts": SORTS,
            "all_subjects": Subject.objects.filter(kind=Subject.Kind.SUBJECT),
            "all_genres": Subject.objects.filter(kind=Subject.Kind.GENRE),
        },
    )


def _subject_from(request: HttpRequest, parameter: str, kind: str) -> Subject | None:
    """The subject or genre named in the query string; 404 for one the catalog lacks."""
    slug = request.GET.get(parameter, "")
    if not slug:
        return None
    if not SLUG.fullmatch(slug):
        raise Http404(f"There is no {kind} “{slug[:60]}” in the catalog.")
    return get_object_or_404(Subject, kind=kind, slug=slug)


@require_GET
@public_page(lambda request, slug: book_page_versions(slug), params=THREAD_PARAMS)
def book_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The book page: every fact from the documents, with where it came from."""
    book = get_object_or_404(Book, slug=slug)
    shown = book_page_versions(slug, request.user)
    context = {"book": book, "facts": book_facts(book), "versions": shown}
    return render(request, "catalog/book_detail.html", context)


@require_GET
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author.objects.prefetch_related("sources"), slug=slug)
    books = Book.objects.filter(authors=author).for_listing().sorted_by("year")
    return render(request, "catalog/author_detail.html", {"author": author, "books": books})


@require_GET
def isbn_redirect(request: HttpRequest, raw: str) -> HttpResponse:
    """Any written form of a known ISBN leads to its book; unknown 404, malformed 400."""
    try:
        canonical = isbn_rules.normalise(raw)
    except isbn_rules.InvalidISBN as error:
        return render(request, "400.html", {"reason": str(error)}, status=400)
    edition = Edition.objects.select_related("book").filter(isbn13=canonical).first()
    if edition is None:
        reason = f"No book in the catalog has the ISBN {canonical}. Try searching instead."
        return render(request, "404.html", {"reason": reason, "query": raw}, status=404)
    return redirect(edition.book)


def search_versions(request, *args, **kwargs) -> dict:
    """What search shows: the catalog's books and the clubs' public clubs and meetings."""
    return versions(catalog="catalog", clubs="clubs")


@require_GET
@vary_on_headers("HX-Request")
@public_page(search_versions, params=("q",))
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Search as you type (htmx) or with a plain GET; a known ISBN goes straight to its book.
    The page also lists the clubs and meetings the reader may see (discussions/search.py)."""
    query = clean_query(request.GET.get("q", ""))
    isbn_query = is_isbn_query(query)
    if isbn_query:
        result = search_books(query)  # one exact lookup, and a known ISBN redirects
        if result.isbn_book and not request.htmx:
            return redirect(result.isbn_book)
    else:
        # Searched only when the page's cached book results (keyed by the catalog's
        # version and the query) are missing.
        result = SimpleLazyObject(lambda: search_books(query))
    template = "catalog/search.html"
    if request.htmx:
        template += "#search-results"
    context = {
        "result": result,
        "query": query,
        "isbn_query": isbn_query,
        "versions": search_versions(request),
    }
    return render(request, template, context)
