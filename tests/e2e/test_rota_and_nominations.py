"""In real Chromium: a member takes a rota role and asks for a swap without a reload
(htmx); another member, with JavaScript off, takes it over and nominates a book with
plain form posts; the first seconds it, again without a reload."""

import pytest
from playwright.sync_api import expect

from discussions.models import Nomination, RotaSlot
from tests.discussions import conftest as discussions_fixtures
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The discussions app's factories, shared rather than copied.
make_book = discussions_fixtures.make_book
make_club = discussions_fixtures.make_club
make_meeting = discussions_fixtures.make_meeting


def test_rota_swaps_and_nominations_work_with_and_without_javascript(
    page, browser, live_server, make_user, make_club, make_meeting, make_book
):
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    ann, ben = make_user(display_name="Ann"), make_user(display_name="Ben")
    club = make_club(name="Hailsham Readers", members=[ann, ben])
    make_meeting(club, title="Part One")
    make_book("Klara and the Sun")

    log_in(page, ann)
    page.goto(f"/clubs/{club.slug}/rota/")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Sign up as host").click()
    expect(page.get_by_text("You are host for Part One.")).to_be_visible()
    page.get_by_role("button", name="Ask for a swap").click()
    expect(page.get_by_text("asks for a swap")).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "the page reloaded"

    plain = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    ben_page = plain.new_page()
    log_in(ben_page, ben)
    ben_page.goto(f"/clubs/{club.slug}/rota/")
    ben_page.get_by_role("button", name="Take it over").click()
    expect(ben_page.get_by_text("You took over host for Part One.")).to_be_visible()
    assert RotaSlot.objects.get().holder == ben
    ben_page.goto(f"/clubs/{club.slug}/nominations/")
    ben_page.get_by_label("Book to nominate").select_option(label="Klara and the Sun")
    ben_page.get_by_role("button", name="Nominate").click()
    expect(ben_page.get_by_text("You nominated Klara and the Sun.")).to_be_visible()
    plain.close()

    page.goto(f"/clubs/{club.slug}/nominations/")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Second Klara and the Sun").click()
    expect(page.get_by_text("You seconded it.", exact=True)).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "the page reloaded"
    assert Nomination.objects.get().seconds.count() == 1
    assert not console_errors, console_errors
