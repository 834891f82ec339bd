"""Template helpers for clubs and meetings."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import format_html

from discussions.models import ClubRead, Meeting, ScheduledSection
from discussions.search import clubs_found, meetings_found

register = template.Library()

HOME_MEETINGS_LIMIT = 10


@register.simple_tag
def book_title(book) -> str:
    """The book's title, linked to its catalog page when the catalog provides one."""
    try:
        url = book.get_absolute_url()
    except NoReverseMatch:
        return format_html("<cite>{}</cite>", book.title)
    return format_html('<a href="{}"><cite>{}</cite></a>', url, book.title)


@register.inclusion_tag("discussions/_home_meetings.html", takes_context=True)
def home_meetings(context) -> dict:
    """Home page: the member's upcoming meetings across clubs, or public ones for visitors."""
    user = context["user"]

    def listing():
        # Built only when the cached fragment is missing (the template calls it).
        if user.is_authenticated:
            # Their clubs' meetings: membership implies visibility, and the simpler query
            # plans in a fraction of the time (the planner weighed six joins per page).
            meetings = Meeting.objects.upcoming().attended_by(user)
        else:
            meetings = Meeting.objects.upcoming().visible_to(user)
        return meetings.for_listing()[:HOME_MEETINGS_LIMIT]

    return {
        "user": user,
        "meetings": listing,
        "versions": context["versions"],
        "TZ": context.get("TZ", ""),
    }


@register.inclusion_tag("discussions/reads/_home_reads.html", takes_context=True)
def home_reads(context) -> dict:
    """Home page: "This week" for each read in the member's clubs (nothing for visitors)."""
    user = context["user"]
    return {
        "user": user,
        # Built only when the cached fragment is missing (the template calls it).
        "due": lambda: ScheduledSection.objects.next_per_read(ClubRead.objects.of_member(user)),
        "versions": context["versions"],
        "day": str(timezone.localdate()),
    }


@register.inclusion_tag("discussions/_search_found.html", takes_context=True)
def clubs_and_meetings_found(context, query: str) -> dict:
    """The search page's clubs and meetings: only those the reader may see (never cached
    for anyone else: @public_page stores signed-out pages only)."""
    user = context["user"]
    return {
        "query": query,
        "clubs": clubs_found(query, user),
        "meetings": meetings_found(query, user),
    }
