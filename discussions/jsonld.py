"""schema.org data about a book's community, merged into the book page's JSON-LD."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from catalog.models import Book
from discussions.models import Comment, Rating

REVIEWS = 5


def reviews_jsonld(book: Book) -> list[dict]:
    """Recent top-level comments whose author (member or imported handle) rated the book."""
    comments = list(
        Comment.objects.filter(
            thread__book=book, parent__isnull=True, deleted_at__isnull=True, is_hidden=False
        )
        .select_related("author")
        .order_by("-created_at")[:50]
    )
    ratings = Rating.objects.filter(book=book).values_list("user_id", "imported_handle", "value")
    by_user = {user_id: value for user_id, _, value in ratings if user_id}
    by_handle = {handle: value for user_id, handle, value in ratings if not user_id}
    reviews = []
    for comment in comments:
        value = (
            by_user.get(comment.author_id)
            if comment.author_id
            else by_handle.get(comment.imported_handle)
        )
        if value is None:
            continue
        reviews.append(
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": comment.author_name},
                "datePublished": comment.created_at.date().isoformat(),
                "reviewBody": comment.body[:500],
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": str(value),
                    "bestRating": "5",
                    "worstRating": "0.5",
                },
            }
        )
        if len(reviews) == REVIEWS:
            break
    return reviews


def community_jsonld(shared: dict) -> dict:
    """aggregateRating, review and typicalAgeRange keys from the book's shared community
    (discussions.selectors.shared_community); absent ones are left out."""
    data: dict = {}
    ratings = shared["ratings"]
    if ratings["count"]:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(ratings["average_two_places"]),
            "ratingCount": ratings["count"],
            "bestRating": "5",
            "worstRating": "0.5",
        }
    if shared["reviews"]:
        data["review"] = shared["reviews"]
    if shared["age"]["consensus"] is not None:
        data["typicalAgeRange"] = f"{shared['age']['consensus']}-"
    return data


def jsonld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> that text in the data cannot break out of."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
