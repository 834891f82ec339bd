"""What a parser hands the storage step: plain frozen dataclasses, no Django.

Every parser returns one ParsedDocument and fills only what its document says;
the empty defaults mean “this document is silent on it”.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class AuthorFacts:
    name: str
    sort_name: str = ""


@dataclass(frozen=True)
class BookRef:
    """A book named in passing: a neighbour, a recommendation, a reading list entry."""

    title: str
    authors: tuple[AuthorFacts, ...] = ()


@dataclass(frozen=True)
class EditionFacts:
    isbn13: str
    line: int
    publisher: str = ""
    place: str = ""
    year: int | None = None
    published_on: date | None = None
    edition_statement: str = ""
    binding: str = ""
    pages: int | None = None
    dimensions: str = ""
    call_number_dewey: str = ""
    call_number_lc: str = ""
    call_number_local: str = ""
    cover_artist: str = ""


@dataclass(frozen=True)
class SubjectFacts:
    name: str
    kind: str  # Subject.Kind value


@dataclass(frozen=True)
class DescriptionFacts:
    kind: str  # Description.Kind value
    text: str
    truncated: bool = False


@dataclass(frozen=True)
class CharacterFacts:
    name: str
    role: str  # Character.Role value
    description: str
    alias: str = ""


@dataclass(frozen=True)
class AwardFacts:
    name: str
    result: str  # Award.Result value
    year: int | None = None
    rank: int | None = None
    note: str = ""


@dataclass(frozen=True)
class CreditFacts:
    name: str
    role: str  # AdaptationCredit.Role value
    character: str = ""


@dataclass(frozen=True)
class AdaptationFacts:
    medium: str
    title: str
    status: str
    year: int | None = None
    original_title: str = ""
    country: str = ""
    companies: str = ""
    note: str = ""
    credits: tuple[CreditFacts, ...] = ()


@dataclass(frozen=True)
class CriticFacts:
    kind: str  # CriticReview.Kind value
    excerpt: str
    critic: str = ""
    publication: str = ""
    published_on: date | None = None
    published_label: str = ""
    citation_title: str = ""
    rating: Decimal | None = None
    rating_scale: int | None = None
    strong_point: str = ""
    weak_point: str = ""


@dataclass(frozen=True)
class RatingFacts:
    name: str
    value: Decimal | None = None
    scale: Decimal | None = None
    count: int | None = None
    summary: str = ""


@dataclass(frozen=True)
class RecommendationFacts:
    text: str
    recommender: str = ""
    list_title: str = ""
    truncated: bool = False


@dataclass(frozen=True)
class RelatedFacts:
    book: BookRef
    reason: str = ""


@dataclass(frozen=True)
class CommunityComment:
    """A library member's dated comment (stored by the book-community step, not the catalog)."""

    handle: str
    posted_on: date
    rating: Decimal | None
    body: str
    line: int


@dataclass(frozen=True)
class AgeVote:
    """“X thinks this title is suitable for N years and over.”"""

    handle: str
    posted_on: date
    rating: Decimal | None
    minimum_age: int
    line: int


@dataclass(frozen=True)
class ParsedDocument:
    path: Path
    kind: str  # Source.Kind value
    title: str  # the document's own title, for the Source row
    book_title: str
    authors: tuple[AuthorFacts, ...] = ()
    url: str = ""
    original_title: str = ""
    first_published_year: int | None = None
    original_publisher: str = ""
    original_place: str = ""
    media_type: str = ""
    preceded_by: BookRef | None = None
    followed_by: BookRef | None = None
    editions: tuple[EditionFacts, ...] = ()
    subjects: tuple[SubjectFacts, ...] = ()
    descriptions: tuple[DescriptionFacts, ...] = ()
    characters: tuple[CharacterFacts, ...] = ()
    awards: tuple[AwardFacts, ...] = ()
    adaptations: tuple[AdaptationFacts, ...] = ()
    critic_reviews: tuple[CriticFacts, ...] = ()
    external_ratings: tuple[RatingFacts, ...] = ()
    recommendations: tuple[RecommendationFacts, ...] = ()
    related_books: tuple[RelatedFacts, ...] = ()
    coming_up: tuple[BookRef, ...] = ()
    # Library catalog only: community activity (stored by a post-import step).
    community_comments: tuple[CommunityComment, ...] = ()
    age_votes: tuple[AgeVote, ...] = ()
    staff_notes: tuple[str, ...] = ()
    discussion_date: date | None = None
    discussion_teaser: str = ""

    @property
    def file(self) -> str:
        return self.path.name
