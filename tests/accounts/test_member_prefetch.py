"""A signed-in page fetches the member, the header's reads and the page's first reads from
the cache in one round trip (bookclub.accounts.middleware.MemberPrefetchMiddleware)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import note_redis_commands


@pytest.fixture
def book(db):
    from catalog.models import Book

    return Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")


@pytest.mark.django_db
def test_a_members_book_page_asks_the_cache_once_when_warm(
    redis_as_the_cache, monkeypatch, member, book
):
    reader = Client()
    reader.force_login(member)
    for _ in range(2):  # the shared page, the member and their reads are cached now
        assert reader.get(book.get_absolute_url()).status_code == 200

    sent = note_redis_commands(cache, monkeypatch)
    reader.get(book.get_absolute_url())
    # One MGET: the member, the header's badge and flags, the catalog's and the book's
    # community's versions, and what the community section keys by the version seen last.
    assert sent == ["MGET"]


@pytest.mark.django_db
def test_after_a_write_about_the_book_the_page_reads_the_new_version(
    redis_as_the_cache, member, book
):
    """The guess at the community section's keys goes stale with a rating: the page reads
    the new version's keys and shows the new rating, not what was guessed."""
    from discussions.services.ratings import rating_set

    reader = Client()
    reader.force_login(member)
    for _ in range(2):
        assert "Your rating:" not in reader.get(book.get_absolute_url()).content.decode()
    rating_set(book=book, user=member, value=4)

    page = reader.get(book.get_absolute_url()).content.decode()
    assert 'Your rating: <span class="my-rating">4' in page


@pytest.mark.django_db
def test_the_member_read_first_is_still_checked_against_the_session(
    redis_as_the_cache, member, book
):
    reader = Client()
    reader.force_login(member)
    assert "Log out" in reader.get(book.get_absolute_url()).content.decode()
    member.set_password("a new and different password")
    member.save()  # every session made with the old password ends
    response = reader.get(book.get_absolute_url())
    assert "Log out" not in response.content.decode()


@pytest.mark.django_db
def test_times_are_shown_in_the_members_own_zone(redis_as_the_cache, member, client):
    from django.utils import timezone

    member.time_zone = "Asia/Tokyo"
    member.save()
    client.force_login(member)
    seen = {}

    def note_zone(sender, **kwargs):
        seen["zone"] = timezone.get_current_timezone_name()

    from django.test.signals import template_rendered

    template_rendered.connect(note_zone)
    try:
        client.get("/")
    finally:
        template_rendered.disconnect(note_zone)
    assert seen["zone"] == "Asia/Tokyo"
    assert timezone.get_current_timezone_name() == "UTC"  # not left behind for the next
