"""Public pages carry an ETag from their data versions and revalidate with a 304; members'
pages are private. Through the headers and bodies a browser or a proxy gets."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from discussions.services.ratings import rating_set

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    lambda book, member: reverse("home"),
    lambda book, member: book.get_absolute_url(),
    lambda book, member: reverse("discussions:book_community", kwargs={"slug": book.slug}),
    lambda book, member: reverse("catalog:book_list"),
    lambda book, member: reverse("catalog:search") + "?q=never",
    lambda book, member: reverse("accounts:profile", kwargs={"username": member.username}),
]


@pytest.fixture(
    params=range(len(PUBLIC_PAGES)), ids=["home", "book", "community", "list", "search", "profile"]
)
def public_url(request, book, member):
    return PUBLIC_PAGES[request.param](book, member)


def test_a_visitors_page_is_public_with_an_etag_and_varies_on_the_cookie(public_url):
    response = Client().get(public_url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "stale-while-revalidate=" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_revalidating_an_unchanged_page_answers_304_without_a_body(public_url):
    first = Client().get(public_url)
    again = Client().get(public_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_members_page_is_private_and_never_answers_a_visitors_etag(member_client, public_url):
    etag = Client().get(public_url)["ETag"]
    response = member_client.get(public_url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_a_rating_changes_the_book_pages_etag_and_the_page(book, make_user):
    url = book.get_absolute_url()
    before = Client().get(url)
    rating_set(book=book, user=make_user(), value=Decimal("4"))
    after = Client().get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "from 1 rating" in after.content.decode()


def test_query_parameters_the_page_does_not_read_share_its_etag(book):
    url = book.get_absolute_url()
    plain = Client().get(url)["ETag"]
    assert Client().get(url + "?utm_source=mail")["ETag"] == plain
    assert Client().get(url + "?sort=oldest")["ETag"] != plain


def test_htmx_fragments_and_whole_pages_never_share_an_etag(book):
    url = reverse("discussions:book_community", kwargs={"slug": book.slug})
    whole = Client().get(url)
    fragment = Client().get(url, HTTP_HX_REQUEST="true")
    assert fragment["ETag"] != whole["ETag"]
    assert "HX-Request" in fragment["Vary"]


def test_a_visitor_with_a_message_waiting_gets_it_not_the_stored_page(client, member, book):
    url = book.get_absolute_url()
    Client().get(url)  # the stored copy exists now
    client.force_login(member)
    client.post(reverse("account_logout"))
    response = client.get(url)
    assert "You have signed out." in response.content.decode()
    assert not response.has_header("ETag")
