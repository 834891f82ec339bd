"""Catalog search: everything the documents say about a book, and ISBNs.

A book is found by its title (weight A); its authors, characters and other titles (B); its
subjects, genres and awards (C); and its descriptions, plot summaries and staff notes (D).
Every word must match. PostgreSQL ranks with the stored, weighted search vector
(Book.search_vector, GIN-indexed; the last word matches as a prefix, so results appear
while typing), highlights why each book matched with ts_headline, and, when nothing
matches, looks for a spelling the catalog knows with pg_trgm ("Ishigiro" → Ishiguro).
SQLite matches substrings of the same columns, scored by the same weights, and builds the
snippet in Python. Ties go in library filing order (sort_title) on both.
ISBN-shaped queries are normalised and matched exactly against editions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog import isbn as isbn_rules
from catalog.models import Author, Book, Character, Subject
from catalog.models.book import SEARCH_COLUMNS, SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
# ts_rank's weights for D, C, B, A (PostgreSQL's defaults are 0.1, 0.2, 0.4, 1.0).
WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SQLITE_SCORES = {"title": 8, "search_names": 4, "search_keywords": 2, "search_text": 1}
# Private-use characters mark the highlight, so the text around it can be escaped whole.
START, STOP = "\ue000", "\ue001"
SNIPPET_WORDS = 24
SIMILAR_ENOUGH = 0.5  # pg_trgm word similarity for a "did you mean" spelling


@dataclass
class SearchResult:
    query: str
    books: list[Book] = field(default_factory=list)
    isbn: str = ""  # the canonical ISBN-13 when the query was one
    isbn_error: str = ""  # why an ISBN-shaped query is not a valid ISBN
    suggestion: str = ""  # a spelling the catalog knows; books are then its results

    @property
    def isbn_book(self) -> Book | None:
        return self.books[0] if self.isbn and len(self.books) == 1 else None


def clean_query(raw_query: str) -> str:
    """The query as searched: printable, single-spaced, at most MAX_QUERY_LENGTH long."""
    # Control characters (a NUL byte makes PostgreSQL refuse the query) are never meant.
    printable = "".join(ch if ch.isprintable() else " " for ch in raw_query[: MAX_QUERY_LENGTH * 4])
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def is_isbn_query(query: str) -> bool:
    return isbn_rules.looks_like_isbn(query) or bool(
        re.fullmatch(r"(?i)isbn[:\s-]*[\d\s-]+x?", query)
    )


def search_books(raw_query: str, *, limit: int = MAX_RESULTS) -> SearchResult:
    query = clean_query(raw_query)
    result = SearchResult(query=query)
    if not query:
        return result
    if is_isbn_query(query):
        try:
            result.isbn = isbn_rules.normalise(query)
        except isbn_rules.InvalidISBN as error:
            result.isbn_error = str(error)
            return result
        books = Book.objects.filter(editions__isbn13=result.isbn).distinct()
        result.books = list(books.for_listing()[:limit])
    elif connection.vendor == "postgresql":
        result.books = list(_postgres(query).for_listing()[:limit])
        if not result.books:
            result.suggestion = _spelling_suggestion(query)
            if result.suggestion:
                result.books = list(_postgres(result.suggestion).for_listing()[:limit])
        for book in result.books:
            book.snippet = _highlighted(book.headline)
    else:
        tokens = _tokens(query)
        result.books = list(_substring(query).for_listing()[:limit])
        for book in result.books:
            book.snippet = _python_snippet(book, tokens)
    return result


def _tokens(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


def _searched_text():
    """What a snippet is cut from: everything but the title, which the result shows anyway."""
    parts = []
    for column in SEARCH_COLUMNS:
        parts += [F(column), Value("\n")]
    return Concat(*parts[:-1], output_field=TextField())


def _postgres(query: str) -> QuerySet[Book]:
    tokens = _tokens(query)
    if not tokens:
        return Book.objects.none()

    def every_word(weights: str = "") -> SearchQuery:
        # Every word must match (within these weights); each as a prefix, so “ishig”
        # finds Ishiguro mid-typing.
        terms = " & ".join(f"{token}:*{weights}" for token in tokens)
        return SearchQuery(terms, search_type="raw", config=SEARCH_CONFIG)

    search = every_word()
    # Where a book matches decides first: all words in the title, in the title and names,
    # … anywhere. Books found in the same place file in library order, as a reader
    # browsing an author's books expects; those found only in their descriptions are
    # ordered by SearchRank (how often and how close), since there lies the long tail.
    tier = Case(
        When(Q(search_vector=every_word("A")) | Q(title__icontains=query), then=Value(4)),
        When(search_vector=every_word("AB"), then=Value(3)),
        When(search_vector=every_word("ABC"), then=Value(2)),
        default=Value(1),
    )
    rank = SearchRank(F("search_vector"), search, weights=WEIGHTS)
    headline = SearchHeadline(
        _searched_text(),
        search,
        config=SEARCH_CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=SNIPPET_WORDS,
        min_words=8,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return (
        Book.objects.filter(Q(search_vector=search) | Q(title__icontains=query))
        .annotate(tier=tier, rank=rank, headline=headline)
        .annotate(relevance=Case(When(tier=1, then=F("rank")), default=Value(0.0)))
        .defer("search_vector", *SEARCH_COLUMNS)
        .order_by("-tier", "-relevance", "sort_title", "title")
    )


def _spelling_suggestion(query: str) -> str:
    """The query with each word the catalog does not know replaced by the nearest one it
    names (titles, authors, characters, subjects); "" when there is none."""
    words = query.split()
    changed = False
    for index, word in enumerate(words):
        token = "".join(_tokens(word))
        if len(token) < 4 or token.isdigit():
            continue
        candidates = [
            model.objects.annotate(similarity=TrigramWordSimilarity(token, column))
            .filter(similarity__gte=SIMILAR_ENOUGH)
            .values_list(column, "similarity")
            for model, column in (
                (Book, "title"),
                (Author, "name"),
                (Character, "name"),
                (Subject, "name"),
            )
        ]
        best = candidates[0].union(*candidates[1:], all=True).order_by("-similarity")[:1]
        for name, _similarity in best:
            nearest = max(
                re.findall(r"\w+", name),
                key=lambda known: difflib.SequenceMatcher(None, token, known.lower()).ratio(),
            )
            if nearest.lower() != token:
                words[index], changed = nearest, True
    return " ".join(words) if changed else ""


def _highlighted(raw: str | None) -> SafeString:
    """The snippet, escaped, with only the highlight marks turned into <mark>."""
    if not raw or START not in raw or raw.count(START) != raw.count(STOP):
        return SafeString("")
    html = escape(raw).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 -- everything but our own marks was escaped above


def _python_snippet(book: Book, tokens: list[str]) -> SafeString:
    """SQLite: a window of words around the first match outside the title, marked."""
    if not tokens:
        return SafeString("")
    text = "\n".join(getattr(book, column) for column in SEARCH_COLUMNS)
    text = text.replace(START, "").replace(STOP, "")
    pattern = re.compile("|".join(re.escape(token) for token in tokens), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return SafeString("")
    before = text[: first.start()].split()[-SNIPPET_WORDS // 3 :]
    after = text[first.start() :].split()[: SNIPPET_WORDS - len(before)]
    window = " ".join(before + after)
    marked = pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", window)
    prefix = "… " if len(before) == SNIPPET_WORDS // 3 else ""
    return _highlighted(prefix + marked + " …")


def _substring(query: str) -> QuerySet[Book]:
    tokens = _tokens(query) or [query.lower()]
    matches = Q()
    score = Value(0)
    for token in tokens:
        found_in = {column: Q(**{f"{column}__icontains": token}) for column in SQLITE_SCORES}
        any_column = Q()
        for condition in found_in.values():
            any_column |= condition
        matches &= any_column
        score = score + Case(
            *(
                When(found_in[column], then=Value(points))
                for column, points in SQLITE_SCORES.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    return (
        Book.objects.filter(matches).annotate(rank=score).order_by("-rank", "sort_title", "title")
    )
