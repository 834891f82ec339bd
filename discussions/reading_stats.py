"""A member's reading stats: books and pages per year and month, their ratings, genres and
days to finish, as numbers and as inline SVG bar charts drawn here (no script, no CDN).

Reads only, a fixed number of queries however long the member has been reading.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Min

from catalog.models import BookSubject, Subject
from discussions.models import Rating, ReadingGoal, ReadThrough
from discussions.models.ratings import RATING_CHOICES

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CHART_WIDTH, CHART_HEIGHT, LABEL_SPACE = 600, 200, 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    """A bar chart's geometry, and its data for the table that is its text alternative."""

    slug: str
    title: str
    unit: str
    bars: list[Bar]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT + 2 * LABEL_SPACE

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def description(self) -> str:
        """The chart in one sentence, for screen readers and anyone without the picture."""
        if not self.total:
            return f"{self.title}: none yet."
        parts = ", ".join(f"{bar.label}: {bar.value}" for bar in self.bars if bar.value)
        return f"{self.title} ({self.unit}): {parts}."


def bar_chart(slug: str, title: str, unit: str, data: list[tuple[str, int]]) -> Chart:
    peak = max((value for _, value in data), default=0) or 1
    slot = CHART_WIDTH / max(len(data), 1)
    bars = []
    for index, (label, value) in enumerate(data):
        height = CHART_HEIGHT * value / peak
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + slot * 0.15, 1),
                y=round(LABEL_SPACE + CHART_HEIGHT - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return Chart(slug=slug, title=title, unit=unit, bars=bars)


def _finished_reads(user) -> list[dict]:
    """The member's finished reads, each with the book's page count (its shortest edition
    that gives one)."""
    return list(
        ReadThrough.objects.filter(
            user=user, outcome=ReadThrough.Outcome.READ, finished_on__isnull=False
        )
        .annotate(pages=Min("book__editions__pages"))
        .values("book_id", "started_on", "finished_on", "pages")
    )


def reading_stats(*, user, year: int | None = None, today: datetime.date | None = None) -> dict:
    """Everything the stats page shows, for `year`'s months (this year by default)."""
    today = today or datetime.date.today()
    year = year or today.year
    reads = _finished_reads(user)
    years = sorted({r["finished_on"].year for r in reads} | {year})
    by_year, pages_by_year = Counter(), Counter()
    by_month, pages_by_month = Counter(), Counter()
    for read in reads:
        finished = read["finished_on"]
        by_year[finished.year] += 1
        pages_by_year[finished.year] += read["pages"] or 0
        if finished.year == year:
            by_month[finished.month] += 1
            pages_by_month[finished.month] += read["pages"] or 0
    durations = [
        (r["finished_on"] - r["started_on"]).days + 1
        for r in reads
        if r["started_on"] and r["finished_on"] >= r["started_on"]
    ]
    ratings = Counter(
        dict(
            Rating.objects.filter(user=user)
            .values("value")
            .annotate(n=Count("pk"))
            .values_list("value", "n")
        )
    )
    genres = list(
        BookSubject.objects.filter(
            book_id__in={r["book_id"] for r in reads}, subject__kind=Subject.Kind.GENRE
        )
        .values("subject__name")
        .annotate(books=Count("book", distinct=True))
        .order_by("-books", "subject__name")[:12]
    )
    goal = ReadingGoal.objects.filter(user=user, year=today.year).first()
    year_labels = [str(y) for y in years]
    return {
        "year": year,
        "years": years,
        "books_total": len(reads),
        "pages_total": sum(pages_by_year.values()),
        "average_days": round(sum(durations) / len(durations), 1) if durations else None,
        "timed_reads": len(durations),
        "goal": goal,
        "goal_done": by_year[today.year],
        "goal_year": today.year,
        "charts": [
            bar_chart("books-year", "Books finished per year", "books",
                      list(zip(year_labels, [by_year[y] for y in years], strict=True))),
            bar_chart("pages-year", "Pages read per year", "pages",
                      list(zip(year_labels, [pages_by_year[y] for y in years], strict=True))),
            bar_chart("books-month", f"Books finished per month in {year}", "books",
                      [(MONTHS[m - 1], by_month[m]) for m in range(1, 13)]),
            bar_chart("pages-month", f"Pages read per month in {year}", "pages",
                      [(MONTHS[m - 1], pages_by_month[m]) for m in range(1, 13)]),
            bar_chart("ratings", "Your star ratings", "books",
                      [(f"{v:g}★", ratings[v]) for v in RATING_CHOICES]),
            bar_chart("genres", "Genres of the books you finished", "books",
                      [(g["subject__name"], g["books"]) for g in genres]),
        ],
    }  # fmt: skip
