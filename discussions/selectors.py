"""Reads for discussion pages, each a fixed number of queries whatever the size."""

from __future__ import annotations

import copy
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.urls import reverse

from catalog.models import Book
from discussions.cache import cached_community
from discussions.forms.community import (
    MeetingCommentForm,
    NoticeForm,
    QuoteForm,
    SummaryForm,
    comment_form_for,
)
from discussions.models import (
    AgeVote,
    Comment,
    ContentNotice,
    Flag,
    Follow,
    Meeting,
    NoticeSecond,
    Quote,
    Rating,
    Summary,
    Thread,
)
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES
from discussions.services.spoilers import progress_for_meeting, spoilers_mark

PAGE_SIZE = 20
MAX_PAGE = 100_000
MAX_DEPTH = 6
SORTS = {"newest": "Newest", "oldest": "Oldest", "replies": "Most replied"}
# "Not loaded yet" for a reader's progress (None means "has none").
UNLOADED = object()


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)


def _build_forest(comments: list[Comment], root_ids: list[int]) -> list[Node]:
    """Comments arrive ordered by path, so every parent precedes its replies."""
    nodes: dict[int, Node] = {}
    for comment in comments:
        node = nodes[comment.pk] = Node(comment)
        if comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
    return [nodes[pk] for pk in root_ids if pk in nodes]


def _attach_author_ratings(book_id: int, comments: list[Comment]) -> None:
    """Show each author's star rating beside their words, as the library catalog does."""
    user_ids = {c.author_id for c in comments if c.author_id}
    handles = {c.imported_handle for c in comments if c.is_imported}
    if not user_ids and not handles:
        return
    rows = Rating.objects.filter(book_id=book_id).filter(
        Q(user_id__in=user_ids) | Q(user__isnull=True, imported_handle__in=handles)
    )
    by_user, by_handle = {}, {}
    for user_id, handle, value in rows.values_list("user_id", "imported_handle", "value"):
        if user_id:
            by_user[user_id] = value
        else:
            by_handle[handle] = value
    for comment in comments:
        if comment.author_id:
            comment.author_rating = by_user.get(comment.author_id)
        elif comment.is_imported:
            comment.author_rating = by_handle.get(comment.imported_handle)


def _viewer_state(thread: Thread, user, root_ids: list[int]) -> dict:
    if not getattr(user, "is_authenticated", False):
        return {"flagged_ids": set(), "following": False}
    # Filtering on the page's roots keeps the query's size fixed however big the trees are.
    return {
        "flagged_ids": set(
            Flag.objects.filter(reporter=user, comment__root_id__in=root_ids).values_list(
                "comment_id", flat=True
            )
        ),
        "following": Follow.objects.filter(thread=thread, user=user).exists(),
    }


def mark_spoilers(thread: Thread, *, user, comments: list[Comment], reader_progress=UNLOADED):
    """Meeting threads: flag comments about sections this reader has not reached (1 query)."""
    if not thread.meeting_id:
        return
    if reader_progress is UNLOADED:
        reader_progress = progress_for_meeting(user=user, meeting=thread.meeting)
    spoilers_mark(comments=comments, user=user, reader_progress=reader_progress)


