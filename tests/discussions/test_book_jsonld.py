"""The book page's schema.org JSON-LD, read from the page a search engine gets."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from discussions.services.ratings import age_vote_set, rating_set

pytestmark = pytest.mark.django_db


def page_jsonld(book) -> dict:
    html = Client().get(book.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_book_pages_jsonld_carries_ratings_reviews_and_the_age_range(book, make_user, post):
    reader, other, third = make_user(), make_user(), make_user()
    rating_set(book=book, user=reader, value=Decimal("4.5"))
    rating_set(book=book, user=other, value=Decimal("3"))
    rating_set(book=book, user=third, value=Decimal("3"))
    age_vote_set(book=book, user=reader, minimum_age=14)
    post(reader, "Quietly devastating.")
    data = page_jsonld(book)
    assert data["@type"] == "Book" and data["name"] == book.title
    assert data["aggregateRating"]["ratingValue"] == "3.50"
    assert data["aggregateRating"]["ratingCount"] == 3
    (review,) = data["review"]
    assert review["reviewBody"] == "Quietly devastating."
    assert review["reviewRating"]["ratingValue"] == "4.5"
    assert data["typicalAgeRange"] == "14-"


def test_a_new_rating_shows_in_the_jsonld_of_the_cached_page(book, make_user):
    assert "aggregateRating" not in page_jsonld(book)
    rating_set(book=book, user=make_user(), value=Decimal("2"))
    assert page_jsonld(book)["aggregateRating"]["ratingValue"] == "2.00"
