"""schema.org Event JSON-LD for meeting pages."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from discussions.models import Meeting

EVENT_STATUS = {
    Meeting.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Meeting.Status.POSTPONED: "https://schema.org/EventPostponed",
    Meeting.Status.CANCELLED: "https://schema.org/EventCancelled",
}

# The characters that could end a <script> element early, as JSON escapes.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def meeting_event_data(meeting: Meeting, *, members_view: bool) -> dict:
    """The Event as a dict; the online link only for members (it is members-only)."""
    url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
    locations = []
    if meeting.place:
        locations.append({"@type": "Place", "name": meeting.place, "address": meeting.place})
    if meeting.online_url:
        virtual = {"@type": "VirtualLocation"}
        if members_view:
            virtual["url"] = meeting.online_url
        locations.append(virtual)
    if meeting.place and meeting.online_url:
        mode = "https://schema.org/MixedEventAttendanceMode"
    elif meeting.online_url:
        mode = "https://schema.org/OnlineEventAttendanceMode"
    else:
        mode = "https://schema.org/OfflineEventAttendanceMode"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "url": url,
        "startDate": meeting.local_starts_at.isoformat(),
        "endDate": meeting.local_ends_at.isoformat(),
        "eventStatus": EVENT_STATUS[meeting.status],
        "eventAttendanceMode": mode,
        "organizer": {
            "@type": "Organization",
            "name": meeting.club.name,
            "url": settings.SITE_URL.rstrip("/") + meeting.club.get_absolute_url(),
        },
        "about": {"@type": "Book", "name": meeting.book.title},
    }
    if meeting.description:
        data["description"] = meeting.description
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if meeting.capacity:
        data["maximumAttendeeCapacity"] = meeting.capacity
    return data


def meeting_json_ld(meeting: Meeting, *, members_view: bool) -> SafeString:
    text = json.dumps(meeting_event_data(meeting, members_view=members_view), cls=DjangoJSONEncoder)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped for <script> above
