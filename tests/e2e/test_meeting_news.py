"""In real Chromium (#15 item 13): each notification about a meeting keeps saying what
happened when it was sent, however the meeting changed afterwards."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import Meeting, Membership
from discussions.services.clubs import club_create
from discussions.services.meetings import meeting_cancel, meeting_postpone, meeting_update
from discussions.services.rsvps import rsvp_set
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notifications_page_tells_each_change_as_it_was(page, make_user):
    reader = make_user(username="ruth")
    club = club_create(creator=make_user(), name="Cottages Readers")
    Membership.objects.create(club=club, user=reader)
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(
        club=club,
        book=Book.objects.create(title="Never Let Me Go", slug="never-let-me-go"),
        title="Part Two night",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/London",
    )
    rsvp_set(meeting=meeting, user=reader, response="going")
    meeting_update(meeting=meeting, place="The Cottages")
    meeting_postpone(meeting=meeting)
    later = start + datetime.timedelta(days=7)
    meeting_update(meeting=meeting, starts_at=later, ends_at=later + datetime.timedelta(hours=2))
    meeting_cancel(meeting=meeting)

    log_in(page, reader)
    page.get_by_role("link", name="Notifications").click()
    items = page.get_by_role("main").get_by_role("listitem")
    expect(items.filter(has_text="Cancelled: Part Two night")).to_have_count(1)
    expect(items.filter(has_text="Postponed: Part Two night")).to_have_count(1)
    expect(items.filter(has_text="Changed: Part Two night (place)")).to_have_count(1)
    expect(items.filter(has_text="(start time, end time)")).to_have_count(1)
    expect(page.get_by_role("main")).not_to_contain_text("(status)")
