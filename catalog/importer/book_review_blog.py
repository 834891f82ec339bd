"""The book-review blog (Books on Tour): edition facts, genre, strong/weak points, two ratings."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from catalog import isbn as isbn_rules
from catalog.importer.documents import (
    AuthorFacts,
    CriticFacts,
    EditionFacts,
    ParsedDocument,
    RatingFacts,
    SubjectFacts,
)
from catalog.importer.text import Document, clean, parse_date, sort_name_for, split_list
from catalog.models import CriticReview, Source, Subject

HEADLINE = re.compile(r"^[“\"](?P<title>.+?)[”\"] by (?P<authors>.+?) BOOK REVIEW$")
RATING = re.compile(r"^(?P<who>.+?) Rating:.*\((?P<value>\d+(?:\.\d+)?)/(?P<scale>\d+)\)$")


def parse(path: Path, text: str) -> ParsedDocument:
    doc = Document(path, text)
    headline_line, headline = doc.require(
        HEADLINE.pattern, "The ““Title” by Author BOOK REVIEW” headline"
    )
    title = clean(headline["title"])
    authors = tuple(AuthorFacts(n, sort_name_for(n)) for n in split_list(headline["authors"]))

    def field(key: str) -> tuple[int, str] | None:
        found = doc.find(rf"^{key}:\s*(?P<value>.+)$")
        return (found[0], clean(found[1]["value"])) if found else None

    isbn_field = field("ISBN")
    if not isbn_field:
        raise doc.error(doc.last_line, "The “ISBN:” line is missing (is the document truncated?)")
    try:
        isbn13 = isbn_rules.normalise(isbn_field[1])
    except isbn_rules.InvalidISBN as error:
        raise doc.error(isbn_field[0], str(error)) from None
    published_on = None
    if date_field := field("Publication Date"):
        published_on = parse_date(doc, date_field[0], date_field[1])
    publisher = field("Publisher")
    edition = EditionFacts(
        isbn13=isbn13,
        line=isbn_field[0],
        publisher=publisher[1] if publisher else "",
        published_on=published_on,
        year=published_on.year if published_on else None,
    )
    genres = ()
    if genre := field("Genre"):
        genres = tuple(SubjectFacts(name, Subject.Kind.GENRE) for name in split_list(genre[1]))

    own_rating = None
    blog = ""
    ratings: list[RatingFacts] = []
    rating_lines = [n for n, line in enumerate(doc.lines, 1) if RATING.match(line.strip())]
    for number in rating_lines:
        match = RATING.match(doc.lines[number - 1].strip())
        value, scale = Decimal(match["value"]), Decimal(match["scale"])
        if value > scale:
            raise doc.error(number, f"rating {value}/{scale} is above its scale")
        # The blog rates first, under its own name; the ratings after it are other sites'.
        if own_rating is None:
            own_rating, blog = (value, int(scale)), clean(match["who"])
        else:
            ratings.append(RatingFacts(clean(match["who"]), value, scale))
    if own_rating is None:
        raise doc.error(doc.last_line, "the blog’s own “… Rating: (N/5)” line is missing")

    blurb_link = doc.find(r"^Read book blurb here$")
    review_start = (blurb_link[0] if blurb_link else max(rating_lines)) + 1
    review = "\n\n".join(clean(p.text) for p in doc.paragraphs(review_start))
    if not review:
        raise doc.error(review_start, "the review text is missing")
    strong, weak = field("Strong Point"), field("Weak Point")
    return ParsedDocument(
        path=path,
        kind=Source.Kind.BOOK_REVIEW_BLOG,
        title=f"“{title}” book review — {blog}",
        book_title=title,
        authors=authors,
        editions=(edition,),
        subjects=genres,
        critic_reviews=(
            CriticFacts(
                kind=CriticReview.Kind.BLOGGER,
                publication=blog,
                excerpt=review,
                rating=own_rating[0],
                rating_scale=own_rating[1],
                strong_point=strong[1] if strong else "",
                weak_point=weak[1] if weak else "",
            ),
        ),
        external_ratings=tuple(ratings),
    )
