"""In real Chromium (#17 items 4 and 5): a member upvotes a question with htmx and with
JavaScript off, and the agenda's print view leaves the site's furniture off the paper."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import Meeting, Membership
from discussions.services.clubs import club_create
from discussions.services.questions import question_create
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank(make_user):
    reader = make_user(username="ruth")
    club = club_create(creator=make_user(), name="Cottages Readers")
    Membership.objects.create(club=club, user=reader)
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(
        club=club,
        book=book,
        title="Part Two night",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/London",
    )
    question = question_create(club=club, book=book, author=reader, body="Who is Madame?")
    return reader, meeting, question, f"/clubs/{club.slug}/books/{book.slug}/questions/"


def test_a_member_upvotes_a_question_in_place_and_takes_it_back(page, bank):
    reader, _meeting, question, url = bank
    log_in(page, reader)
    page.goto(url)
    card = page.locator(f"#question-{question.pk}")
    card.get_by_role("button", name="Upvote").click()
    expect(card.get_by_role("button", name="Upvoted")).to_be_visible()
    expect(card).to_contain_text("1 vote")
    assert page.url.endswith(url)
    card.get_by_role("button", name="Upvoted").click()
    expect(card).to_contain_text("0 votes")


def test_upvoting_works_with_javascript_off(browser, live_server, bank):
    reader, _meeting, question, url = bank
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, reader)
        page.goto(url)
        page.locator(f"#question-{question.pk}").get_by_role("button", name="Upvote").click()
        expect(page.locator(f"#question-{question.pk}")).to_contain_text("1 vote")
        assert page.url.endswith(url)
    finally:
        context.close()


def test_the_agenda_prints_without_the_sites_header_and_buttons(page, bank):
    reader, meeting, _question, _url = bank
    log_in(page, reader)
    page.goto(meeting.get_absolute_url() + "agenda/")
    expect(page.get_by_role("main")).to_contain_text("Who is Madame?")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Print view")).to_be_hidden()
    expect(page.locator(".agenda-body")).to_be_visible()
