"""Posting on the book page with htmx (#15 items 1-4), in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import Comment
from discussions.selectors import MAX_DEPTH
from discussions.services.comments import comment_create, thread_for_book
from tests.e2e.test_comment_actions import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def book():
    return Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")


def test_a_reply_at_the_nesting_limit_appears_and_is_stored(page, make_user, book):
    member = make_user(username="kathy")
    thread = thread_for_book(book=book)
    parent = None
    chain = []
    for depth in range(MAX_DEPTH + 2):
        parent = comment_create(thread=thread, author=member, body=f"Depth {depth}", parent=parent)
        chain.append(parent)
    deepest_shown = chain[MAX_DEPTH]
    log_in(page, member)
    page.goto(f"/books/{book.slug}/")
    card = page.locator(f"#comment-{deepest_shown.pk}")
    expect(page.get_by_text(re.compile("Continue this thread"))).to_be_visible()
    card.locator(".comment-actions").get_by_role("link", name="Reply").click()
    card.locator(".reply-form textarea").fill("A reply from the edge.")
    card.get_by_role("button", name="Post reply").click()
    expect(page.locator(f"#replies-{deepest_shown.pk} .comment-body")).to_contain_text(
        "A reply from the edge."
    )
    assert Comment.objects.get(body="A reply from the edge.").parent_id == deepest_shown.pk


def test_a_refused_post_keeps_its_text_and_says_why_beside_the_form(
    page, make_user, book, settings
):
    settings.POST_RATE_LIMIT = "1/60"
    log_in(page, make_user())
    page.goto(f"/books/{book.slug}/")
    form = page.locator("#comment-form")
    form.locator("textarea").fill("First thoughts.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-list .comment-body")).to_contain_text("First thoughts.")
    form.locator("textarea").fill("Second thoughts.")
    form.get_by_role("button", name="Post comment").click()
    expect(form.locator(".form-alert")).to_contain_text(re.compile("posting too quickly", re.I))
    expect(form.locator("textarea")).to_have_value("Second thoughts.")
    assert not Comment.objects.filter(body="Second thoughts.").exists()


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_blank_comment_shows_its_error_in_the_form_not_in_place_of_the_page(
    page, make_user, book, settings, debug
):
    settings.DEBUG = debug
    log_in(page, make_user())
    page.goto(f"/books/{book.slug}/")
    page.locator("#comment-form textarea").fill("   ")
    page.locator("#comment-form").get_by_role("button", name="Post comment").click()
    expect(
        page.locator("#comment-form .errorlist, #comment-form .field-errors").first
    ).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.get_by_role("heading", name="Never Let Me Go", level=1)).to_be_visible()
    assert not Comment.objects.exists()


def test_the_count_follows_posts_and_the_sort_is_in_the_address(page, make_user, book):
    member = make_user()
    comment_create(thread=thread_for_book(book=book), author=member, body="The oldest one.")
    log_in(page, member)
    page.goto(f"/books/{book.slug}/")
    expect(page.locator("#thread-total")).to_have_text("(1 comment)")
    page.locator("#comment-form textarea").fill("The newest one.")
    page.locator("#comment-form").get_by_role("button", name="Post comment").click()
    expect(page.locator("#thread-total")).to_have_text("(2 comments)")

    page.locator(".thread-sort").get_by_role("link", name="Oldest").click()
    expect(page).to_have_url(re.compile(r"\?sort=oldest"))
    first = page.locator("#comment-list > li.comment .comment-body").first
    expect(first).to_contain_text("The oldest one.")
    page.reload()
    expect(page.locator(".thread-sort [aria-current]")).to_have_text("Oldest")
    expect(first).to_contain_text("The oldest one.")
