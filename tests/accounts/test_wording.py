"""One wording for signing in across the site (#15 item 7): "Log in" and "Sign up"."""

import re

import pytest
from django.test import Client

from catalog.models import Book

pytestmark = pytest.mark.django_db

OTHER_WORDINGS = re.compile(r"Sign [Ii]n\b|Sign Up\b|Log [Ii]n to\b|Login\b")


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/books/"])
def test_visitors_pages_say_log_in_and_sign_up_only(path):
    Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    html = Client().get(path).content.decode()
    visible = re.sub(r"<[^>]+>", " ", html)  # words a reader sees, not attribute values
    found = [visible[max(0, m.start() - 40) : m.end()] for m in OTHER_WORDINGS.finditer(visible)]
    assert found == []
    assert "Log in" in visible


def test_the_book_page_asks_visitors_to_log_in():
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    html = Client().get(book.get_absolute_url()).content.decode()
    assert "Log in</a> to rate this book." in html
    assert "Sign in" not in html
