"""Which kind of page a document was captured from, judged by its content alone.

File names carry no meaning (they are hashes), so each kind is recognised by the
landmarks its site prints on every page.
"""

from __future__ import annotations

import re

from catalog.importer.text import SeedError
from catalog.models.book import Source

# (kind, landmarks): a document is of the first kind any of whose landmarks it contains.
# Landmarks sit near the top of each page, so a truncated document is still
# recognised and its parser can say what is missing.
SIGNATURES: list[tuple[str, list[str]]] = [
    (Source.Kind.ENCYCLOPEDIA, [r"^From Wikipedia, the free encyclopedia$"]),
    (
        Source.Kind.LIBRARY_CATALOG,
        [
            r"^\((?:Book|eBook|Audiobook|Large Print)[^)]*- \d{4}\)$",
            r"^Average Rating: [\d.]+ stars? out of \d+",
            r"^Powered by BiblioCommons",
        ],
    ),
    (Source.Kind.BOOK_REVIEW_BLOG, [r"^[“\"].+[”\"] by .+ BOOK REVIEW$"]),
    (Source.Kind.REVIEW_BLOG, [r"^Subject Matter: "]),
    (Source.Kind.RECOMMENDATIONS, [r"^Why read it\?$", r"^From .+?['’]s list on .+\.$"]),
]


def detect_kind(path, text: str) -> str:
    """The Source.Kind of a document, or SeedError when no known kind matches."""
    for kind, patterns in SIGNATURES:
        if any(re.search(pattern, text, re.MULTILINE) for pattern in patterns):
            return kind
    raise SeedError(
        path,
        None,
        "unknown kind of document: it looks like none of the library catalog, encyclopedia "
        "article, recommendation site, review blog or book-review blog pages",
    )
