"""A member's reading-stats page: charts drawn on the server, readable without JavaScript."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.isbn import isbn13_with_check_digit
from catalog.models import BookSubject, Edition, Subject
from discussions.models import ReadingGoal, ReadThrough
from discussions.services.ratings import rating_set

STATS = reverse("discussions:reading_stats")


@pytest.fixture
def finished(member, make_book):
    """finished(on, started=None, pages=None, genre=None) -> a book the member read."""
    numbers = iter(range(100000000, 999999999))

    def read(on: str, started: str | None = None, pages: int | None = None, genre: str = ""):
        book = make_book()
        if pages:
            isbn = isbn13_with_check_digit(f"978{next(numbers)}")
            Edition.objects.create(book=book, isbn13=isbn, pages=pages)
        if genre:
            subject, _ = Subject.objects.get_or_create(
                slug=genre.lower(), kind="genre", defaults={"name": genre}
            )
            BookSubject.objects.create(book=book, subject=subject)
        ReadThrough.objects.create(
            user=member,
            book=book,
            outcome="read",
            started_on=datetime.date.fromisoformat(started) if started else None,
            finished_on=datetime.date.fromisoformat(on),
        )
        return book

    return read


def chart(html: str, slug: str) -> str:
    return re.search(rf'<figure class="stats-chart" id="chart-{slug}">.*?</figure>', html, re.S)[0]


def test_books_and_pages_per_year_are_drawn_with_a_text_alternative(member_client, finished):
    finished("2023-05-02", pages=300)
    finished("2024-01-10", pages=200)
    finished("2024-03-15", pages=150)
    html = member_client.get(STATS).content.decode()
    books = chart(html, "books-year")
    assert "<svg" in books and 'role="img"' in books
    assert "Books finished per year (books): 2023: 1, 2024: 2." in books
    assert '<th scope="row">2024</th><td>2</td>' in books
    assert "Pages read per year (pages): 2023: 300, 2024: 350." in chart(html, "pages-year")
    assert "<strong>3</strong> books finished" in html
    assert "<strong>650</strong> pages read" in html


def test_the_months_of_a_chosen_year(member_client, finished):
    finished("2024-01-10", pages=200)
    finished("2024-01-20", pages=100)
    finished("2024-03-15")
    html = member_client.get(STATS, {"year": "2024"}).content.decode()
    months = chart(html, "books-month")
    assert "Books finished per month in 2024 (books): Jan: 2, Mar: 1." in months
    assert "Pages read per month in 2024 (pages): Jan: 300." in chart(html, "pages-month")


def test_ratings_genres_and_days_to_finish(member, member_client, finished):
    first = finished("2024-02-10", started="2024-02-01", genre="Science fiction")
    finished("2024-02-20", started="2024-02-11", genre="Science fiction")
    finished("2024-03-01", genre="Mystery")
    rating_set(book=first, user=member, value=Decimal("4.5"))
    html = member_client.get(STATS).content.decode()
    assert "Your star ratings (books): 4.5★: 1." in chart(html, "ratings")
    assert "Science fiction: 2, Mystery: 1." in chart(html, "genres")
    assert "<strong>10.0</strong> days on average to finish a book (of 2 with a start date)" in (
        html
    )


def test_nothing_is_loaded_from_elsewhere_and_a_newcomer_sees_empty_charts(member_client):
    html = member_client.get(STATS).content.decode()
    assert "Books finished per year: none yet." in html
    assert "https://" not in re.sub(r'xmlns="[^"]+"', "", html.split("<main", 1)[-1])


def test_a_yearly_goal_is_optional_and_soft(member, member_client, finished):
    finished(timezone.localdate().isoformat())
    assert "No goal set" in member_client.get(STATS).content.decode()
    response = member_client.post(reverse("discussions:reading_goal"), {"books": "24"})
    assert response.status_code == 302
    html = member_client.get(STATS).content.decode()
    assert "1 of 24 books so far" in html
    member_client.post(reverse("discussions:reading_goal"), {"books": ""})
    assert not ReadingGoal.objects.exists()


def test_a_goal_posted_with_htmx_answers_with_the_goal_card(member_client):
    response = member_client.post(
        reverse("discussions:reading_goal"), {"books": "12"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="goal"' in html and "0 of 12 books so far" in html


def test_a_bad_goal_is_refused_in_plain_words_and_keeps_what_was_typed(member_client):
    response = member_client.post(reverse("discussions:reading_goal"), {"books": "5000"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "A goal is at most 1000 books." in html
    assert 'value="5000"' in html


def test_the_stats_are_the_members_own(finished, make_user):
    finished("2024-01-10")
    client = Client()
    assert client.get(STATS).status_code == 302  # sign in first
    client.force_login(make_user())
    assert "<strong>0</strong> books finished" in client.get(STATS).content.decode()


def test_the_stats_page_has_a_constant_number_of_queries(
    member_client, finished, django_assert_max_num_queries
):
    for year in range(2015, 2025):
        finished(f"{year}-06-01", started=f"{year}-05-01", pages=100, genre=f"Genre {year}")
    with django_assert_max_num_queries(12):
        assert member_client.get(STATS).status_code == 200