def thread_context(
    thread: Thread | None,
    *,
    user,
    sort: str = "newest",
    page: int = 1,
    reader_progress=UNLOADED,
) -> dict:
    """A page of top-level comments with all their replies, as a tree, in 4-5 queries.

    Meeting threads also mark spoilers, with the reader's progress passed in or loaded once.
    """
    sort = sort if sort in SORTS else "newest"
    page = max(page, 1)
    context = {
        "thread": thread,
        "sort": sort,
        "sorts": SORTS,
        "page": page,
        "max_depth": MAX_DEPTH,
        "nodes": [],
        "total": 0,
        "next_page": None,
        "flagged_ids": set(),
        "following": False,
        "can_moderate": False,
        "can_post": getattr(user, "is_authenticated", False),
        "post_refusal": "",
        "comment_form": comment_form_for(thread),
        "post_url": reverse("discussions:comment_create", kwargs={"pk": thread.pk})
        if thread
        else "",
        "thread_url": reverse("discussions:thread", kwargs={"pk": thread.pk}) if thread else "",
    }
    if thread is None:
        return context
    # Any page past the end is empty; a huge one would overflow the database's OFFSET.
    start = (min(max(page, 1), MAX_PAGE) - 1) * PAGE_SIZE
    roots = thread.comments.top_level().sorted_by(sort).values_list("pk", flat=True)
    # One extra id tells us whether a next page exists without a COUNT.
    root_ids = list(roots[start : start + PAGE_SIZE + 1])
    has_next = len(root_ids) > PAGE_SIZE
    root_ids = root_ids[:PAGE_SIZE]
    comments = list(Comment.objects.filter(root_id__in=root_ids).with_authors().order_by("path"))
    if thread.book_id:
        _attach_author_ratings(thread.book_id, comments)
    mark_spoilers(thread, user=user, comments=comments, reader_progress=reader_progress)
    refusal = thread.post_check(user)
    context.update(
        nodes=_build_forest(comments, root_ids),
        total=(
            cached_community(thread.book_id, "total", thread.comments.count)
            if thread.book_id
            else thread.comments.count()
        ),
        next_page=page + 1 if has_next else None,
        can_moderate=thread.can_moderate(user),
        can_post=not refusal,
        post_refusal=refusal,
        **_viewer_state(thread, user, root_ids),
    )
    return context


def subtree_context(comment: Comment, *, user) -> dict:
    """One comment and everything below it ("continue this thread")."""
    thread = comment.thread
    comments = list(
        Comment.objects.filter(root_id=comment.root_id, path__startswith=comment.path)
        .with_authors()
        .order_by("path")
    )
    mark_spoilers(thread, user=user, comments=comments)
    return {
        "thread": thread,
        "nodes": _build_forest(comments, [comment.pk]),
        "max_depth": comment.depth + MAX_DEPTH,
        "can_moderate": thread.can_moderate(user),
        "can_post": thread.can_post(user),
        **_viewer_state(thread, user, [comment.root_id]),
    }


def meeting_thread_context(
    meeting: Meeting,
    *,
    user,
    sort: str = "newest",
    page: int = 1,
    reader_progress=UNLOADED,
    sections: list | None = None,
) -> dict:
    """The meeting page's discussion: its thread (made by the first post), spoilers marked."""
    thread = Thread.objects.filter(meeting=meeting).first()
    if thread is not None:
        thread.meeting = meeting
    context = thread_context(
        thread, user=user, sort=sort, page=page, reader_progress=reader_progress
    )
    if thread is None:
        refusal = Thread(meeting=meeting).post_check(user)
        context.update(can_post=not refusal, post_refusal=refusal)
    context["comment_form"] = MeetingCommentForm(book_id=meeting.book_id, sections=sections)
    # Every thread link and form stays on the meeting page.
    context["post_url"] = reverse(
        "discussions:meeting_comment_create", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )
    context["thread_url"] = meeting.get_absolute_url()
    return context


def rating_summary(book: Book, *, user=None) -> dict:
    """Average, count, histogram (half-star buckets) and how many were imported."""
    summary = dict(cached_community(book.pk, "ratings", lambda: _rating_aggregates(book)))
    summary["mine"] = None
    if getattr(user, "is_authenticated", False):
        summary["mine"] = (
            Rating.objects.filter(book=book, user=user).values_list("value", flat=True).first()
        )
    return summary


