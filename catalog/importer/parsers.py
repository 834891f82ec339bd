"""Reading files: detect each document's kind and hand it to that kind's parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from catalog.importer import book_review_blog, encyclopedia, library, recommendations, review_blog
from catalog.importer.detect import detect_kind
from catalog.importer.documents import ParsedDocument
from catalog.importer.text import SeedError
from catalog.models import Source

PARSERS: dict[str, Callable[[Path, str], ParsedDocument]] = {
    Source.Kind.RECOMMENDATIONS: recommendations.parse,
    Source.Kind.LIBRARY_CATALOG: library.parse,
    Source.Kind.REVIEW_BLOG: review_blog.parse,
    Source.Kind.BOOK_REVIEW_BLOG: book_review_blog.parse,
    Source.Kind.ENCYCLOPEDIA: encyclopedia.parse,
}


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SeedError(path, None, f"cannot be read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SeedError(path, line, "is not UTF-8 text") from None
    if not text.strip():
        raise SeedError(path, None, "is empty")
    return text


def parse_file(path: Path) -> ParsedDocument:
    text = read_text(path)
    return PARSERS[detect_kind(path, text)](path, text)
