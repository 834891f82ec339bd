"""A member's soft yearly reading goal: on their stats page only, never in an email."""

from __future__ import annotations

from discussions.models import ReadingGoal


def reading_goal_set(*, user, year: int, books: int | None) -> ReadingGoal | None:
    """Set the year's goal, or clear it (None)."""
    if not books:
        ReadingGoal.objects.filter(user=user, year=year).delete()
        return None
    goal, _ = ReadingGoal.objects.update_or_create(user=user, year=year, defaults={"books": books})
    return goal
