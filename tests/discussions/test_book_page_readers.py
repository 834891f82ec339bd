"""The signed-in book page shares its cached comments between members, and each member
still sees exactly their own page around them."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions.models import Rating
from discussions.services.comments import comment_flag, thread_follow
from discussions.services.ratings import rating_set


@pytest.fixture
def alice(make_user):
    return make_user(username="alice", display_name="Alice A.")


@pytest.fixture
def bob(make_user):
    return make_user(username="bob", display_name="Bob B.")


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def book_page(client, book) -> str:
    response = client.get(book.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def card_of(html: str, comment) -> str:
    card = html.split(f'id="comment-{comment.pk}"', 1)[1]
    return card.split("</footer>", 1)[0]


def flagged_on(html: str) -> set[int]:
    """The comments the page tells site.js this reader has flagged."""
    found = re.search(r'data-flagged="([\d ]*)"', html)
    return {int(pk) for pk in found.group(1).split()} if found else set()


def test_the_second_member_reads_the_comments_from_the_cache(alice, bob, book, post):
    post(alice, "First thoughts")
    book_page(signed_in(alice), book)
    client = signed_in(bob)
    client.get("/livez")  # the session, loaded outside what is counted
    with CaptureQueriesContext(connection) as queries:
        assert "First thoughts" in book_page(client, book)
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "discussions_comment"')
    ]


def test_cards_name_their_author_for_the_readers_own_controls(alice, bob, book, post):
    mine = post(alice, "Alice's comment")
    theirs = post(bob, "Bob's comment")
    for reader in (alice, bob):
        html = book_page(signed_in(reader), book)
        assert f'data-user-id="{reader.pk}"' in html.split("<body", 1)[1].split(">", 1)[0]
        for comment, author in ((mine, alice), (theirs, bob)):
            card = card_of(html, comment)
            assert card.startswith(f' data-author="{author.pk}"')
            edit = reverse("discussions:comment_edit", args=[comment.pk])
            assert f'<a class="own-only" href="{edit}"' in card
            assert '<a class="own-only" href="' in card.split(">Edit</a>", 1)[1]  # Delete
            flag = reverse("discussions:comment_flag", args=[comment.pk])
            assert f'<a class="others-only" href="{flag}">Flag</a>' in card


def test_only_the_flagger_sees_flagged(alice, bob, make_user, book, post):
    comment = post(make_user(), "Something odd")
    comment_flag(comment=comment, reporter=alice, reason="spam")
    book_page(signed_in(bob), book)  # bob's request fills the shared cache
    assert flagged_on(book_page(signed_in(alice), book)) == {comment.pk}
    assert flagged_on(book_page(signed_in(bob), book)) == set()


def test_the_header_names_the_reader(alice, bob, book, post):
    post(alice, "Hello")
    assert ">Alice A.</a>" in book_page(signed_in(alice), book).split("</header>")[0]
    bob_header = book_page(signed_in(bob), book).split("</header>")[0]
    assert ">Bob B.</a>" in bob_header
    assert "Alice A." not in bob_header


def test_your_rating_and_follow_state_are_your_own(alice, bob, book, thread):
    rating_set(book=book, user=alice, value=Decimal("4.5"))
    thread_follow(thread=thread, user=alice, follow=True)
    alice_page = book_page(signed_in(alice), book)
    bob_page = book_page(signed_in(bob), book)
    assert '<span class="my-rating">4½ stars</span>' in alice_page
    assert "Withdraw my rating" in alice_page
    assert "my-rating" not in bob_page
    assert "Unfollow thread" in alice_page and "Follow thread" in bob_page
    assert "Unfollow thread" not in bob_page


def test_the_forms_carry_the_readers_own_working_csrf_token(alice, bob, book, post):
    post(bob, "Warm the shared page")
    book_page(signed_in(bob), book)
    client = signed_in(alice, enforce_csrf_checks=True)
    html = book_page(client, book)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1, "one token per page, in every form"
    response = client.post(
        reverse("discussions:rate", args=[book.slug]),
        {"value": "3", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302
    assert Rating.objects.get(user=alice, book=book).value == Decimal("3")


def test_a_new_comment_shows_at_once_for_everyone(alice, bob, book, post):
    post(alice, "The first comment")
    book_page(signed_in(bob), book)
    post(alice, "A brand-new comment")
    assert "A brand-new comment" in book_page(signed_in(bob), book)


def test_staff_get_their_moderation_controls_not_the_shared_page(alice, staff, book, post):
    comment = post(alice, "Moderate me")
    book_page(signed_in(alice), book)
    html = book_page(signed_in(staff), book)
    assert reverse("discussions:comment_moderate", args=[comment.pk]) in html
    assert "Lock thread" in html


def test_changing_your_rating_shows_the_new_one(alice, book):
    client = signed_in(alice)
    client.post(reverse("discussions:rate", args=[book.slug]), {"value": "3"})
    assert '<span class="my-rating">3 stars</span>' in book_page(client, book)
    client.post(reverse("discussions:rate", args=[book.slug]), {"value": "5"})
    html = book_page(client, book)
    assert '<span class="my-rating">5 stars</span>' in html
    assert 'my-rating">3 stars' not in html


def test_flagging_shows_flagged_on_your_next_page(alice, bob, book, post):
    comment = post(alice, "Questionable")
    client = signed_in(bob)
    assert flagged_on(book_page(client, book)) == set()
    response = client.post(
        reverse("discussions:comment_flag", args=[comment.pk]), {"reason": "spam"}
    )
    assert response.status_code == 200 and "moderators" in response.content.decode()
    assert flagged_on(book_page(client, book)) == {comment.pk}


def test_unfollowing_after_a_visit_shows_at_once(alice, book, post):
    post(alice, "Start the thread")  # authors follow their threads
    client = signed_in(alice)
    html = book_page(client, book)
    assert "Unfollow thread" in html
    thread_pk = int(re.search(r'id="follow-(\d+)"', html).group(1))
    client.post(reverse("discussions:thread_follow", args=[thread_pk]), {"action": "unfollow"})
    after = book_page(client, book)
    assert "Follow thread" in after and "Unfollow thread" not in after
