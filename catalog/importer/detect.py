"""Which kind of page a document was captured from, judged by its content alone.

File names carry no meaning (they are hashes), so each kind is recognised by the
landmarks its site prints on every page.
"""

from __future__ import annotations

import re

from catalog.importer.text import SeedError
from catalog.models.book import Source

# (kind, what it must contain): every pattern must match somewhere in the text.
SIGNATURES: list[tuple[str, list[str]]] = [
    (Source.Kind.ENCYCLOPEDIA, [r"^From Wikipedia, the free encyclopedia$"]),
    (
        Source.Kind.LIBRARY_CATALOG,
        [r"^Powered by BiblioCommons\.?$|^Branch Call Number:", r"^ISBN:", r"^Publisher:"],
    ),
    (Source.Kind.RECOMMENDATIONS, [r"^Why read it\?$", r"^From .+?['’]s list on .+\.$"]),
    (
        Source.Kind.BOOK_REVIEW_BLOG,
        [r"BOOK REVIEW$", r"^Genre:", r"Rating:.*\(\d+(?:\.\d+)?/\d+\)$"],
    ),
    (Source.Kind.REVIEW_BLOG, [r"^By:? ", r"^Subject Matter:", r"^Rating: \d+(?:\.\d+)?/\d+$"]),
]


def detect_kind(path, text: str) -> str:
    """The Source.Kind of a document, or SeedError when no known kind matches."""
    for kind, patterns in SIGNATURES:
        if all(re.search(pattern, text, re.MULTILINE) for pattern in patterns):
            return kind
    raise SeedError(
        path,
        None,
        "unknown kind of document: it looks like none of the library catalog, encyclopedia "
        "article, recommendation site, review blog or book-review blog pages",
    )
