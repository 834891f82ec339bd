"""A member's library, seen through the pages: the book page's "Your reading" card (htmx
and plain posts), the shelves page and the profile's shelves."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from discussions.models import ReadingProgress, Shelf, ShelfEntry
from discussions.services.library import reading_status_set, shelf_book_add, shelf_create

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CONSTRAINT_NAMES = (
    "one_reading_status_per_book",
    "read_through_ends_after_it_starts",
    "shelf_name_once_per_member",
    "book_once_per_shelf",
    "IntegrityError",
)


def _status_url(book) -> str:
    return reverse("discussions:reading_status", args=[book.slug])


def _book_page(client, book) -> str:
    response = client.get(reverse("catalog:book_detail", args=[book.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_want_to_read_as_htmx_answers_with_the_card_only(member_client, book):
    response = member_client.post(_status_url(book), {"status": "to-read"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "On your shelf: <strong>Want to read</strong>" in page
    assert "<html" not in page and "Community activity" not in page
    assert "On your shelf: <strong>Want to read</strong>" in _book_page(member_client, book)


def test_want_to_read_as_a_plain_post_returns_to_the_card(member_client, book):
    response = member_client.post(_status_url(book), {"status": "to-read"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/books/{book.slug}/#reading")
    assert "On your shelf: <strong>Want to read</strong>" in _book_page(member_client, book)


def test_reading_then_read_twice_keeps_both_read_throughs(member_client, book):
    member_client.post(_status_url(book), {"status": "currently-reading", "on": "2024-03-01"})
    page = _book_page(member_client, book)
    assert 'Currently reading</strong>, since <time datetime="2024-03-01">' in page
    member_client.post(_status_url(book), {"status": "read", "on": "2024-03-20"})
    member_client.post(_status_url(book), {"status": "read", "on": "2025-01-05"})
    page = _book_page(member_client, book)
    assert "On your shelf: <strong>Read</strong>" in page
    assert '<time datetime="2024-03-20">20 Mar 2024</time>' in page
    assert '<time datetime="2025-01-05">5 Jan 2025</time>' in page


def test_did_not_finish_records_the_point_reached(member_client, book):
    member_client.post(_status_url(book), {"status": "did-not-finish", "page": "120"}, **HTMX)
    page = _book_page(member_client, book)
    assert "On your shelf: <strong>Did not finish</strong>" in page
    assert "stopped at page 120" in page


def test_a_finish_before_the_start_is_refused_in_plain_words(member_client, book):
    member_client.post(_status_url(book), {"status": "currently-reading", "on": "2024-05-10"})
    for extra in ({}, HTMX):
        response = member_client.post(
            _status_url(book), {"status": "read", "on": "2024-05-01"}, **extra
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "The finish date is before the start date." in page
        assert not any(name in page for name in CONSTRAINT_NAMES)
    assert "Currently reading</strong>" in _book_page(member_client, book)


def test_a_point_reached_needs_did_not_finish(member_client, book):
    response = member_client.post(_status_url(book), {"status": "read", "page": "40"}, **HTMX)
    assert response.status_code == 400
    assert "Only a book you did not finish has a point reached." in response.content.decode()


def test_taking_a_book_off_the_shelves(member_client, book):
    member_client.post(_status_url(book), {"status": "to-read"})
    member_client.post(_status_url(book), {"clear": "1"}, **HTMX)
    assert "Not on your shelves yet." in _book_page(member_client, book)


def test_the_database_holds_one_status_per_book(member, book):
    entry = reading_status_set(user=member, book=book, status="to-read")
    read_shelf = Shelf.objects.get(user=member, kind=Shelf.Kind.READ)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShelfEntry.objects.create(shelf=read_shelf, book=book, user=member, is_status=True)
    assert ShelfEntry.objects.get(user=member, book=book, is_status=True) == entry


def test_visitors_are_asked_to_sign_in(client, book):
    assert "to keep this book on your shelves" in _book_page(client, book)
    response = client.post(_status_url(book), {"status": "to-read"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_makes_a_shelf_and_shelves_a_book_from_its_page(member_client, book):
    response = member_client.post(
        reverse("discussions:shelf_list"), {"name": "Comfort reads", "is_public": "on"}
    )
    assert response.status_code == 302
    shelf = Shelf.objects.get(name="Comfort reads")
    url = reverse("discussions:book_shelve", args=[book.slug])
    page = member_client.post(url, {"shelf": shelf.pk, "action": "add"}, **HTMX).content.decode()
    assert "On “Comfort reads”" in page
    assert member_client.post(url, {"shelf": shelf.pk, "action": "remove"}).status_code == 302
    assert "Add to “Comfort reads”" in _book_page(member_client, book)


def test_a_second_shelf_of_the_same_name_is_refused_in_plain_words(member_client):
    url = reverse("discussions:shelf_list")
    member_client.post(url, {"name": "Comfort reads"})
    response = member_client.post(url, {"name": "comfort READS"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "You already have a shelf with that name." in page
    assert not any(name in page for name in CONSTRAINT_NAMES)
    response = member_client.post(url, {"name": "read"})
    assert "You already have a shelf with that name." in response.content.decode()


def test_another_members_shelf_is_not_found(client, make_user, book):
    owner, intruder = make_user(), make_user()
    shelf = shelf_create(user=owner, name="Mine")
    client.force_login(intruder)
    url = reverse("discussions:book_shelve", args=[book.slug])
    assert client.post(url, {"shelf": shelf.pk, "action": "add"}).status_code == 404
    assert client.post(reverse("discussions:shelf_delete", args=[shelf.pk])).status_code == 404
    assert Shelf.objects.filter(pk=shelf.pk).exists() and not shelf.entries.exists()


def _profile(client, member) -> str:
    response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_private_shelf_shows_only_to_its_owner(client, make_user, make_book):
    owner, other = make_user(), make_user()
    secret = shelf_create(user=owner, name="Guilty pleasures", is_public=False)
    shelf_book_add(shelf=secret, book=make_book(title="Fifty Sheds of Grey"))
    reading_status_set(user=owner, book=make_book(title="Middlemarch"), status="to-read")
    owners = Client()
    owners.force_login(owner)
    others = Client()
    others.force_login(other)
    page = _profile(owners, owner)
    assert "Guilty pleasures" in page and "Fifty Sheds of Grey" in page and "Middlemarch" in page
    for reader in (others, client, client):  # the visitor twice: the stored copy too
        page = _profile(reader, owner)
        assert "Middlemarch" in page
        assert "Guilty pleasures" not in page and "Fifty Sheds of Grey" not in page


def test_a_visitors_stored_profile_shows_a_new_public_entry_at_once(client, make_user, make_book):
    owner = make_user()
    shelf = shelf_create(user=owner, name="Sea stories")
    first = _profile(client, owner)
    etag = client.get(owner.get_absolute_url())["ETag"]
    assert "Moby-Dick" not in first
    owners = Client()
    owners.force_login(owner)
    book = make_book(title="Moby-Dick")
    url = reverse("discussions:book_shelve", args=[book.slug])
    assert owners.post(url, {"shelf": shelf.pk, "action": "add"}).status_code == 302
    assert "Moby-Dick" in _profile(client, owner)
    assert client.get(owner.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200
    # Made private: gone from the visitor's next look.
    update = reverse("discussions:shelf_update", args=[shelf.pk])
    assert owners.post(update, {"name": "Sea stories"}).status_code == 302
    assert "Moby-Dick" not in _profile(client, owner)


def test_a_private_clubs_reading_never_reaches_the_profile(
    client, member, private_club, make_meeting, make_book
):
    from discussions.models import Membership

    Membership.objects.create(club=private_club, user=member)
    meeting = make_meeting(private_club, book=make_book(title="The Secret History"))
    ReadingProgress.objects.create(user=member, book=meeting.book, page=40)
    page = _profile(client, member)
    assert "The Secret History" not in page and private_club.name not in page


def test_the_book_page_stays_within_its_query_budget_for_a_shelving_member(
    member_client, member, book, django_assert_max_num_queries
):
    shelf_create(user=member, name="Favourites")
    reading_status_set(user=member, book=book, status="currently-reading")
    _book_page(member_client, book)  # warm the shared fragments
    with django_assert_max_num_queries(12):
        page = _book_page(member_client, book)
    assert "Currently reading</strong>" in page and "Add to “Favourites”" in page
