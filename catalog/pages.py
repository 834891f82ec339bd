"""What the book page shows, grouped for reading (reads only; the view stays thin)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.functional import SimpleLazyObject

from catalog.models import Book, CriticReview, Description


def book_facts(book: Book) -> dict:
    """The book page's catalog sections. Lazy: the queries run only when a cached
    fragment that shows them has to be rendered."""

    def load() -> dict:
        detailed = Book.objects.for_detail().get(pk=book.pk)
        return {"book": detailed, **book_sections(detailed)}

    return SimpleLazyObject(load)


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
