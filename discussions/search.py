"""The clubs and meetings a search finds, among those the reader may see.

The catalog's search page shows these beside its books through the `clubs_and_meetings_found`
template tag (discussions/templatetags/club_tags.py): the catalog never imports discussions,
and visibility stays decided in one place, Club/Meeting.objects.visible_to(user).
"""

from __future__ import annotations

import re

from django.db.models import Q

from discussions.models import Club, Meeting

MAX_FOUND = 10


def _every_word_in(query: str, *columns: str) -> Q | None:
    """Every word of the query in one of the columns; None for a query with no words."""
    words = re.findall(r"\w+", query.lower())
    if not words:
        return None
    condition = Q()
    for word in words:
        anywhere = Q()
        for column in columns:
            anywhere |= Q(**{f"{column}__icontains": word})
        condition &= anywhere
    return condition


def clubs_found(query: str, user) -> list[Club]:
    condition = _every_word_in(query, "name", "description")
    if condition is None:
        return []
    return list(Club.objects.visible_to(user).filter(condition).order_by("name")[:MAX_FOUND])


def meetings_found(query: str, user) -> list[Meeting]:
    condition = _every_word_in(query, "title", "description", "place")
    if condition is None:
        return []
    meetings = Meeting.objects.visible_to(user).filter(condition).for_listing()
    return list(meetings.order_by("-starts_at")[:MAX_FOUND])
