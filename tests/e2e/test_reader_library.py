"""A reader's own library in real Chromium: sign up, import a Goodreads CSV and watch it
run, see the shelves, mark a book as read from the book page, see the stats, export the
ZIP and open it, turn on two-factor sign-in, log out and back in with a code, and delete
the account (issue #18's browser story).

One journey in numbered steps, each a function taking the `Journey` it shares; the
two-factor and deletion steps are tests/e2e/test_account_security.py's.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from catalog.models import Book
from tests.discussions.conftest import ishiguro_catalog
from tests.e2e.browsing import sign_up
from tests.e2e.test_account_security import (
    a_code_not_yet_used,
    delete_the_account,
    log_in_with_a_code,
    log_out,
    turn_on_two_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOODREADS = Path(__file__).parents[1] / "discussions" / "fixtures" / "goodreads_library_export.csv"


@dataclass
class Journey:
    page: Page
    username: str = "stevens"
    password: str = "a long enough passphrase 42"
    authenticator: pyotp.TOTP | None = None
    last_code: str = ""
    books: dict[str, Book] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)


def step_1_sign_up(j: Journey) -> None:
    sign_up(j.page, j.username, j.password)


def step_2_import_goodreads_and_watch_the_progress(j: Journey) -> None:
    page = j.page
    page.get_by_role("link", name=j.username).first.click()
    page.get_by_role("link", name="Import from Goodreads or StoryGraph").click()
    page.get_by_label("Your export (CSV)").set_input_files(str(GOODREADS))
    page.get_by_label("As private notes only I see").check()
    page.get_by_role("button", name="Import").click()
    progress = page.locator("#progress progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("value", "100")
    summary = page.locator("#progress")
    expect(summary).to_contain_text("3 matched to books in our catalog")
    expect(summary).to_contain_text("2 added to the catalog as imported by you")


def step_3_see_the_shelves(j: Journey) -> None:
    page = j.page
    page.get_by_role("link", name="See your shelves").click()
    for name in ("Read", "Currently reading", "Want to read", "favourites", "fantasy"):
        expect(page.get_by_role("heading", name=re.compile(rf"^{name} \("))).to_be_visible()
    page.get_by_role("link", name="your profile").click()
    shelf = page.get_by_role("region", name="Read", exact=True)
    expect(shelf).to_contain_text("Never Let Me Go")


def step_4_mark_a_book_as_read_from_its_page(j: Journey) -> None:
    page = j.page
    page.goto(j.books["klara"].get_absolute_url())
    reading = page.locator("#reading")
    expect(reading).to_contain_text("On your shelf: Currently reading")
    reading.get_by_label("Status").select_option("read")
    reading.get_by_label(re.compile("^Date")).fill("2024-06-30")
    reading.get_by_role("button", name="Update my reading").click()
    expect(reading).to_contain_text("On your shelf: Read")
    expect(reading.locator(".read-throughs")).to_contain_text("30 Jun 2024")


def step_5_see_the_stats(j: Journey) -> None:
    page = j.page
    page.goto("/library/stats/?year=2024")
    expect(page.get_by_role("heading", name="Your reading stats")).to_be_visible()
    expect(page.locator(".stats-totals")).to_contain_text("3 books finished")
    books = page.get_by_role("img", name=re.compile("Books finished per year"))
    expect(books).to_be_visible()
    expect(page.locator("#chart-books-month desc")).to_have_text(
        "Books finished per month in 2024 (books): Mar: 1, Jun: 1."
    )
    page.locator("#chart-ratings summary").click()
    expect(page.locator("#chart-ratings table")).to_contain_text("5★")


def step_6_export_and_open_the_zip(j: Journey) -> None:
    page = j.page
    page.goto("/shelves/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        names = set(bundle.namelist())
        rows = list(
            csv.DictReader(io.StringIO(bundle.read("goodreads_library_export.csv").decode()))
        )
    assert names == {"goodreads_library_export.csv", "bookclub_archive.json"}
    shelves = {row["Title"]: row["Exclusive Shelf"] for row in rows}
    assert shelves["Klara and the Sun"] == "read"
    assert shelves["A Wizard of Earthsea (Earthsea Cycle, #1)"] == "to-read"


def step_7_turn_on_two_factor(j: Journey) -> None:
    j.authenticator = turn_on_two_factor(j.page, j.password)


def step_8_log_out_and_back_in_with_a_code(j: Journey) -> None:
    log_out(j.page)
    j.last_code = log_in_with_a_code(j.page, j.username, j.authenticator, j.password)


def step_9_delete_the_account(j: Journey) -> None:
    delete_the_account(j.page, a_code_not_yet_used(j.authenticator, j.last_code), j.password)
    j.page.goto("/accounts/login/")
    j.page.fill("input[name=login]", j.username)
    j.page.fill("input[name=password]", j.password)
    j.page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(j.page.get_by_role("main")).to_contain_text("not correct")


STEPS = [
    step_1_sign_up,
    step_2_import_goodreads_and_watch_the_progress,
    step_3_see_the_shelves,
    step_4_mark_a_book_as_read_from_its_page,
    step_5_see_the_stats,
    step_6_export_and_open_the_zip,
    step_7_turn_on_two_factor,
    step_8_log_out_and_back_in_with_a_code,
    step_9_delete_the_account,
]


@pytest.fixture
def journey(page) -> Journey:
    journey = Journey(page=page, books=ishiguro_catalog())
    # A code waits up to 30 s for the next one anyway; a busy machine needs more than 10 s.
    page.set_default_timeout(30_000)
    page.on("console", lambda m: m.type == "error" and journey.console_errors.append(m.text))
    return journey


def test_a_reader_brings_their_library_and_takes_it_away(journey):
    for step in STEPS:
        step(journey)
    assert not journey.console_errors, journey.console_errors
