"""iCalendar (RFC 5545) for meetings: one event per .ics download, or a club's whole feed
(its meetings, and one all-day entry per due date of its reads' schedules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from bookclub.text import one_line, without_controls
from discussions.models import Meeting

PRODID = "-//bookclub//meetings//EN"

ICAL_STATUS = {
    Meeting.Status.SCHEDULED: "CONFIRMED",
    # RFC 5545 has no "postponed": tentative until a new date is set.
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _line(value: str) -> vText:
    """A one-line TEXT value: a stored line break or control character (rows from before
    forms refused them) must not start a property of its own, nor break the file."""
    return vText(one_line(value))


def _paragraphs(value: str) -> vText:
    """A multi-line TEXT value: line breaks kept (vText escapes them as \\n), controls gone."""
    text = without_controls(value).replace("\r\n", "\n").replace("\r", "\n")
    return vText(text.replace("\t", " "))


def meeting_uid(meeting: Meeting) -> str:
    """Stable across edits, so calendar apps update the event instead of duplicating it."""
    host = urlsplit(settings.SITE_URL).hostname or "bookclub.local"
    return f"meeting-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting, *, members_view: bool) -> Event:
    """One VEVENT; the online link is included only for members."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    # Local times with TZID (plus a VTIMEZONE, added below), so recurring DST
    # rules are the calendar app's to apply, not ours.
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("status", ICAL_STATUS[meeting.status])
    prefix = {"cancelled": "Cancelled: ", "postponed": "Postponed: "}.get(meeting.status, "")
    event.add("summary", _line(f"{prefix}{meeting.title}"))
    url = _absolute(meeting.get_absolute_url())
    event.add("url", url)
    lines = [f"{meeting.club.name} discusses {meeting.book.title}"]
    if meeting.section_id:
        lines[0] += f" ({meeting.section.title})"
    if meeting.description:
        lines += ["", meeting.description]
    lines += ["", url]
    event.add("description", _paragraphs("\n".join(lines)))
    location = meeting.place
    if members_view and meeting.online_url:
        location = f"{location} — {meeting.online_url}" if location else meeting.online_url
    if location:
        event.add("location", _line(location))
    return event


def due_event(scheduled) -> Event:
    """One all-day VEVENT for a section of a club read falling due."""
    read, section = scheduled.read, scheduled.section
    host = urlsplit(settings.SITE_URL).hostname or "bookclub.local"
    event = Event()
    # Per read and section, not per date: shifting the schedule moves the same entry.
    event.add("uid", f"read-{read.pk}-section-{section.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", scheduled.due_on)
    event.add("dtend", scheduled.due_on + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", _line(f"Due: {section.title} ({read.book.title})"))
    url = _absolute(read.get_absolute_url())
    event.add("url", url)
    event.add("description", _paragraphs(f"{read.club.name} reads {read.book.title}.\n\n{url}"))
    return event


def _calendar(name: str, events: Iterable[Event]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _line(name))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def meeting_calendar(meeting: Meeting, *, members_view: bool) -> bytes:
    return _calendar(meeting.title, [meeting_event(meeting, members_view=members_view)]).to_ical()


def club_calendar(club, meetings: Iterable[Meeting], *, members_view: bool, dues=()) -> bytes:
    events = [meeting_event(meeting, members_view=members_view) for meeting in meetings]
    events += [due_event(scheduled) for scheduled in dues]
    return _calendar(club.name, events).to_ical()
