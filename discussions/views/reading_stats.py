"""A member's reading-stats page and their soft yearly goal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from discussions.forms.library import ReadingGoalForm
from discussions.reading_stats import reading_stats
from discussions.services.reading_goals import reading_goal_set
from discussions.views.common import HtmxHttpRequest, member_post

TEMPLATE = "discussions/reading_stats.html"


def _year(request) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 1000 <= year <= 2100 else None


def _page(request, *, form=None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    stats = reading_stats(user=request.user, year=_year(request), today=today)
    if form is None:
        form = ReadingGoalForm(initial={"books": stats["goal"].books if stats["goal"] else None})
    template = TEMPLATE + ("#goal" if request.htmx and request.method == "POST" else "")
    return render(request, template, {**stats, "goal_form": form}, status=status)


@login_required
@require_GET
def stats_page(request: HtmxHttpRequest) -> HttpResponse:
    """Books and pages per year and month, ratings, genres and days to finish: your own."""
    return _page(request)


@require_POST
@member_post
def reading_goal(request: HtmxHttpRequest) -> HttpResponse:
    """Set or clear this year's goal."""
    form = ReadingGoalForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    reading_goal_set(
        user=request.user, year=timezone.localdate().year, books=form.cleaned_data["books"]
    )
    if request.htmx:
        return _page(request)
    return redirect("discussions:reading_stats")
