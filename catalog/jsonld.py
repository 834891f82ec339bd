"""schema.org JSON-LD for a book page, as a plain dict (discussions adds its community's
ratings, reviews and age range: discussions.templatetags.community.book_jsonld)."""

from __future__ import annotations

from django.conf import settings

from catalog.models import Book


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def catalog_book_jsonld(book: Book) -> dict:
    """A schema.org Book; expects the instance from Book.objects.for_detail() (no extra queries)."""
    editions = list(book.editions.all())
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Book",
        "@id": _absolute(book.get_absolute_url()),
        "url": _absolute(book.get_absolute_url()),
        "name": book.title,
        "author": [
            {
                "@type": "Person",
                "name": authorship.author.name,
                "url": _absolute(authorship.author.get_absolute_url()),
            }
            for authorship in book.authorships.all()
        ],
    }
    if book.original_title:
        data["alternateName"] = book.original_title
    if editions:
        data["isbn"] = editions[0].isbn13
        data["workExample"] = [_edition(edition) for edition in editions]
    if book.first_published_year:
        data["datePublished"] = str(book.first_published_year)
    subjects = {link.subject.pk: link.subject for link in book.book_subjects.all()}.values()
    if genres := [s.name for s in subjects if s.kind == "genre"]:
        data["genre"] = genres
    if about := [s.name for s in subjects if s.kind == "subject"]:
        data["about"] = [{"@type": "Thing", "name": name} for name in about]
    if characters := list(book.characters.all()):
        data["character"] = [
            {"@type": "Person", "name": c.name, **({"alternateName": c.alias} if c.alias else {})}
            for c in characters
        ]
    if awards := list(book.awards.all()):
        data["award"] = [_award(award) for award in awards]
    same_as = sorted({m.source.url for m in book.mentions.all() if m.source.url and not m.context})
    if same_as:
        data["sameAs"] = same_as
    return data


def _edition(edition) -> dict:
    example: dict = {"@type": "Book", "isbn": edition.isbn13}
    if edition.binding.lower() in {"hardback", "hardcover"}:
        example["bookFormat"] = "https://schema.org/Hardcover"
    elif edition.binding.lower() == "paperback":
        example["bookFormat"] = "https://schema.org/Paperback"
    if edition.publisher:
        example["publisher"] = {"@type": "Organization", "name": edition.publisher}
    if edition.date_published:
        example["datePublished"] = edition.date_published
    if edition.pages:
        example["numberOfPages"] = edition.pages
    if edition.edition_statement:
        example["bookEdition"] = edition.edition_statement
    return example


def _award(award) -> str:
    parts = [award.name]
    if award.year:
        parts.append(str(award.year))
    detail = award.get_result_display()
    if award.rank:
        detail += f", no. {award.rank}"
    return f"{' '.join(parts)} ({detail})"
