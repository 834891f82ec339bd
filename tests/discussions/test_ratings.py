"""Half-star ratings and age votes: one per member per book, honest aggregates."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions.models import AgeVote, Rating
from discussions.selectors import age_summary, rating_summary
from discussions.services import ratings as services
from discussions.services.errors import DiscussionError

HTMX = {"HTTP_HX_REQUEST": "true"}


def _rate_url(book):
    return reverse("discussions:rate", kwargs={"slug": book.slug})


def _age_url(book):
    return reverse("discussions:age_vote", kwargs={"slug": book.slug})


@pytest.mark.parametrize("value", ["0.5", "3.5", "5"])
def test_half_star_ratings_are_accepted(member, book, value):
    assert services.rating_set(book=book, user=member, value=Decimal(value)).value == Decimal(value)


@pytest.mark.parametrize("value", ["0", "3.3", "5.5", "-1"])
def test_ratings_off_the_half_star_scale_are_refused(member, book, value):
    with pytest.raises(DiscussionError):
        services.rating_set(book=book, user=member, value=Decimal(value))


def test_the_database_refuses_off_scale_ratings(member, book):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            book=book, user=member, value=Decimal("3.3"), created_at=timezone.now()
        )


def test_a_second_rating_from_the_same_member_updates_never_duplicates(member_client, member, book):
    member_client.post(_rate_url(book), {"value": "2"})
    member_client.post(_rate_url(book), {"value": "4.5"})
    assert Rating.objects.get(book=book, user=member).value == Decimal("4.5")


def test_the_database_refuses_a_duplicate_rating(member, book):
    services.rating_set(book=book, user=member, value=Decimal(3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(book=book, user=member, value=Decimal(4), created_at=timezone.now())


def test_withdrawing_a_rating(member_client, member, book):
    member_client.post(_rate_url(book), {"value": "2"})
    member_client.post(_rate_url(book), {"withdraw": "1"})
    assert not Rating.objects.exists()


def test_rating_by_htmx_returns_the_ratings_card(member_client, book):
    response = member_client.post(_rate_url(book), {"value": "3.5"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'Your rating: <span class="my-rating">3½ stars' in html
    assert "from 1 rating" in html


def test_rating_without_javascript_redirects_back_to_the_section(member_client, book):
    response = member_client.post(_rate_url(book), {"value": "3.5"})
    assert response.status_code == 302 and response["Location"].endswith("#ratings")


def test_bad_rating_shows_an_error(member_client, book):
    response = member_client.post(_rate_url(book), {"value": "7"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = member_client.post(_rate_url(book), {}, **HTMX)
    assert response.status_code == 400 and "Choose a rating" in response.content.decode()


def test_anonymous_ratings_and_votes_are_refused(client, book):
    assert client.post(_rate_url(book), {"value": "3"}).status_code == 302
    assert client.post(_age_url(book), {"minimum_age": "12"}).status_code == 302
    assert not Rating.objects.exists() and not AgeVote.objects.exists()


def test_stars_widget_is_radio_inputs_with_labels(member_client, community_url):
    html = member_client.get(community_url).content.decode()
    assert html.count('type="radio" name="value"') == 10
    assert '<span class="visually-hidden">3.5 stars</span>' in html
    assert "<legend>Your rating" in html and "Save rating" in html


def test_average_count_and_histogram(make_user, book):
    for value in ["5", "4", "4", "1.5"]:
        services.rating_set(book=book, user=make_user(), value=Decimal(value))
    summary = rating_summary(book)
    assert summary["count"] == 4 and summary["average"] == Decimal("3.6")
    bars = {bar["value"]: bar["count"] for bar in summary["histogram"]}
    assert bars[Decimal(4)] == 2 and bars[Decimal("1.5")] == 1 and bars[Decimal(3)] == 0


def test_age_votes_show_median_and_spread(make_user, book, member_client, community_url):
    for age in [10, 12, 14, 18]:
        services.age_vote_set(book=book, user=make_user(), minimum_age=age)
    summary = age_summary(book)
    assert summary["consensus"] == 13 and (summary["youngest"], summary["oldest"]) == (10, 18)
    html = member_client.get(community_url).content.decode()
    assert "Suitable for <strong>13 years and over</strong>" in html
    assert "Votes range from 10 to 18 years" in html


def test_age_vote_is_changeable_never_duplicated(member_client, member, book):
    member_client.post(_age_url(book), {"minimum_age": "12"})
    html = member_client.post(_age_url(book), {"minimum_age": "14"}, **HTMX).content.decode()
    assert AgeVote.objects.get(user=member).minimum_age == 14
    assert "Your vote: 14+" in html


def test_age_votes_outside_the_range_are_refused(member_client, member, book):
    assert member_client.post(_age_url(book), {"minimum_age": "99"}).status_code == 400
    with pytest.raises(DiscussionError):
        services.age_vote_set(book=book, user=member, minimum_age=0)


def test_jsonld_has_aggregate_rating_reviews_and_typical_age_range(
    member, make_user, book, post, client, community_url
):
    services.rating_set(book=book, user=member, value=Decimal("4.5"))
    services.age_vote_set(book=book, user=member, minimum_age=14)
    post(member, "Loved it </script><script>alert(1)</script>")
    post(make_user(), "No rating from me")
    data = page_jsonld(client, community_url)
    assert data["aggregateRating"]["ratingValue"] == "4.50"
    assert data["aggregateRating"]["ratingCount"] == 1
    assert data["typicalAgeRange"] == "14-"
    assert len(data["review"]) == 1
    assert data["review"][0]["reviewRating"]["ratingValue"] == "4.5"
    html = client.get(community_url).content.decode()
    assert '<script type="application/ld+json">' in html
    assert "</script><script>alert(1)" not in html


def test_empty_book_has_no_aggregate_in_jsonld(book, client, community_url):
    data = page_jsonld(client, community_url)
    assert not {"aggregateRating", "review", "typicalAgeRange"} & set(data)


def page_jsonld(client, url) -> dict:
    """The JSON-LD a search engine reads on the page."""
    import json
    import re

    html = client.get(url).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db(transaction=True)
def test_parallel_ratings_from_one_member_never_create_two_rows(make_user, make_book):
    """Runs on SQLite and PostgreSQL: the unique constraint, not the form, keeps one row."""
    member = make_user()
    book = make_book()
    values = ["1", "2", "3", "4", "5", "3.5"]
    barrier = threading.Barrier(len(values), timeout=20)
    statuses = []
    clients = []
    for _ in values:
        clients.append(Client())
        clients[-1].force_login(member)

    def submit(client, value):
        barrier.wait()
        try:
            statuses.append(client.post(_rate_url(book), {"value": value}).status_code)
            client.post(_age_url(book), {"minimum_age": "12"})
        finally:
            connection.close()

    workers = [
        threading.Thread(target=submit, args=pair) for pair in zip(clients, values, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert statuses == [302] * 6
    assert Rating.objects.filter(book=book, user=member).count() == 1
    assert AgeVote.objects.filter(book=book, user=member).count() == 1


def _age_select(html: str) -> str:
    import re

    return re.search(r'<select name="minimum_age".*?</select>', html, re.S).group(0)


def test_a_member_who_has_not_voted_must_choose_an_age(member_client, book, community_url):
    select = _age_select(member_client.get(community_url).content.decode())
    first = select.split("<option", 2)[1]
    assert 'value=""' in first and "selected" in first and "Choose an age" in first
    assert select.count("selected") == 1
    assert ">1 year and over<" in select and ">2 years and over<" in select
    assert ">1 years" not in select

    response = member_client.post(_age_url(book), {"minimum_age": ""}, **HTMX)
    assert response.status_code == 400
    assert "Choose an age." in response.content.decode()
    assert not AgeVote.objects.exists()


def test_a_member_who_voted_sees_their_age_chosen_and_no_empty_choice(
    member_client, member, book, community_url
):
    services.age_vote_set(book=book, user=member, minimum_age=12)
    select = _age_select(member_client.get(community_url).content.decode())
    assert "Choose an age" not in select
    assert '<option value="12" selected>12 years and over</option>' in select


def test_the_consensus_says_year_in_the_singular(make_user, book, client, community_url):
    services.age_vote_set(book=book, user=make_user(), minimum_age=1)
    html = client.get(community_url).content.decode()
    assert "Suitable for <strong>1 year and over</strong>" in html