def _rating_aggregates(book: Book) -> dict:
    rows = (
        Rating.objects.filter(book=book)
        .values("value")
        .annotate(
            members=Count("pk", filter=Q(user__isnull=False)),
            imported=Count("pk", filter=Q(user__isnull=True)),
        )
    )
    counts: Counter = Counter()
    imported = 0
    for row in rows:
        counts[Decimal(row["value"])] += row["members"] + row["imported"]
        imported += row["imported"]
    total = sum(counts.values())
    average = (
        (sum(value * n for value, n in counts.items()) / total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        if total
        else None
    )
    most = max(counts.values(), default=0)
    histogram = [
        {"value": value, "count": counts[value], "max": most}
        for value in sorted(RATING_CHOICES, reverse=True)
    ]
    return {
        "average": average,
        "count": total,
        "imported": imported,
        "histogram": histogram,
        "choices": RATING_CHOICES,
    }


def age_summary(book: Book, *, user=None) -> dict:
    """The median "suitable from" age and the spread of votes."""
    summary = dict(cached_community(book.pk, "ages", lambda: _age_aggregates(book)))
    summary["mine"] = None
    if getattr(user, "is_authenticated", False):
        summary["mine"] = (
            AgeVote.objects.filter(book=book, user=user)
            .values_list("minimum_age", flat=True)
            .first()
        )
    return summary


def _age_aggregates(book: Book) -> dict:
    votes = list(AgeVote.objects.filter(book=book).values_list("minimum_age", "user_id"))
    ages = sorted(age for age, _ in votes)
    consensus = (
        int(Decimal(str(statistics.median(ages))).quantize(Decimal(1), ROUND_HALF_UP))
        if ages
        else None
    )
    spread = sorted(Counter(ages).items())
    return {
        "consensus": consensus,
        "count": len(ages),
        "imported": sum(1 for _, user_id in votes if user_id is None),
        "youngest": ages[0] if ages else None,
        "oldest": ages[-1] if ages else None,
        "spread": [{"age": age, "count": n, "max": max(c for _, c in spread)} for age, n in spread],
        "ages": range(MIN_AGE, MAX_AGE + 1),
    }


def contributions_context(book: Book, *, user=None) -> dict:
    shared = cached_community(book.pk, "contributions", lambda: _contributions(book))
    return {
        "summaries": shared["summaries"],
        "notices": notices_seen_by(shared["notices"], book, user=user),
        "quotes": shared["quotes"],
        "summary_form": SummaryForm(),
        "notice_form": NoticeForm(),
        "quote_form": QuoteForm(),
    }


def book_notices(book: Book, *, user=None) -> list[ContentNotice]:
    """The book's content notices, each marked with whether this reader agreed."""
    shared = cached_community(book.pk, "contributions", lambda: _contributions(book))
    return notices_seen_by(shared["notices"], book, user=user)


def notices_seen_by(notices: list[ContentNotice], book: Book, *, user) -> list[ContentNotice]:
    if not getattr(user, "is_authenticated", False) or not notices:
        return notices
    seconded = set(
        NoticeSecond.objects.filter(notice__book=book, user=user).values_list(
            "notice_id", flat=True
        )
    )
    # Copies: the cached notices are shared by every reader.
    notices = [copy.copy(notice) for notice in notices]
    for notice in notices:
        notice.seconded = notice.pk in seconded
    return notices


def _contributions(book: Book) -> dict:
    notices = ContentNotice.objects.filter(book=book).select_related("author")
    return {
        "summaries": list(Summary.objects.filter(book=book).select_related("author")),
        "notices": list(notices.annotate(seconds_count=Count("seconds"))),
        "quotes": list(Quote.objects.filter(book=book).select_related("author")),
    }


def book_thread(book: Book) -> Thread | None:
    thread = cached_community(book.pk, "thread", lambda: Thread.objects.filter(book=book).first())
    if thread is not None:
        thread.book = book
    return thread


def community_context(book: Book, *, user, sort: str = "newest", page: int = 1) -> dict:
    """Everything the book page's community section shows."""
    thread = book_thread(book)
    context = {
        "book": book,
        "ratings": rating_summary(book, user=user),
        "age": age_summary(book, user=user),
        **thread_context(thread, user=user, sort=sort, page=page),
        **contributions_context(book, user=user),
        "user": user,
    }
    # On a book page every thread link and form goes through the book's own URLs,
    # so the first comment can create the thread.
    context["post_url"] = reverse("discussions:book_comment_create", kwargs={"slug": book.slug})
    context["thread_url"] = reverse("discussions:book_community", kwargs={"slug": book.slug})
    return context
