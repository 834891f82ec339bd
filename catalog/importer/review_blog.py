"""The personal review blog: subjects, rating, review, recommendations and “Coming up”."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from catalog.importer.documents import (
    AdaptationFacts,
    AuthorFacts,
    BookRef,
    CreditFacts,
    CriticFacts,
    ParsedDocument,
    RelatedFacts,
    SubjectFacts,
)
from catalog.importer.text import BY_AUTHOR, Document, clean, sort_name_for, split_list
from catalog.models import Adaptation, AdaptationCredit, CriticReview, Source, Subject

RECOMMEND_HEADING = re.compile(r"^If you[’']re an? .+?, I recommend these books:?$")
REASON = re.compile(r"^\((?P<reason>.+)\)$")
STARRING = re.compile(r"made into a (?:movie|film).*?Starring (?P<cast>[^.]+)\.", re.S)


def book_ref(text: str) -> BookRef:
    """“The Buried Giant by Kazuo Ishiguro” -> BookRef."""
    match = BY_AUTHOR.match(clean(text))
    if not match:
        return BookRef(clean(text))
    names = split_list(match["authors"])
    return BookRef(clean(match["title"]), tuple(AuthorFacts(n, sort_name_for(n)) for n in names))


def parse(path: Path, text: str) -> ParsedDocument:
    doc = Document(path, text)
    title_line, title = doc.first_nonblank()
    _, by = doc.require(r"^By:? (?P<authors>.+)$", "The “By:” author line")
    authors = tuple(AuthorFacts(n, sort_name_for(n)) for n in split_list(by["authors"]))
    subjects = ()
    if found := doc.find(r"^Subject Matter: (?P<subjects>.+)$"):
        subjects = tuple(
            SubjectFacts(name, Subject.Kind.SUBJECT) for name in split_list(found[1]["subjects"])
        )
    rating_line, rating = doc.require(
        r"^Rating: (?P<value>\d+(?:\.\d+)?)/(?P<scale>\d+)$", "The “Rating: N/5” line"
    )

    review_start = rating_line + 1
    if repeated := doc.find(rf"^{re.escape(title)}$", rating_line + 1):
        review_start = repeated[0] + 1
    recommend = doc.find(RECOMMEND_HEADING.pattern, review_start)
    coming = doc.find(r"^Coming up:?$", review_start)
    review_end = (
        min(found[0] for found in (recommend, coming) if found) if (recommend or coming) else None
    )
    review_paragraphs = [clean(p.text) for p in doc.paragraphs(review_start, review_end)]
    if not review_paragraphs:
        raise doc.error(review_start, "the review text is missing")
    review = "\n\n".join(review_paragraphs)

    related: list[RelatedFacts] = []
    if recommend:
        reason = ""
        end = coming[0] if coming else None
        for paragraph in doc.paragraphs(recommend[0] + 1, end):
            body = clean(paragraph.text)
            if match := REASON.match(body):
                reason = match["reason"]
            else:
                related.append(RelatedFacts(book_ref(body), reason))

    coming_up: list[BookRef] = []
    if coming:
        for paragraph in doc.paragraphs(coming[0] + 1):
            body = clean(paragraph.text)
            if body.startswith(("Leave a Reply", "Your email address")):
                break
            coming_up.append(book_ref(body))

    adaptations = ()
    if starring := STARRING.search(review):
        cast = tuple(
            CreditFacts(name, AdaptationCredit.Role.CAST) for name in split_list(starring["cast"])
        )
        adaptations = (
            AdaptationFacts(
                Adaptation.Medium.FILM, title, Adaptation.Status.RELEASED, credits=cast
            ),
        )

    return ParsedDocument(
        path=path,
        kind=Source.Kind.REVIEW_BLOG,
        title=f"Review of {title} on a personal blog",
        book_title=title,
        authors=authors,
        subjects=subjects,
        critic_reviews=(
            CriticFacts(
                kind=CriticReview.Kind.BLOGGER,
                excerpt=review,
                rating=Decimal(rating["value"]),
                rating_scale=int(rating["scale"]),
            ),
        ),
        related_books=tuple(related),
        coming_up=tuple(coming_up),
        adaptations=adaptations,
    )
