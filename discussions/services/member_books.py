"""Books members bring into the catalog (by importing them), created in bulk.

They are recorded as member-added, with their provenance ("imported by Ana from
Goodreads"), for staff to curate in the admin. Written in bulk (an import may add
thousands), so no model signal runs: the catalog version is bumped here.
"""

from __future__ import annotations

from django.db import connection
from django.utils.text import slugify

from bookclub.cache import bump
from catalog.models import Author, Authorship, Book, Edition
from catalog.models.book import book_search_vector, filing_title
from discussions.library_csv import Row
from discussions.models import MemberAddedBook


def _free_slugs(bases: list[str]) -> list[str]:
    """A slug per base, unused in the catalog and among themselves (base, base-2, …)."""
    taken = set(Book.objects.filter(slug__in=bases).values_list("slug", flat=True))
    for base in {b for b in bases if b in taken}:
        taken |= set(
            Book.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
        )
    slugs = []
    for base in bases:
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _authors(names: set[str]) -> dict[str, Author]:
    """The authors by name, reusing those whose slug the catalog has already."""
    slugs = {name: slugify(name)[:240] or "unknown-author" for name in names}
    found = {a.slug: a for a in Author.objects.filter(slug__in=set(slugs.values()))}
    missing = {slug: name for name, slug in slugs.items() if slug not in found}
    created = Author.objects.bulk_create(
        Author(name=name[:255], slug=slug) for slug, name in missing.items()
    )
    found.update({a.slug: a for a in created})
    if created:
        bump("catalog")  # authors have pages of their own
    return {name: found[slug] for name, slug in slugs.items()}


def member_books_create(*, rows: list[Row], user, source: str) -> list[Book]:
    """One new book per row (title, first author, its ISBN and page count), in order."""
    if not rows:
        return []
    slugs = _free_slugs([slugify(r.title)[:200] or "imported-book" for r in rows])
    books = Book.objects.bulk_create(
        Book(
            title=row.title[:255],
            slug=slug,
            sort_title=filing_title(row.title),
            search_names=row.author[:255],
        )
        for row, slug in zip(rows, slugs, strict=True)
    )
    if connection.vendor == "postgresql":
        # What Book.save() derives, for the rows bulk_create wrote.
        Book.objects.filter(pk__in=[b.pk for b in books]).update(search_vector=book_search_vector())
    authors = _authors({r.author for r in rows if r.author})
    Authorship.objects.bulk_create(
        Authorship(book=book, author=authors[row.author])
        for row, book in zip(rows, books, strict=True)
        if row.author
    )
    isbns = {row.isbn13 or row.isbn10_as_13 for row in rows} - {""}
    known = set(Edition.objects.filter(isbn13__in=isbns).values_list("isbn13", flat=True))
    editions = {}
    for row, book in zip(rows, books, strict=True):
        isbn = row.isbn13 or row.isbn10_as_13
        if isbn and isbn not in known and isbn not in editions:
            editions[isbn] = Edition(book=book, isbn13=isbn, pages=row.pages)
    Edition.objects.bulk_create(editions.values())
    provenance = f"imported by {user.public_name} from {source}"[:255]
    MemberAddedBook.objects.bulk_create(
        MemberAddedBook(book=book, added_by=user, provenance=provenance) for book in books
    )
    bump("catalog")
    return books
