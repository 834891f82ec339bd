"""Subscribable feeds of a club's meetings: iCalendar and Atom.

Calendar apps and feed readers cannot send our session cookie, so a private
club's feeds also accept a member's signed token (see permissions.feed_token).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from bookclub.text import one_line, without_controls
from discussions import calendars, permissions
from discussions.models import Club, Meeting, ScheduledSection

FEED_LIMIT = 100


def _absolute(path: str) -> str:
    """Absolute from SITE_URL: left relative, Feed would prefix the Sites row's domain."""
    return settings.SITE_URL.rstrip("/") + path


@require_GET
def club_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    club = permissions.club_for_feed(request, slug)
    meetings = club.meetings.for_listing().order_by("-starts_at")[:FEED_LIMIT]
    dues = (
        ScheduledSection.objects.filter(read__club=club)
        .select_related("read__book", "section")
        .order_by("-due_on")[:FEED_LIMIT]
    )
    for scheduled in dues:
        scheduled.read.club = club
    body = calendars.club_calendar(club, meetings, members_view=not club.is_public, dues=dues)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{club.slug}.ics"'
    return response


class ClubMeetingsFeed(Feed):
    """Atom feed of a club's upcoming meetings."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Club:
        return permissions.club_for_feed(request, slug)

    def title(self, obj: Club) -> str:
        # Stored text passes through one_line()/without_controls(): XML refuses most control
        # characters, and rows from before forms refused them would take the feed down.
        return one_line(f"{obj.name}: upcoming meetings")

    def link(self, obj: Club) -> str:
        return _absolute(obj.get_absolute_url())

    def feed_url(self, obj: Club) -> str:
        # Without the query string: a member's feed token must not be echoed into the feed.
        return _absolute(reverse("discussions:club_feed", args=[obj.slug]))

    def item_link(self, item: Meeting) -> str:
        return _absolute(item.get_absolute_url())

    def subtitle(self, obj: Club) -> str:
        return without_controls(obj.description[:300])

    def items(self, obj: Club):
        return obj.meetings.upcoming().for_listing()[:FEED_LIMIT]

    def item_title(self, item: Meeting) -> str:
        prefix = {"cancelled": "Cancelled: ", "postponed": "Postponed: "}.get(item.status, "")
        when = item.local_starts_at.strftime("%a %d %b %Y, %H:%M %Z")
        return one_line(f"{prefix}{item.title} ({when})")

    def item_description(self, item: Meeting) -> str:
        section = f" — {item.section.title}" if item.section_id else ""
        return without_controls(f"{item.book.title}{section}. {item.description}".strip())

    def item_pubdate(self, item: Meeting):
        return item.created_at

    def item_updateddate(self, item: Meeting):
        return item.updated_at

    def item_guid(self, item: Meeting) -> str:
        return calendars.meeting_uid(item)

    item_guid_is_permalink = False


# A feed is read-only: refuse POST like every other page that only shows things.
club_meetings_feed = require_GET(ClubMeetingsFeed())
