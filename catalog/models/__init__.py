"""The catalog: works, their editions and what the seed documents say about them."""

from catalog.models.book import Author, Authorship, Book, BookSubject, Mention, Source, Subject
from catalog.models.edition import Edition
from catalog.models.facts import (
    Adaptation,
    AdaptationCredit,
    Award,
    Character,
    CriticReview,
    Description,
    ExternalRating,
    Recommendation,
    RelatedBook,
)

__all__ = [
    "Adaptation",
    "AdaptationCredit",
    "Author",
    "Authorship",
    "Award",
    "Book",
    "BookSubject",
    "Character",
    "CriticReview",
    "Description",
    "Edition",
    "ExternalRating",
    "Mention",
    "Recommendation",
    "RelatedBook",
    "Source",
    "Subject",
]
