"""Which data versions (bookclub/cache.py) a discussions row belongs to.

- "book:<slug>": a book's community (its thread, comments, ratings, age votes, summaries,
  notices and their seconds, quotes). Named by slug, the name in the page's address, so a
  visitor's revalidation needs no query.
- "meeting:<id>": a meeting's RSVPs and discussion.
- "clubs": clubs, memberships, meetings, reading sections, polls.
- "questions:<slug>": a club's question bank (questions, their votes and answers). Named
  by the club's slug, the name in the meeting page's address.
- "shelves:<username>": a member's shelves and the books on them (their profile). Named
  by username, the name in the profile's address, like a book's slug; a new username
  bumps "people" and moves the profile to a new address anyway.

The signal handlers in DiscussionsConfig.ready call these for every save and delete;
services that write in bulk call them themselves.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from bookclub.cache import bump, reader_version


def community_version(slug: str) -> str:
    return f"book:{slug}"


def meeting_version(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def questions_version(club_slug: str) -> str:
    return f"questions:{club_slug}"


def shelves_version(username: str) -> str:
    return f"shelves:{username}"


def book_changed(book) -> None:
    bump(community_version(book.slug))


def _thread_names(thread) -> list[str]:
    names = []
    if thread.book_id:
        names.append(community_version(thread.book.slug))
    if thread.meeting_id:
        names.append(meeting_version(thread.meeting_id))
    if thread.question_id:
        names.append(questions_version(thread.question.club.slug))
    return names


def thread_changed(thread) -> None:
    bump(*_thread_names(thread))


def community_row_changed(sender, instance, **_signal_arguments) -> None:
    from discussions.models import Comment, NoticeSecond, Thread

    try:
        names = _names_of(instance, Comment, NoticeSecond, Thread)
    except ObjectDoesNotExist:  # deleted with its book, whose deletion retired the catalog
        names = []
    bump(*names)


def _names_of(instance, Comment, NoticeSecond, Thread) -> list[str]:  # noqa: N803
    if isinstance(instance, Thread):
        names = _thread_names(instance)
    elif isinstance(instance, Comment):
        threads = Thread.objects.select_related("book", "question__club")
        thread = threads.filter(pk=instance.thread_id).first()
        names = _thread_names(thread) if thread is not None else []
    elif isinstance(instance, NoticeSecond):
        names = [community_version(instance.notice.book.slug)]
    else:  # a row with a book: rating, age vote, summary, notice, quote
        names = [community_version(instance.book.slug)]
    return names


def meeting_row_changed(sender, instance, **_signal_arguments) -> None:
    bump(meeting_version(instance.meeting_id))


def question_row_changed(sender, instance, **_signal_arguments) -> None:
    """A question or a vote on one: its club's question bank."""
    from discussions.models import Club, Question

    question = instance if isinstance(instance, Question) else None
    club_id = question.club_id if question else None
    if question is not None and type(question).club.is_cached(question):
        bump(questions_version(question.club.slug))
        return
    if club_id is None:
        club_id = Question.objects.filter(pk=instance.question_id).values_list("club_id").first()
        club_id = club_id[0] if club_id else None
    slugs = Club.objects.filter(pk=club_id).values_list("slug", flat=True)
    bump(*(questions_version(slug) for slug in slugs))


def shelf_row_changed(sender, instance, **_signal_arguments) -> None:
    from bookclub.accounts.models import User

    if type(instance).user.is_cached(instance):  # services pass the member along: no query
        names = [instance.user.username]
    else:  # the admin, or a cascade (a deleted member's profile is gone anyway)
        names = User.objects.filter(pk=instance.user_id).values_list("username", flat=True)
    bump(*(shelves_version(name) for name in names))


def reader_row_changed(sender, instance, **_signal_arguments) -> None:
    user_id = getattr(instance, "user_id", None) or getattr(instance, "reporter_id", None)
    if user_id is not None:
        bump(reader_version(user_id))


def clubs_changed(**_signal_arguments) -> None:
    bump("clubs")


def thread_version_name(thread) -> str:
    """The version a thread's comments are cached under: its book's community or its
    meeting's."""
    return _thread_names(thread)[0]
