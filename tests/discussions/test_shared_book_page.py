"""The signed-in book page is rendered once for every member and personalised per request
(bookclub.shared_pages): each member must still see exactly their own page."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bookclub.shared_pages import CSRF_PLACEHOLDER, HOLE_PATTERN, local_pages
from discussions.models import Rating
from discussions.personal import VIEWER_ACTIONS_PATTERN
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
    html = response.content.decode()
    assert CSRF_PLACEHOLDER not in html, "every placeholder is replaced"
    assert not HOLE_PATTERN.search(html), "every hole is filled"
    assert not VIEWER_ACTIONS_PATTERN.search(html), "every comment's actions are filled"
    return html


def actions_of(html: str, comment) -> str:
    card = html.split(f'id="comment-{comment.pk}"', 1)[1]
    return card.split("</footer>", 1)[0]


def test_the_second_member_is_served_the_shared_page(alice, bob, book, post):
    post(alice, "First thoughts")
    book_page(signed_in(alice), book)
    assert len(local_pages.pages) == 1, "the first member's request rendered the shared page"
    book_page(signed_in(bob), book)
    assert len(local_pages.pages) == 1, "the second member's request reused it"


def test_each_member_sees_edit_on_their_own_comments_and_flag_on_others(alice, bob, book, post):
    mine = post(alice, "Alice's comment")
    theirs = post(bob, "Bob's comment")
    for reader, own, other in ((alice, mine, theirs), (bob, theirs, mine)):
        html = book_page(signed_in(reader), book)
        edit = reverse("discussions:comment_edit", args=[own.pk])
        assert f'href="{edit}"' in actions_of(html, own)
        assert ">Delete</a>" in actions_of(html, own)
        assert ">Flag</a>" not in actions_of(html, own)
        assert "comment_edit" not in actions_of(html, other)
        assert f'href="{reverse("discussions:comment_flag", args=[other.pk])}"' in actions_of(
            html, other
        )
        assert ">Delete</a>" not in actions_of(html, other)


def test_only_the_flagger_sees_flagged(alice, bob, make_user, book, post):
    comment = post(make_user(), "Something odd")
    comment_flag(comment=comment, reporter=alice, reason="spam")
    book_page(signed_in(bob), book)  # bob's request fills the shared cache
    assert '<span class="muted">Flagged</span>' in actions_of(
        book_page(signed_in(alice), book), comment
    )
    assert ">Flag</a>" in actions_of(book_page(signed_in(bob), book), comment)


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
    assert ">Flag</a>" in actions_of(book_page(client, book), comment)
    response = client.post(
        reverse("discussions:comment_flag", args=[comment.pk]), {"reason": "spam"}
    )
    assert response.status_code == 200 and "moderators" in response.content.decode()
    assert '<span class="muted">Flagged</span>' in actions_of(book_page(client, book), comment)


def test_unfollowing_after_a_visit_shows_at_once(alice, book, post):
    post(alice, "Start the thread")  # authors follow their threads
    client = signed_in(alice)
    html = book_page(client, book)
    assert "Unfollow thread" in html
    thread_pk = int(re.search(r'id="follow-(\d+)"', html).group(1))
    client.post(reverse("discussions:thread_follow", args=[thread_pk]), {"action": "unfollow"})
    after = book_page(client, book)
    assert "Follow thread" in after and "Unfollow thread" not in after
