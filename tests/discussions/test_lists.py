"""Book lists: personal and club lists, their pages, Atom feeds and JSON-LD."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Edition
from discussions.models import BookList, Club, Meeting
from discussions.services.lists import book_list_create, list_item_add


@pytest.fixture
def books(make_book):
    dune = make_book("Dune")
    Edition.objects.create(book=dune, isbn13="9780441013593")
    return {"dune": dune, "emma": make_book("Emma"), "ulysses": make_book("Ulysses")}


def items_in_order(html: str) -> list[str]:
    listed = re.search(r'<ol class="book-list-items">.*?</ol>', html, re.S)
    return (
        re.findall(r'<li id="item-\d+">\s*<a href="[^"]+">([^<]+)</a>', listed[0]) if listed else []
    )


def add(client, book_list, book: str, note: str = "", **extra):
    url = reverse("discussions:list_item_add", args=[book_list.pk])
    return client.post(url, {"book": book, "note": note}, **extra)


def test_a_member_makes_a_list_and_adds_books_with_notes_in_order(member_client, books):
    response = member_client.post(
        reverse("discussions:my_lists"), {"title": "Desert island", "is_public": "on"}
    )
    book_list = BookList.objects.get()
    assert response["Location"] == book_list.get_absolute_url()
    add(member_client, book_list, "dune", "Spice, sand, and ecology.")
    add(member_client, book_list, "9780441013593")  # already there, by ISBN
    add(member_client, book_list, "Emma")
    html = member_client.get(book_list.get_absolute_url()).content.decode()
    assert items_in_order(html) == ["Dune", "Emma"]
    assert "Spice, sand, and ecology." in html


def test_adding_a_book_twice_or_an_unknown_book_is_refused_and_keeps_the_note(
    member, member_client, books
):
    book_list = book_list_create(owner=member, title="Mine")
    list_item_add(book_list=book_list, book=books["dune"], added_by=member)
    response = add(member_client, book_list, "Dune", "My careful note")
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Dune” is already on this list." in html and "My careful note" in html
    response = add(member_client, book_list, "Dunes", "Another note", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "No book in the catalog is titled “Dunes”" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_books_move_up_and_down_and_come_off_the_list(member, member_client, books):
    book_list = book_list_create(owner=member, title="Mine")
    items = [
        list_item_add(book_list=book_list, book=books[key], added_by=member)
        for key in ("dune", "emma", "ulysses")
    ]
    change = reverse("discussions:list_item_change", args=[book_list.pk, items[2].pk])
    member_client.post(change, {"action": "up"})
    html = member_client.get(book_list.get_absolute_url()).content.decode()
    assert items_in_order(html) == ["Dune", "Ulysses", "Emma"]
    remove = reverse("discussions:list_item_change", args=[book_list.pk, items[0].pk])
    response = member_client.post(remove, {"action": "remove"}, HTTP_HX_REQUEST="true")
    assert items_in_order(response.content.decode()) == ["Ulysses", "Emma"]


def test_a_private_list_is_its_owners_alone(member, member_client, books, make_user):
    book_list = book_list_create(owner=member, title="Guilty pleasures", is_public=False)
    feed = reverse("discussions:book_list_feed", args=[book_list.pk])
    stranger = Client()
    stranger.force_login(make_user())
    for client in (Client(), stranger):
        assert client.get(book_list.get_absolute_url()).status_code == 404
        assert client.get(feed).status_code == 404
    assert b"Guilty pleasures" in member_client.get(book_list.get_absolute_url()).content


def test_only_the_owner_edits_a_personal_list(member, books, make_user):
    book_list = book_list_create(owner=member, title="Mine")
    client = Client()
    client.force_login(make_user())
    assert client.get(book_list.get_absolute_url()).status_code == 200
    assert add(client, book_list, "Dune").status_code == 403
    assert not book_list.items.exists()


def test_a_club_list_is_edited_by_any_member(make_club, make_user, books):
    first, second, outsider = make_user(), make_user(), make_user()
    club = make_club(members=[first, second])
    client = Client()
    client.force_login(first)
    client.post(reverse("discussions:club_list_create", args=[club.slug]), {"title": "Suggestions"})
    suggestions = BookList.objects.get(club=club)
    add(client, suggestions, "Dune", "For spring")
    client.force_login(second)
    add(client, suggestions, "Emma")
    assert items_in_order(client.get(suggestions.get_absolute_url()).content.decode()) == [
        "Dune",
        "Emma",
    ]
    client.force_login(outsider)
    assert add(client, suggestions, "Ulysses").status_code == 403


def test_a_private_clubs_lists_are_404_for_non_members_everywhere(
    private_club, organiser, make_user, books
):
    suggestions = book_list_create(club=private_club, title="Whispered picks")
    list_item_add(book_list=suggestions, book=books["dune"], added_by=organiser)
    outsider = Client()
    outsider.force_login(make_user())
    for client in (Client(), outsider):
        for path in (
            suggestions.get_absolute_url(),
            reverse("discussions:book_list_feed", args=[suggestions.pk]),
            reverse("discussions:club_books_read", args=[private_club.slug]),
            reverse("discussions:club_books_read_feed", args=[private_club.slug]),
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert b"Whispered" not in response.content
    insider = Client()
    insider.force_login(organiser)
    assert b"Whispered picks" in insider.get(suggestions.get_absolute_url()).content


def test_books_we_have_read_fills_itself_from_past_meetings(make_club, make_meeting, books, client):
    club = make_club()
    now = timezone.now()
    make_meeting(club, book=books["emma"], starts_at=now - datetime.timedelta(days=40))
    make_meeting(club, book=books["dune"], starts_at=now - datetime.timedelta(days=10))
    make_meeting(club, book=books["ulysses"], starts_at=now + datetime.timedelta(days=10))
    cancelled = make_meeting(club, book=books["ulysses"], starts_at=now - datetime.timedelta(5))
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    assert list(club.books_read()) == [books["dune"], books["emma"]]
    html = client.get(reverse("discussions:club_books_read", args=[club.slug])).content.decode()
    assert items_in_order(html) == ["Dune", "Emma"]


def test_each_list_has_an_atom_feed_and_itemlist_json_ld(member, books, client):
    book_list = book_list_create(owner=member, title="Desert island")
    list_item_add(book_list=book_list, book=books["dune"], note="Sand </script>", added_by=member)
    list_item_add(book_list=book_list, book=books["emma"], added_by=member)
    feed = client.get(reverse("discussions:book_list_feed", args=[book_list.pk]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "<title>1. Dune</title>" in body and "<title>2. Emma</title>" in body
    html = client.get(book_list.get_absolute_url()).content.decode()
    assert "Sand </script>" not in html.split("<body", 1)[0]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])
    assert data["@type"] == "ItemList" and data["numberOfItems"] == 2
    first = data["itemListElement"][0]
    assert (first["position"], first["item"]["name"], first["item"]["description"]) == (
        1,
        "Dune",
        "Sand </script>",
    )


def test_the_list_pages_have_a_constant_number_of_queries(
    member, member_client, make_book, make_club, django_assert_max_num_queries
):
    book_list = book_list_create(owner=member, title="Long")
    for n in range(30):
        list_item_add(book_list=book_list, book=make_book(f"Book {n}"), added_by=member)
    club = make_club(members=[member])
    book_list_create(club=club, title="Club list")
    with django_assert_max_num_queries(12):
        assert member_client.get(book_list.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert member_client.get(reverse("discussions:my_lists")).status_code == 200
    with django_assert_max_num_queries(12):
        member_client.get(reverse("discussions:club_books_read", args=[club.slug]))
    assert Club.objects.count() == 1


def test_a_refused_change_to_a_list_keeps_what_was_typed(member, member_client):
    book_list = book_list_create(owner=member, title="Mine")
    url = reverse("discussions:book_list_edit", args=[book_list.pk])
    response = member_client.post(url, {"title": "", "description": "A long thought"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the list a title." in html and "A long thought" in html
    book_list.refresh_from_db()
    assert book_list.title == "Mine"
