"""In real Chromium: a comment's author sees Edit and Delete on it, everyone else sees Flag.

The book page may send every member the same comment HTML; what each reader can see
is what counts, so this checks visibility in a browser, not the markup.
"""

import pytest
from playwright.sync_api import expect

from catalog.models import Book
from discussions.services.comments import comment_create, thread_for_book
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible_actions(page, comment) -> set[str]:
    """The comment's actions this reader can see (after the page's scripts have run)."""
    page.wait_for_load_state("load")
    actions = page.locator(f"#comment-{comment.pk} .comment-actions")
    expect(actions.get_by_text("Reply", exact=True)).to_be_visible()
    return {
        name
        for name in ("Edit", "Delete", "Flag")
        if actions.get_by_text(name, exact=True).is_visible()
    }


def test_only_the_author_sees_edit_and_delete_and_only_others_see_flag(page, make_user):
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    author = make_user(username="kathy")
    reader = make_user(username="tommy")
    comment = comment_create(
        thread=thread_for_book(book=book), author=author, body="Hailsham was no ordinary school."
    )

    log_in(page, author)
    for _ in range(2):  # the second look is the one a cache would answer
        page.goto(f"/books/{book.slug}/")
        assert visible_actions(page, comment) == {"Edit", "Delete"}

    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()
    log_in(page, reader)
    for _ in range(2):
        page.goto(f"/books/{book.slug}/")
        assert visible_actions(page, comment) == {"Flag"}
