"""In real Chromium: an organiser starts a club and schedules a meeting; a member joins,
RSVPs, downloads the .ics and records reading progress; the organiser's comment about a
later section stays hidden from the member until they reveal it; the member's own comment
appears in the meeting's thread without a reload.
"""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import RSVP, Comment, Meeting, ReadingProgress
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()


def test_organiser_schedules_and_member_joins_rsvps_downloads_and_records_progress(page, make_user):
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    organiser = make_user(username="olive", time_zone="Europe/London")
    member = make_user(username="milo", time_zone="America/New_York")

    # The organiser starts a club and schedules a meeting.
    log_in(page, organiser)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clubs").click()
    page.get_by_role("link", name="Start a club").click()
    page.get_by_label("Name").fill("Hailsham Readers")
    page.get_by_label("Description").fill("We read slowly and talk a lot.")
    page.get_by_role("button", name="Create club").click()
    expect(page.get_by_role("heading", name="Hailsham Readers")).to_be_visible()
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Book").select_option(label="Never Let Me Go")
    page.get_by_label("Title").fill("Part One")
    page.get_by_label("Starts").fill("2031-06-03T18:30")
    page.get_by_label("Ends").fill("2031-06-03T20:00")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Place").fill("Central Library, room 2")
    page.get_by_label("Capacity").fill("10")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", name="Part One", exact=True)).to_be_visible()
    page.get_by_label("New section").fill("Part One, chapters 1–9")
    page.get_by_role("button", name="Add section").click()
    expect(page.locator(".section-list")).to_contain_text("Part One, chapters 1–9")
    meeting_url = page.url.split("#")[0]
    log_out(page)

    # A member finds the club, joins with htmx and RSVPs.
    log_in(page, member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clubs").click()
    page.get_by_role("link", name="Hailsham Readers").click()
    page.get_by_role("button", name="Join club").click()
    expect(page.locator("#membership")).to_contain_text("You are a member")
    page.get_by_role("link", name="Part One").first.click()
    expect(page).to_have_url(re.compile(r"/clubs/hailsham-readers/meetings/\d+/$"))
    # Shown in the member's own zone (New York), and in the meeting's (London).
    expect(page.locator(".meeting-when")).to_contain_text("13:30")
    expect(page.locator(".meeting-when")).to_contain_text("18:30")
    page.locator("#rsvp").get_by_role("button", name="Going").click()
    expect(page.locator("#rsvp-status")).to_contain_text("Going")
    expect(page.locator("#rsvp")).to_contain_text("1 going of 10 seats")

    # The .ics download parses back to the same meeting.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    event = calendar.walk("VEVENT")[0]
    meeting = Meeting.objects.get()
    assert str(event["SUMMARY"]) == "Part One"
    assert event.decoded("DTSTART") == meeting.starts_at

    # The member records progress with htmx; it shows, and it is still there on reload.
    # An empty progress form comes back with its error, swapped in place.
    page.locator("#progress").get_by_role("button", name="Save progress").click()
    expect(page.locator("#progress")).to_contain_text("Choose a section, or give a page")
    progress = page.locator("#progress")
    progress.get_by_label("Finished section").select_option(label="Part One, chapters 1–9")
    progress.get_by_role("button", name="Save progress").click()
    expect(page.locator("#progress-status")).to_contain_text("finished Part One, chapters 1–9")
    page.goto(meeting_url)
    expect(page.locator("#progress-status")).to_contain_text("finished Part One, chapters 1–9")

    # Meanwhile, in another browser, the organiser adds Part Two and comments on it.
    organiser_context = page.context.browser.new_context(base_url=page.url.split("/clubs/")[0])
    organiser_page = organiser_context.new_page()
    organiser_page.set_default_timeout(10_000)
    log_in(organiser_page, organiser)
    organiser_page.goto(meeting_url)
    organiser_page.get_by_label("New section").fill("Part Two, chapters 10–17")
    organiser_page.get_by_role("button", name="Add section").click()
    expect(organiser_page.locator(".section-list")).to_contain_text("Part Two")
    thread = organiser_page.locator("#discussion")
    thread.get_by_role("textbox", name="Comment").fill("Tommy rages in the field: it changes all.")
    thread.get_by_label("Discusses").select_option(label="Part Two, chapters 10–17")
    thread.get_by_role("button", name="Post comment").click()
    expect(thread.locator(".comment-list")).to_contain_text("rages in the field")
    organiser_context.close()

    # The member, who finished Part One only, sees it collapsed behind a notice...
    page.goto(meeting_url)
    expect(page.get_by_role("heading", name="Hailsham Readers: Part One")).to_be_visible()
    gate = page.locator("details.spoiler-gate")
    expect(gate).to_contain_text("Discusses Part Two, chapters 10–17 — you haven't reached it yet.")
    expect(page.get_by_text("rages in the field")).to_be_hidden()
    # ...and reveals it deliberately, from the keyboard.
    gate.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("rages in the field")).to_be_visible()

    # The member comments in the meeting's thread: it appears without a reload (htmx).
    page.evaluate("window.__notReloaded = true")
    thread = page.locator("#discussion")
    thread.get_by_role("textbox", name="Comment").fill("Kathy's tapes are the heart of Part One.")
    thread.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-list > li").first).to_contain_text("Kathy's tapes")
    assert page.evaluate("window.__notReloaded") is True
    expect(thread.get_by_role("textbox", name="Comment")).to_have_value("")
    assert page.url.split("#")[0] == meeting_url

    page.screenshot(path="test-results/club-flow-meeting.png", full_page=True)
    # No Content-Security-Policy violations or script errors; the one deliberate 400
    # (the empty progress form) is the only failed request.
    assert [e for e in console_errors if "status of 400" not in e] == []
    assert RSVP.objects.get(user=member).response == RSVP.Response.GOING
    assert ReadingProgress.objects.get(user=member).section.title == "Part One, chapters 1–9"
    tagged = Comment.objects.get(author=organiser)
    assert tagged.section.title == "Part Two, chapters 10–17"
    assert Comment.objects.get(author=member).thread.meeting == meeting
