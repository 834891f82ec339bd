"""In real Chromium: when a seat comes free, everyone behind on the waitlist moves up a place."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import Meeting, Membership
from discussions.services.clubs import club_create
from discussions.services.rsvps import rsvp_set
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()


def test_a_promotion_moves_the_rest_of_the_waitlist_up_a_place(page, make_user):
    ann, ben, cat, dan = (make_user(username=name) for name in ("ann", "ben", "cat", "dan"))
    club = club_create(creator=make_user(), name="Hailsham Readers")
    for user in (ann, ben, cat, dan):
        Membership.objects.create(club=club, user=user)
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(
        club=club,
        book=Book.objects.create(title="Never Let Me Go", slug="never-let-me-go"),
        title="Part One",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/London",
        capacity=2,
    )
    for user in (ann, ben, cat, dan):
        rsvp_set(meeting=meeting, user=user, response="going")

    log_in(page, dan)
    page.goto(meeting.get_absolute_url())
    expect(page.locator("#rsvp-status")).to_contain_text("On the waitlist (#2)")
    log_out(page)

    # Ben gives up his seat with htmx; Cat takes it.
    log_in(page, ben)
    page.goto(meeting.get_absolute_url())
    page.locator("#rsvp").get_by_role("button", name="Can't go").click()
    expect(page.locator("#rsvp-status")).to_contain_text("Can't go")
    expect(page.locator("#rsvp")).to_contain_text("2 going of 2 seats (0 left), 1 on the waitlist")
    log_out(page)

    log_in(page, dan)
    page.goto(meeting.get_absolute_url())
    expect(page.locator("#rsvp")).to_contain_text("1 on the waitlist")
    expect(page.locator("#rsvp-status")).to_contain_text("On the waitlist (#1)")

    # And when Dan himself leaves the line, nobody is left with a gap either.
    page.locator("#rsvp").get_by_role("button", name="Maybe").click()
    expect(page.locator("#rsvp-status")).to_contain_text("Maybe")
