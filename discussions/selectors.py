"""Reads for discussion pages, each a fixed number of queries whatever the size.

What every reader sees comes from here, cached under the data versions (bookclub/cache.py);
what depends on the reader comes from discussions/viewer.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from catalog.models import Book
from discussions.forms.community import (
    MeetingCommentForm,
    NoticeForm,
    QuoteForm,
    SummaryForm,
    blank_form_fields,
    comment_form_for,
)
from discussions.models import (
    AgeVote,
    Comment,
    ContentNotice,
    Meeting,
    Quote,
    Rating,
    Summary,
    Thread,
)
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES, age_consensus
from discussions.services.library import STATUS_KINDS
from discussions.services.spoilers import progress_for_meeting, spoilers_mark
from discussions.viewer import book_viewer, thread_viewer

PAGE_SIZE = 20
MAX_PAGE = 100_000
MAX_DEPTH = 6
SHARED_TIMEOUT = 60 * 60
SORTS = {"newest": "Newest", "oldest": "Oldest", "replies": "Most replied"}


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


def mark_spoilers(thread: Thread, *, comments: list[Comment], reader_progress) -> None:
    """Meeting and question threads: flag comments about sections this reader has not
    reached. Authors are not exempt here, since cards are shared: site.js opens the
    author's own."""
    if thread.spoiler_book_id is not None:
        spoilers_mark(comments=comments, user=None, reader_progress=reader_progress)


def thread_reader_progress(thread: Thread, user):
    """The reader's progress in the book whose sections gate the thread (None: no gate)."""
    if thread.meeting_id:
        return progress_for_meeting(user=user, meeting=thread.meeting)
    if thread.question_id:
        from discussions.services.questions import question_reader_progress

        return question_reader_progress(user=user, book_id=thread.question.book_id)
    return None


def spoiler_key(reader_progress) -> str:
    """What of the reader's progress a meeting thread's cached comments depend on."""
    if reader_progress is None:
        return "none"
    section = reader_progress.section
    position = section.position if section is not None else ""
    return (
        f"{reader_progress.book_id}.{position}.{reader_progress.page}.{reader_progress.percent}"
        f".{reader_progress.chapter}.{reader_progress.edition_pages}"
        f".{reader_progress.audio_seconds}.{reader_progress.audio_length_seconds}"
    )


@dataclass
class CommentPage:
    nodes: list[Node]
    next_page: int | None


def comment_page(thread: Thread, *, sort: str, page: int, reader_progress=None) -> CommentPage:
    """A page of top-level comments with all their replies, as a tree, in 3-4 queries."""
    # Any page past the end is empty; a huge one would overflow the database's OFFSET.
    start = (min(page, MAX_PAGE) - 1) * PAGE_SIZE
    roots = thread.comments.top_level().sorted_by(sort).values_list("pk", flat=True)
    # One extra id tells us whether a next page exists without a COUNT.
    root_ids = list(roots[start : start + PAGE_SIZE + 1])
    has_next = len(root_ids) > PAGE_SIZE
    root_ids = root_ids[:PAGE_SIZE]
    comments = list(Comment.objects.filter(root_id__in=root_ids).with_authors().order_by("path"))
    if thread.book_id:
        _attach_author_ratings(thread.book_id, comments)
    mark_spoilers(thread, comments=comments, reader_progress=reader_progress)
    return CommentPage(_build_forest(comments, root_ids), page + 1 if has_next else None)


