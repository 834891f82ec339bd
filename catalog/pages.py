"""What the book page shows, grouped for reading (reads only; the view stays thin)."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string

from bookclub.versions import read_version
from catalog.cache import VERSION_KEY as CATALOG_VERSION_KEY
from catalog.cache import cached_catalog_context, catalog_version
from catalog.jsonld import catalog_book_jsonld
from catalog.models import Book, CriticReview, Description


def book_page_context(slug: str) -> dict:
    """The book page's catalog part, cached per catalog version: no queries on a hit."""

    def build() -> dict:
        book = get_object_or_404(Book.objects.for_detail(), slug=slug)
        return {"book": book, "catalog_jsonld": catalog_book_jsonld(book), **book_sections(book)}

    return cached_catalog_context(f"book-page:{slug}", build)


def book_page_fragments(book: Book) -> dict:
    """Cache keys for the book page's catalog fragments (see {% cachedfragment %}):
    the same for every reader, retired with the catalog version."""
    base = f"book-page:{book.pk}:c{catalog_version()}"
    return {"catalog_top_fragment": f"{base}:top", "catalog_bottom_fragment": f"{base}:bottom"}


# slug -> id under a catalog version, in this process's memory: the version is read from
# the shared cache on every request, so an entry is as fresh as Redis's and saves a trip.
_book_ids: dict[tuple[str, int], int | None] = {}
_latest_book_ids: dict[str, int] = {}  # slug -> id at the latest version seen
_BOOK_IDS_KEPT = 4096


def _book_id(slug: str, *, version: int | None = None) -> int | None:
    version = version or catalog_version()
    known = _book_ids.get((slug, version), _book_ids)
    if known is not _book_ids:
        return known
    book_id = cached_catalog_context(
        f"book-id:{slug}",
        lambda: Book.objects.filter(slug=slug).values_list("pk", flat=True).first(),
        version=version,
    )
    if len(_book_ids) >= _BOOK_IDS_KEPT:
        _book_ids.clear()
        _latest_book_ids.clear()
    _book_ids[(slug, version)] = book_id
    if book_id is not None:
        _latest_book_ids[slug] = book_id
    return book_id


def _book_version_keys(book_id: int) -> list[str]:
    """The cache keys of other apps' data versions about the book (settings'
    CATALOG_BOOK_PAGE_VERSION_KEYS: the community section's)."""
    return [
        import_string(path)(book_id)
        for path in getattr(settings, "CATALOG_BOOK_PAGE_VERSION_KEYS", [])
    ]


def book_page_visitor_key(request, slug: str) -> str | None:
    """The key of a visitor's whole book page: catalog version plus the versions of other
    apps' data about the book (the community section)."""
    version = catalog_version()
    book_id = _book_id(slug, version=version)
    if book_id is None:
        return None
    versions = ".".join(str(read_version(key)) for key in _book_version_keys(book_id))
    return f"book-page:{book_id}:c{version}:v{versions}"


def book_page_first_reads(request, slug: str) -> list[str]:
    """What the member's book page reads first, fetched in one round trip: the catalog's
    version and, for the book this slug named last time (a slug seldom changes; when it
    has, the read just misses and is made again), the other apps' versions."""
    keys = [CATALOG_VERSION_KEY]
    book_id = _latest_book_ids.get(slug)
    if book_id is not None:
        keys += _book_version_keys(book_id)
        for guessed_reads in _guessed_reads():
            keys += guessed_reads(request, book_id)
    return keys


@functools.cache
def _guessed_reads() -> list:
    """Other apps' guesses at what the page's holes will read, by book id
    (CATALOG_BOOK_PAGE_GUESSED_READS: the community section's)."""
    return [
        import_string(path) for path in getattr(settings, "CATALOG_BOOK_PAGE_GUESSED_READS", [])
    ]


def book_page_member_key(request, slug: str) -> str | None:
    """The key of the book page rendered once for every (non-staff) member."""
    key = book_page_visitor_key(request, slug)
    return f"{key}:members" if key else None


def book_page_personal(request, slug: str) -> dict:
    """What the shared member page's holes need: other apps add theirs through
    CATALOG_BOOK_PAGE_PERSONAL (functions of request and book)."""
    book = Book(pk=_book_id(slug), slug=slug)
    personal = {"book": book}
    for path in getattr(settings, "CATALOG_BOOK_PAGE_PERSONAL", []):
        personal.update(import_string(path)(request, book))
    return personal


def book_page_fillers() -> dict:
    """Other apps' markers on the shared member page: {kind: filler}
    (CATALOG_BOOK_PAGE_FILLERS, kind -> dotted path)."""
    return {
        kind: import_string(path)
        for kind, path in getattr(settings, "CATALOG_BOOK_PAGE_FILLERS", {}).items()
    }


def book_sections(book: Book) -> dict:
    """Group a Book.objects.for_detail() instance's facts into the page's sections."""
    descriptions = defaultdict(list)
    for description in book.descriptions.all():
        descriptions[description.kind].append(description)
    about = [
        d
        for kind in (Description.Kind.SUMMARY, Description.Kind.PUBLISHER, Description.Kind.BLURB)
        for d in descriptions[kind]
    ]
    subjects: dict = {}
    for link in book.book_subjects.all():
        entry = subjects.setdefault((link.subject.kind, link.subject.slug), [link.subject, []])
        if link.source:
            entry[1].append(link.source)
    reviews = list(book.criticreviews.all())
    characters = list(book.characters.all())
    authors = [authorship.author for authorship in book.authorships.all()]
    return {
        "authors": authors,
        "other_works": [
            (author, [work for work in author.books.all() if work.pk != book.pk])
            for author in authors
        ],
        "taglines": descriptions[Description.Kind.TAGLINE],
        "about": about,
        "staff_notes": descriptions[Description.Kind.STAFF_NOTE],
        "background": descriptions[Description.Kind.BACKGROUND],
        "plot": descriptions[Description.Kind.PLOT],
        "themes": descriptions[Description.Kind.THEMES],
        "genres": [v for (kind, _), v in subjects.items() if kind == "genre"],
        "subjects": [v for (kind, _), v in subjects.items() if kind == "subject"],
        "main_characters": [c for c in characters if c.role == "main"],
        "minor_characters": [c for c in characters if c.role == "minor"],
        "critics": [r for r in reviews if r.kind != CriticReview.Kind.BLOGGER],
        "blog_reviews": [r for r in reviews if r.kind == CriticReview.Kind.BLOGGER],
        "editions": list(book.editions.all()),
        "awards": list(book.awards.all()),
        "adaptations": list(book.adaptations.all()),
        "ratings": list(book.externalratings.all()),
        "recommendations": list(book.recommendations.all()),
        "related": list(book.relatedbooks.all()),
        "documents": sorted({m.source for m in book.mentions.all()}, key=lambda s: s.file),
        "mentions": list(book.mentions.all()),
    }
