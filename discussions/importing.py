"""Post-import steps: what the discussions app takes from the seed documents.

The catalog importer sends `documents_stored` inside its transaction, after it has
stored books and sources; `stored` (connected in discussions/apps.py) runs both steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog.importer import ImportReport, ParsedDocument
from catalog.importer.store import slug_for
from catalog.models import Book, Source
from discussions.services import imported_activity_save
from discussions.services.seeding import club_seed_from_documents


def store_community_activity(documents: Sequence[ParsedDocument], report: ImportReport) -> None:
    """The library catalog's dated member comments (with ratings) and age-suitability votes."""
    for doc in documents:
        if not (doc.community_comments or doc.age_votes):
            continue
        counts = imported_activity_save(
            book=report.books[doc.file],
            source=report.sources[doc.file],
            comments=doc.community_comments,
            age_votes=doc.age_votes,
        )
        for key, amount in counts.items():
            label, _, status = key.rpartition("_")
            if status == "created" and amount:
                report.count(f"imported {label.replace('_', ' ')}", "created", amount)


def seed_library_club(documents: Sequence[ParsedDocument], report: ImportReport) -> None:
    """The library's discussion (its announced date) and the blog's "Coming up" list as a poll."""
    library = next(
        (
            doc
            for doc in documents
            if doc.kind == Source.Kind.LIBRARY_CATALOG and doc.discussion_date
        ),
        None,
    )
    if library is None:
        return
    blog = next((doc for doc in documents if doc.coming_up), None)
    candidates = []
    if blog is not None:
        slugs = [slug_for(ref.title, "book") for ref in blog.coming_up]
        by_slug = Book.objects.in_bulk(slugs, field_name="slug")
        candidates = [by_slug[slug] for slug in slugs if slug in by_slug]
    created = club_seed_from_documents(
        book=report.books[library.file],
        library_source=report.sources[library.file],
        discussion_date=library.discussion_date,
        teaser=library.discussion_teaser,
        blog_source=report.sources[blog.file] if blog else None,
        candidate_books=candidates,
    )
    for label, amount in created.items():
        if amount:
            report.count("poll candidates" if label == "candidates" else label, "created", amount)


def stored(*, documents: Sequence[ParsedDocument], report: ImportReport, **_signal) -> None:
    """The receiver of catalog.importer.documents_stored: both steps, in order."""
    store_community_activity(documents, report)
    seed_library_club(documents, report)
