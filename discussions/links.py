"""Where a book's community lives: the catalog's book page once it exists, else our own page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from catalog.models import Book


def book_page_url(book: Book) -> str:
    """The book page (which includes the community section), or the standalone section."""
    try:
        return book.get_absolute_url()
    except NoReverseMatch:  # the catalog's book page is not wired up on this branch
        return reverse("discussions:book_community", kwargs={"slug": book.slug})
