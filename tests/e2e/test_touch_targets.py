"""On a phone, every control on the book page is at least 24×24 CSS px (#15 item 8).

Like Lighthouse's target-size, inline links inside running text are exempt: this checks
the comment actions, the sort links, the star labels and every form's buttons.
"""

import pytest

from catalog.models import Book
from discussions.services.comments import comment_create, thread_for_book
from tests.e2e.test_comment_actions import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = (
    ".comment-actions a, .comment-actions button, .thread-sort a, "
    ".stars-input label, main form button"
)


def test_book_page_controls_are_at_least_24_px_on_a_phone(page, make_user):
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    comment_create(thread=thread_for_book(book=book), author=make_user(), body="Hailsham.")
    log_in(page, make_user())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/books/{book.slug}/")
    page.wait_for_load_state("load")
    too_small = page.eval_on_selector_all(
        CONTROLS,
        """(els) => els.filter((el) => el.offsetParent !== null).map((el) => {
             const box = el.getBoundingClientRect();
             return {text: el.textContent.trim(), width: box.width, height: box.height};
           }).filter((box) => box.width < 24 || box.height < 24)""",
    )
    assert too_small == []
