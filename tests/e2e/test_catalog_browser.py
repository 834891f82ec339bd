"""A visitor finds the seeded novel by the ISBN on its library record, in real Chromium."""

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def catalog(transactional_db):
    call_command("import_seeds", stdout=io.StringIO())


def test_isbn_search_lands_on_the_book_page_with_every_section_and_its_sources(page, catalog):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    search = page.get_by_role("searchbox", name="Search the catalog")
    search.fill("9781400043392")  # as printed on the library record
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"/books/never-let-me-go/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Never Let Me Go")

    editions = page.locator("#editions")
    expect(editions).to_contain_text("9781400043392")
    expect(editions).to_contain_text("Alfred A. Knopf")
    expect(editions).to_contain_text("9780571224135")
    expect(editions).to_contain_text("from the library catalog and the encyclopedia article")

    characters = page.locator("#characters")
    expect(characters.get_by_text("Miss Emily", exact=True)).to_be_visible()
    expect(characters).to_contain_text("from the encyclopedia article")

    awards = page.locator("#awards")
    expect(awards).to_contain_text("Man Booker Prize")
    expect(awards).to_contain_text("from the book-recommendation site and the encyclopedia article")

    adaptations = page.locator("#adaptations")
    expect(adaptations).to_contain_text("Carey Mulligan as Kathy")
    expect(adaptations).to_contain_text("Watashi wo Hanasanaide")

    reception = page.locator("#reception")
    expect(reception).to_contain_text("Louis Menand")
    expect(reception).to_contain_text("The New Yorker")
    expect(reception).to_contain_text("quoted from the encyclopedia article")

    recommendations = page.locator("#recommendations")
    expect(recommendations).to_contain_text("reads for a glimpse at humanity")
    expect(recommendations).to_contain_text("from the book-recommendation site")

    # The plot is behind a spoiler toggle that works without JavaScript.
    plot = page.locator("#plot details")
    expect(plot).not_to_have_attribute("open", "")
    plot.locator("summary").click()
    expect(plot.get_by_text("Kathy H describes herself", exact=False)).to_be_visible()

    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Book" and data["name"] == "Never Let Me Go"
    assert problems == []


def test_live_search_shows_results_while_typing(page, catalog):
    page.goto("/search/")
    field = page.get_by_label("Title, author, character, place, plot, subject, club or ISBN")
    field.press_sequentially("ishig", delay=40)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Never Let Me Go")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=ishig$"))
    results.get_by_role("link", name="Never Let Me Go").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Never Let Me Go")


def test_browsing_by_subject_updates_the_list_in_place(page, catalog):
    page.goto("/books/")
    expect(page.locator("#book-list")).to_contain_text("12 books")
    page.get_by_label("Subject").select_option("cloning")
    expect(page.locator("#book-list")).to_contain_text("1 book")
    expect(page.locator("#book-list")).not_to_contain_text("Fun Home")
