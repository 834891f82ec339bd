"""Catalog writes that span rows: a book's search text, gathered from its related facts."""

from __future__ import annotations

from catalog.models import Award, Book, Character, Description, Subject


def book_search_texts(book: Book) -> tuple[str, str, str]:
    """(names, keywords, text): what a book is found by besides its title, by weight."""
    characters = list(Character.objects.filter(book=book).order_by("name"))
    other_titles = [book.original_title] if book.original_title else []
    names = [author.name for author in book.authors.order_by("name")]
    names += [c.name for c in characters] + [c.alias for c in characters if c.alias]
    subjects = Subject.objects.filter(books=book).distinct().order_by("name")
    keywords = [s.name for s in subjects]
    keywords += Award.objects.filter(book=book).order_by("name").values_list("name", flat=True)
    descriptions = Description.objects.filter(book=book).order_by("kind", "position", "id")
    text = [d.text for d in descriptions] + [c.description for c in characters if c.description]
    return (
        " ".join(names + other_titles),
        " ".join(keywords),
        "\n\n".join(text),
    )


def book_search_refresh(*, book: Book) -> bool:
    """Recompute a book's search columns (and so its search vector); True when they changed."""
    texts = book_search_texts(book)
    if texts == (book.search_names, book.search_keywords, book.search_text):
        return False
    book.search_names, book.search_keywords, book.search_text = texts
    book.save(update_fields=["search_names", "search_keywords", "search_text"])
    return True
