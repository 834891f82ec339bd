"""A member signs up and uses the book community in real Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.models import Book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_up(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.locator("input[name=password1]").fill("a long enough passphrase 42")
    page.locator("input[name=password2]").fill("a long enough passphrase 42")
    page.locator("form").filter(has=page.locator("input[name=password1]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.get_by_text(re.compile("verif", re.I)).first).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_sign_up_rate_vote_comment_reply_edit_and_it_all_persists(page):
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    _sign_up(page, "kathy")
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
