"""In real Chromium: a reader turns on two-factor authentication with an authenticator app,
logs out and back in with a code, and deletes their account (#18 items 6 and 7).

Written as steps (functions taking the page): the reader's library story
(tests/e2e/test_reader_library.py) ends with them too, on the member it signed up. The
authenticator app is pyotp, computing codes from the secret the page shows, as a phone
app would from the QR code.
"""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from catalog.models import Book
from discussions.services.comments import comment_create, thread_for_book
from tests.e2e.browsing import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def turn_on_two_factor(page, password: str = PASSWORD) -> pyotp.TOTP:
    """From the profile page to an active authenticator app; returns the "app"."""
    page.goto("/profile/")
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    # Changing how one logs in asks for the password again, however recent the log-in.
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    app = pyotp.TOTP(secret)
    page.fill("input[name=code]", app.now())
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("main")).to_contain_text("Recovery Codes")
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("main")).to_contain_text(
        "On: each log-in asks for the code your authenticator app shows."
    )
    return app


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()


def log_in_with_a_code(page, username: str, app: pyotp.TOTP, password: str = PASSWORD) -> str:
    """The password alone is not enough any more: the second step asks for a code."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in: your second step")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    code = app.now()
    page.fill("input[name=code]", code)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return code


def a_code_not_yet_used(app: pyotp.TOTP, used: str) -> str:
    """A code is good once: wait for the app's next one (at most one 30-second step)."""
    deadline = time.monotonic() + 35
    while app.now() == used and time.monotonic() < deadline:
        time.sleep(0.5)
    return app.now()


def see_where_they_are_logged_in(page) -> None:
    page.goto("/profile/")
    page.get_by_role("link", name="Where you are logged in").click()
    expect(page.get_by_role("main")).to_contain_text("This browser")


def delete_the_account(page, code: str, password: str = PASSWORD) -> None:
    page.goto("/profile/")
    page.get_by_role("link", name="Delete your account").click()
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is deleted")
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()


def test_two_factor_log_in_then_deleting_the_account(page, make_user):
    reader = make_user(username="ruth", display_name="Ruth")
    friend = make_user(display_name="Tommy")
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    thread = thread_for_book(book=book)
    question = comment_create(thread=thread, author=reader, body="Who were the carers?")
    comment_create(thread=thread, author=friend, body="Kathy was one.", parent=question)

    # Each step waits on the server's answers (a code waits up to 30 s anyway): on a busy
    # machine the shared 10 s default is too tight.
    page.set_default_timeout(30_000)
    log_in(page, reader)
    app = turn_on_two_factor(page)
    log_out(page)
    used = log_in_with_a_code(page, reader.username, app)
    see_where_they_are_logged_in(page)
    delete_the_account(page, a_code_not_yet_used(app, used))

    # The reply stays, under a tombstone; the reader's words and name are gone.
    page.goto(book.get_absolute_url())
    main = page.get_by_role("main")
    expect(main).to_contain_text("[deleted member]")
    expect(main).to_contain_text("Kathy was one.")
    expect(main).not_to_contain_text("Who were the carers?")
    # And the account no longer opens.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "ruth")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("main")).to_contain_text("not correct")