def thread_context(
    thread: Thread | None,
    *,
    user,
    version: int,
    sort: str = "newest",
    page: int = 1,
    reader_progress=None,
    total: int | None = None,
    known: dict | None = None,
) -> dict:
    """A thread's shared parts (the comment page is built only when its cached fragment
    is missing) and the reader's own. `version` is the data version the thread belongs to:
    its book's community or its meeting."""
    sort = sort if sort in SORTS else "newest"
    page = max(page, 1)
    context = {
        "thread": thread,
        "thread_version": version,
        "spoiler_key": spoiler_key(reader_progress) if thread and thread.spoiler_book_id else "",
        "sort": sort,
        "sorts": SORTS,
        "page": page,
        "max_depth": MAX_DEPTH,
        "total": 0,
        "comment_page": CommentPage([], None),
        "comment_form": comment_form_for(thread),
        # A book thread's blank form is everyone's (a meeting's lists its book's sections).
        "blank_comment_form": not (thread and thread.meeting_id),
        "blank_fields": SimpleLazyObject(blank_form_fields),
        "post_url": reverse("discussions:comment_create", kwargs={"pk": thread.pk})
        if thread
        else "",
        "thread_url": reverse("discussions:thread", kwargs={"pk": thread.pk}) if thread else "",
        **thread_viewer(thread, user, known=known),
    }
    if thread is None:
        return context
    if total is None:
        key = f"thread-total:{thread.pk}:{version}"
        total = cache.get_or_set(key, thread.comments.count, SHARED_TIMEOUT)
    context["total"] = total
    context["comment_page"] = SimpleLazyObject(
        lambda: comment_page(thread, sort=sort, page=page, reader_progress=reader_progress)
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
    progress = thread_reader_progress(thread, user)
    mark_spoilers(thread, comments=comments, reader_progress=progress)
    return {
        "thread": thread,
        "nodes": _build_forest(comments, [comment.pk]),
        "max_depth": comment.depth + MAX_DEPTH,
        **thread_viewer(thread, user),
    }


def shared_meeting(meeting: Meeting, *, versions: dict) -> dict:
    """What every reader of a meeting page sees of its answers (in waitlist order), its
    book's reading sections and its thread, cached under the page's versions."""

    def build() -> dict:
        rsvps = meeting.rsvps.select_related("user").order_by("waitlist_position", "created_at")
        return {
            "rsvps": list(rsvps),
            "sections": list(meeting.book.sections.all()),
            "thread": Thread.objects.filter(meeting=meeting).first(),
        }

    key = f"meeting:{meeting.pk}:{versions['meeting']}:{versions['clubs']}:{versions['people']}"
    shared = cache.get_or_set(key, build, SHARED_TIMEOUT)
    if shared["thread"] is not None:
        shared["thread"].meeting = meeting
    return shared


def meeting_thread_context(
    meeting: Meeting,
    *,
    user,
    version: int,
    sort: str = "newest",
    page: int = 1,
    reader_progress=None,
    sections: list | None = None,
    known: dict | None = None,
    thread: Thread | None,
) -> dict:
    """The meeting page's discussion: its `thread` (shared_meeting's; None until the first
    post makes it), spoilers marked."""
    context = thread_context(
        thread,
        user=user,
        version=version,
        sort=sort,
        page=page,
        reader_progress=reader_progress,
        known=known,
    )
    if thread is None:
        context.update(thread_viewer(Thread(meeting=meeting), user))
    context["comment_form"] = MeetingCommentForm(book_id=meeting.book_id, sections=sections)
    context["blank_comment_form"] = False
    # Every thread link and form stays on the meeting page.
    context["post_url"] = reverse(
        "discussions:meeting_comment_create", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )
    context["thread_url"] = meeting.get_absolute_url()
    return context


def rating_summary(book: Book) -> dict:
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
    mean = sum(value * n for value, n in counts.items()) / total if total else None
    average = mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else None
    most = max(counts.values(), default=0)
    histogram = [
        {"value": value, "count": counts[value], "max": most}
        for value in sorted(RATING_CHOICES, reverse=True)
    ]
    return {
        "average": average,
        # schema.org's ratingValue: two decimals, for search engines' stars.
        "average_two_places": mean.quantize(Decimal("0.01"), ROUND_HALF_UP) if total else None,
        "count": total,
        "imported": imported,
        "histogram": histogram,
        "choices": RATING_CHOICES,
    }


def age_summary(book: Book) -> dict:
    votes = list(AgeVote.objects.filter(book=book).values_list("minimum_age", "user_id"))
    ages = sorted(age for age, _ in votes)
    consensus = age_consensus(ages)
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


def _contributions(book: Book) -> dict:
    notices = ContentNotice.objects.filter(book=book).select_related("author")
    return {
        "summaries": list(Summary.objects.filter(book=book).select_related("author")),
        "notices": list(notices.annotate(seconds_count=Count("seconds"))),
        "quotes": list(Quote.objects.filter(book=book).select_related("author")),
    }


def shared_community(book: Book, *, versions: dict) -> dict:
    """What every reader sees of a book's community, cached under its versions: the
    aggregates, the thread and its size, summaries, notices and quotes."""
    from discussions.jsonld import reviews_jsonld

    def build() -> dict:
        thread = Thread.objects.filter(book=book).first()
        return {
            "ratings": rating_summary(book),
            "age": age_summary(book),
            "thread": thread,
            "total": thread.comments.count() if thread else 0,
            "reviews": reviews_jsonld(book),
            **_contributions(book),
        }

    key = f"community:{book.pk}:{versions['community']}:{versions['people']}"
    shared = cache.get_or_set(key, build, SHARED_TIMEOUT)
    if shared["thread"] is not None:
        shared["thread"].book = book
    return shared


def community_context(
    book: Book, *, user, versions: dict, sort: str = "newest", page: int = 1
) -> dict:
    """Everything the book page's community section shows."""
    shared = shared_community(book, versions=versions)
    thread = shared["thread"]
    context = {
        **shared,
        "book": book,
        "versions": versions,
        "rating_choices": RATING_CHOICES,
        "ages": range(MIN_AGE, MAX_AGE + 1),
        "reading_statuses": [(kind.value, kind.label) for kind in STATUS_KINDS],
        "summary_form": SummaryForm(),
        "notice_form": NoticeForm(),
        "quote_form": QuoteForm(),
        **thread_context(
            thread,
            user=user,
            version=versions["community"],
            sort=sort,
            page=page,
            total=shared["total"],
            known=versions,
        ),
        **book_viewer(book, user, known=versions),
    }
    # On a book page every thread link and form goes through the book's own URLs,
    # so the first comment can create the thread.
    context["post_url"] = reverse("discussions:book_comment_create", kwargs={"slug": book.slug})
    context["thread_url"] = reverse("discussions:book_community", kwargs={"slug": book.slug})
    return context


def profile_shelves(*, member, viewer) -> list:
    """The shelves a profile shows, with their books: the public ones, and the private
    ones too when the member looks at their own. Empty status shelves are left out.
    Shelves hold only books the member put there themselves, never a club's reading."""
    from discussions.models import Shelf, ShelfEntry

    shelves = Shelf.objects.filter(user=member)
    if getattr(viewer, "pk", None) != member.pk:
        shelves = shelves.filter(is_public=True)
    entries = ShelfEntry.objects.select_related("book").order_by("-added_at", "-pk")
    shelves = shelves.prefetch_related(Prefetch("entries", queryset=entries))
    return [s for s in shelves.order_by("created_at", "pk") if not s.is_status or s.entries.all()]
