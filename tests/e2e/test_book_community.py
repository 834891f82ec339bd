"""A member signs up and uses the book community in real Chromium."""

import pytest
from playwright.sync_api import expect

from catalog.models import Book
from tests.e2e.browsing import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_rate_vote_comment_reply_edit_and_it_all_persists(page):
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    sign_up(page, "kathy")
    page.goto(f"/books/{book.slug}/community/")

    page.locator("#ratings label", has_text="3½★").click()
    expect(page.locator("#ratings .my-rating")).to_have_text("3½ stars")

    page.get_by_label("Suitable for").select_option("12")
    page.get_by_role("button", name="Vote").click()
    expect(page.locator("#age .my-age")).to_have_text("Your vote: 12+")

    page.locator("#comment-form textarea").fill("Hailsham is *haunting*.")
    page.get_by_role("button", name="Post comment").click()
    top = page.locator("#comment-list > li.comment").first
    expect(top.locator(".comment-body em")).to_have_text("haunting")
    expect(page.locator("#comment-form textarea")).to_have_value("")

    top.locator(".comment-actions").get_by_role("link", name="Reply").click()
    top.locator(".reply-form textarea").fill("Replying to myself.")
    top.get_by_role("button", name="Post reply").click()
    reply = top.locator("ol.replies > li.comment").first
    expect(reply.locator(".comment-body")).to_contain_text("Replying to myself.")
    expect(top.locator(".reply-form")).to_have_count(0)

    reply.locator(".comment-actions").first.get_by_role("link", name="Edit").click()
    reply.locator("textarea").fill("Replying to myself, edited.")
    reply.get_by_role("button", name="Save changes").click()
    expect(reply.locator(".edited")).to_be_visible()
    expect(reply.locator(".comment-body")).to_contain_text("edited.")

    page.reload()
    expect(page.locator("#ratings .my-rating")).to_have_text("3½ stars")
    expect(page.locator("#ratings input[value='3.5']")).to_be_checked()
    expect(page.locator("#age .my-age")).to_have_text("Your vote: 12+")
    nested = page.locator("#comment-list > li.comment ol.replies > li.comment .comment-body")
    expect(nested).to_have_text("Replying to myself, edited.")
    expect(page.locator("#comment-list .edited")).to_have_count(1)
