"""The book's community aggregates are cached, and every write shows at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from discussions.models import ContentNotice

pytestmark = pytest.mark.django_db


def community_html(book) -> str:
    return (
        Client()
        .get(reverse("discussions:book_community", kwargs={"slug": book.slug}))
        .content.decode()
    )


def test_a_rating_shows_in_the_cached_aggregates_at_once(member_client, book):
    assert "out of 5 from" not in community_html(book)
    member_client.post(reverse("discussions:rate", kwargs={"slug": book.slug}), {"value": "3.5"})
    assert "3.5" in community_html(book) and "from 1 rating" in community_html(book)
    member_client.post(reverse("discussions:rate", kwargs={"slug": book.slug}), {"value": "5"})
    assert "5.0" in community_html(book)


def test_a_comment_and_its_deletion_show_in_the_cached_count_at_once(member_client, member, post):
    comment = post(member, "Hailsham")
    book = comment.thread.book
    assert "(1 comment)" in community_html(book)
    member_client.post(reverse("discussions:comment_delete", kwargs={"pk": comment.pk}))
    assert "Hailsham" not in community_html(book)


def test_seconding_a_notice_updates_the_shared_count(member_client, make_user, book):
    notice = ContentNotice.objects.create(
        book=book, author=make_user(), category=ContentNotice.Category.VIOLENCE, note="x"
    )
    before = community_html(book)
    member_client.post(
        reverse("discussions:notice_second", kwargs={"slug": book.slug, "pk": notice.pk})
    )
    after = community_html(book)
    assert before != after
    assert (
        "You agree with this notice."
        in member_client.get(
            reverse("discussions:book_community", kwargs={"slug": book.slug})
        ).content.decode()
    )


def test_visitors_book_community_costs_few_queries_once_cached(
    book, post, member, django_assert_max_num_queries
):
    post(member, "first")
    community_html(book)
    with django_assert_max_num_queries(5):
        community_html(book)


def test_a_visitors_cached_book_page_shows_a_new_comment_and_rating_at_once(
    member_client, member, post, django_assert_max_num_queries
):
    comment = post(member, "First thoughts")
    book = comment.thread.book
    visitor = Client()
    assert "First thoughts" in visitor.get(book.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(0):
        visitor.get(book.get_absolute_url())  # served from the visitor's page cache
    post(member, "Second thoughts")
    member_client.post(reverse("discussions:rate", kwargs={"slug": book.slug}), {"value": "4"})
    html = visitor.get(book.get_absolute_url()).content.decode()
    assert "Second thoughts" in html and "from 1 rating" in html
    # Sorting is part of the page: each order is its own cached page.
    # (The discussion, not the JSON-LD's reviews in the head.)
    oldest = visitor.get(book.get_absolute_url(), {"sort": "oldest"}).content.decode()
    oldest = oldest.split('id="discussion"', 1)[1]
    assert oldest.index("First thoughts") < oldest.index("Second thoughts")
    newest = visitor.get(book.get_absolute_url()).content.decode().split('id="discussion"', 1)[1]
    assert newest.index("Second thoughts") < newest.index("First thoughts")


def test_signed_in_members_never_get_a_visitors_cached_page(member_client, member, post):
    comment = post(member, "Mine")
    html = member_client.get(comment.thread.book.get_absolute_url()).content.decode()
    assert "Log out" in html
    assert 'name="value"' in html, "the rating form is there for members"


def test_after_a_post_the_redirect_is_built_without_a_query(book, django_assert_num_queries):
    """A query after the commit could fail and tell the member their saved comment failed."""
    from discussions.services.comments import thread_for_book

    thread = thread_for_book(book=book)
    with django_assert_num_queries(0):
        assert thread.get_absolute_url() == book.get_absolute_url()


@pytest.fixture
def database_lost_after_the_write(monkeypatch):
    """The database goes away the moment a comment is stored: any query after it fails
    until the test calls the function this fixture gives (the database is back)."""
    from django.db import OperationalError, connection

    from discussions.services import comments

    real_comment_create = comments.comment_create
    lost = []

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    def write_then_lose_the_database(**arguments):
        comment = real_comment_create(**arguments)
        lost.append(connection.execute_wrapper(refuse))
        lost[-1].__enter__()
        return comment

    def end():
        while lost:
            lost.pop().__exit__(None, None, None)

    monkeypatch.setattr(comments, "comment_create", write_then_lose_the_database)
    yield end
    end()


@pytest.mark.parametrize("where", ["book", "book reply", "meeting", "meeting reply"])
def test_a_stored_post_is_answered_as_stored_even_if_the_database_goes_away(
    where, member, member_client, book, make_club, make_meeting, database_lost_after_the_write
):
    """Every post's answer is built from what was loaded before the write: a 503 for a
    comment that was saved would make the member post it again (the bench caught one)."""
    from discussions.models import Comment
    from discussions.services.comments import (
        comment_create,
        thread_for_book,
        thread_for_meeting,
    )

    meeting = make_meeting(make_club(members=[member]), book=book)
    if where.startswith("book"):
        thread, url = thread_for_book(book=book), f"/books/{book.slug}/comments/"
    else:
        thread = thread_for_meeting(meeting=meeting)
        url = f"/clubs/{meeting.club.slug}/meetings/{meeting.pk}/comments/"
    if where.endswith("reply"):
        parent = comment_create(thread=thread, author=member, body="First")
        database_lost_after_the_write()  # that one was not the post under test
        url = f"/comments/{parent.pk}/reply/"
    response = member_client.post(url, {"body": "Stored before the outage"})
    database_lost_after_the_write()  # the database is back
    assert response.status_code == 302
    assert response["Location"].startswith(thread.get_absolute_url())
    assert Comment.objects.filter(body="Stored before the outage").count() == 1
