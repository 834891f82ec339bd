"""Catalog search: title, author, subject/genre, character and ISBN.

One ordering contract on every database: books matching in the title come
before books matching only an author, which come before books matching only a
subject, genre or character; ties go in library filing order (sort_title, which
drops a leading article). PostgreSQL ranks with full-text search (weights A/B/C
over the same three columns, prefix matching so results appear while typing);
SQLite scores substring matches the same way.
ISBN-shaped queries are normalised and matched exactly against editions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from catalog import isbn as isbn_rules
from catalog.models import Book

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50


@dataclass
class SearchResult:
    query: str
    books: list[Book] = field(default_factory=list)
    isbn: str = ""  # the canonical ISBN-13 when the query was one
    isbn_error: str = ""  # why an ISBN-shaped query is not a valid ISBN

    @property
    def isbn_book(self) -> Book | None:
        return self.books[0] if self.isbn and len(self.books) == 1 else None


def search_books(raw_query: str, *, limit: int = MAX_RESULTS) -> SearchResult:
    # Control characters (a NUL byte makes PostgreSQL refuse the query) are never meant.
    printable = "".join(ch if ch.isprintable() else " " for ch in raw_query[: MAX_QUERY_LENGTH * 4])
    query = " ".join(printable.split())[:MAX_QUERY_LENGTH]
    result = SearchResult(query=query)
    if not query:
        return result
    if isbn_rules.looks_like_isbn(query) or re.fullmatch(r"(?i)isbn[:\s-]*[\d\s-]+x?", query):
        try:
            result.isbn = isbn_rules.normalise(query)
        except isbn_rules.InvalidISBN as error:
            result.isbn_error = str(error)
            return result
        books = Book.objects.filter(editions__isbn13=result.isbn).distinct()
    elif connection.vendor == "postgresql":
        books = _postgres(query)
    else:
        books = _substring(query)
    result.books = list(books.for_listing()[:limit])
    return result


def _tokens(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


def _postgres(query: str) -> QuerySet[Book]:
    tokens = _tokens(query)
    if not tokens:
        return Book.objects.none()
    vector = (
        SearchVector("title", "original_title", weight="A", config="english")
        + SearchVector("search_authors", weight="B", config="english")
        + SearchVector("search_keywords", weight="C", config="english")
    )
    # Every word must match; the last one as a prefix, so “ishig” finds Ishiguro mid-typing.
    terms = [f"{token}:*" for token in tokens]
    search = SearchQuery(" & ".join(terms), search_type="raw", config="english")
    return (
        Book.objects.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(Q(document=search) | Q(title__icontains=query))
        .order_by("-rank", "sort_title", "title")
    )


def _substring(query: str) -> QuerySet[Book]:
    tokens = _tokens(query) or [query.lower()]
    matches = Q()
    score = Value(0)
    for token in tokens:
        matches &= (
            Q(title__icontains=token)
            | Q(original_title__icontains=token)
            | Q(search_authors__icontains=token)
            | Q(search_keywords__icontains=token)
        )
        score = score + Case(
            When(Q(title__icontains=token) | Q(original_title__icontains=token), then=Value(4)),
            When(search_authors__icontains=token, then=Value(2)),
            When(search_keywords__icontains=token, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return (
        Book.objects.filter(matches).annotate(rank=score).order_by("-rank", "sort_title", "title")
    )
