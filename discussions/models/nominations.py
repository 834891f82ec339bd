"""Books members put forward for the next vote, and the seconds that shortlist them."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, Value
from django.utils import timezone

from catalog.models import Book
from discussions.models.clubs import Club


class NominationQuerySet(models.QuerySet):
    def open_in(self, club: Club) -> NominationQuerySet:
        """The club's nominations not yet sent to a ballot, with their seconds counted."""
        return (
            self.filter(club=club, poll__isnull=True)
            .select_related("book", "nominated_by")
            .annotate(seconds_count=Count("seconds"))
            .order_by("created_at", "pk")
        )

    def with_viewer_seconds(self, user) -> NominationQuerySet:
        """Mark (`seconded_by_viewer`) the nominations this user has seconded."""
        if user is None or not user.is_authenticated:
            return self.annotate(seconded_by_viewer=Value(False))
        mine = NominationSecond.objects.filter(nomination=OuterRef("pk"), member=user)
        return self.annotate(seconded_by_viewer=Exists(mine))

    def shortlisted_in(self, club: Club) -> NominationQuerySet:
        """Open nominations with at least the club's number of seconds: the ballot."""
        return self.open_in(club).filter(seconds_count__gte=club.seconds_needed)


class Nomination(models.Model):
    """A member proposing a book; `poll` is set once it went to a ballot."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="nominations")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    poll = models.ForeignKey(
        "discussions.Poll",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "book"],
                condition=Q(poll__isnull=True),
                name="nomination_open_once_per_book",
                violation_error_message="That book is already nominated: second it instead.",
            ),
        ]
        indexes = [models.Index(fields=["club", "poll"], name="nomination_open_in_club")]

    def __str__(self) -> str:
        return f"{self.book} for {self.club}"


class NominationSecond(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="seconds")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "member"],
                name="nomination_second_once",
                violation_error_message="You have already seconded this book.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} seconds {self.nomination}"


@dataclass
class Feasibility:
    """What the club should know about a candidate before voting for it."""

    pages: int | None = None
    weeks: int = 1
    comfortable_pace: int = 1
    notices: list[tuple[str, int]] = field(default_factory=list)
    age_consensus: int | None = None
    age_votes: int = 0
    members_read: int = 0
    unread_first_in_series: Book | None = None

    @property
    def pages_per_week(self) -> int | None:
        """The pace this book needs over the club's usual read length."""
        return None if self.pages is None else math.ceil(self.pages / self.weeks)

    @property
    def fits_schedule(self) -> bool | None:
        pace = self.pages_per_week
        return None if pace is None else pace <= self.comfortable_pace


def first_in_series(books: list[Book]) -> dict[int, Book]:
    """Book 1 of each book's series, for books that follow another (a query per level)."""
    parent = {book.pk: book.preceded_by_id for book in books}
    loaded: dict[int, Book] = {}
    frontier = {pk for pk in parent.values() if pk}
    for _level in range(50):  # bad catalog data (a cycle) must not loop for ever
        frontier -= loaded.keys()
        fetched = list(Book.objects.filter(pk__in=frontier)) if frontier else []
        if not fetched:
            break
        for book in fetched:
            loaded[book.pk] = book
            parent[book.pk] = book.preceded_by_id
        frontier = {book.preceded_by_id for book in fetched if book.preceded_by_id}
    firsts = {}
    for book in books:
        current, seen = book.preceded_by_id, set()
        while parent.get(current) in loaded and current not in seen:
            seen.add(current)
            current = parent[current]
        if current in loaded:
            firsts[book.pk] = loaded[current]
    return firsts


def _members_who_read(club: Club, ids: list[int]) -> dict[int, set[int]]:
    from discussions.models.library import ReadThrough, Shelf, ShelfEntry
    from discussions.models.meetings import RSVP, Meeting

    members = club.memberships.values("user_id")
    shelved = ShelfEntry.objects.filter(
        book_id__in=ids, user_id__in=members, shelf__kind=Shelf.Kind.READ
    ).values_list("book_id", "user_id")
    finished = ReadThrough.objects.filter(
        book_id__in=ids, user_id__in=members, outcome=ReadThrough.Outcome.READ
    ).values_list("book_id", "user_id")
    went = RSVP.objects.filter(
        meeting__in=Meeting.objects.filter(club=club, book_id__in=ids).past().active(),
        user_id__in=members,
        response=RSVP.Response.GOING,
    ).values_list("meeting__book_id", "user_id")
    readers: dict[int, set[int]] = defaultdict(set)
    # One query for the three ways a member can have read it.
    for book_id, user_id in shelved.order_by().union(finished.order_by(), went.order_by()):
        readers[book_id].add(user_id)
    return readers


def feasibility_of(club: Club, books: list[Book]) -> dict[int, Feasibility]:
    """Each book's feasibility panel, in a fixed number of queries however many books."""
    from catalog.models import Edition
    from discussions.models.contributions import ContentNotice
    from discussions.models.ratings import AgeVote, age_consensus

    ids = [book.pk for book in books]
    panels = {
        pk: Feasibility(weeks=club.read_length_weeks, comfortable_pace=club.pages_per_week)
        for pk in ids
    }
    if not ids:
        return panels
    pages = Edition.objects.filter(book_id__in=ids, pages__isnull=False).values("book_id")
    for row in pages.annotate(fewest=Min("pages")):
        panels[row["book_id"]].pages = row["fewest"]
    labels = dict(ContentNotice.Category.choices)
    notices = ContentNotice.objects.filter(book_id__in=ids).values("book_id", "category")
    for row in notices.annotate(count=Count("pk")).order_by("book_id", "-count", "category"):
        label = labels.get(row["category"], row["category"])
        panels[row["book_id"]].notices.append((label, row["count"]))
    ages: dict[int, list[int]] = defaultdict(list)
    for book_id, age in AgeVote.objects.filter(book_id__in=ids).values_list(
        "book_id", "minimum_age"
    ):
        ages[book_id].append(age)
    for book_id, votes in ages.items():
        panels[book_id].age_consensus = age_consensus(votes)
        panels[book_id].age_votes = len(votes)
    for book_id, readers in _members_who_read(club, ids).items():
        panels[book_id].members_read = len(readers)
    firsts = first_in_series(books)
    if firsts:
        read = set(club.books_read().values_list("pk", flat=True))
        for book_id, first in firsts.items():
            if first.pk not in read:
                panels[book_id].unread_first_in_series = first
    return panels
