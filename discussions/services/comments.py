"""Posting, editing, deleting and moderating comments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookclub.cache import bump
from catalog.models import Book
from discussions import markup
from discussions.cache import reader_version, thread_changed
from discussions.models import (
    Comment,
    CommentRevision,
    Flag,
    Follow,
    Meeting,
    ReadingSection,
    Thread,
)
from discussions.services.errors import DiscussionError, NotAllowed


def _known_usernames(names: set[str]) -> set[str]:
    User = get_user_model()
    return set(
        User.objects.filter(username__in=names, is_active=True).values_list("username", flat=True)
    )


def comment_render(body: str) -> str:
    return markup.render(body, known_usernames=_known_usernames)


def thread_for_book(*, book: Book) -> Thread:
    thread, _ = Thread.objects.get_or_create(book=book)
    # Keep the book on the thread: the answer to a post is built from it after the
    # commit, and a query there could fail (database gone) after the comment was saved.
    thread.book = book
    return thread


def existing_book_thread(slug: str) -> Thread | None:
    """The thread of the book with this slug, with the book, in one query (None: the book
    has no thread yet, or there is no such book)."""
    return Thread.objects.of_book(slug)


def thread_for_meeting(*, meeting: Meeting) -> Thread:
    thread, _ = Thread.objects.get_or_create(meeting=meeting)
    thread.meeting = meeting
    return thread


def comment_create(
    *,
    thread: Thread,
    author,
    body: str,
    parent: Comment | None = None,
    section: ReadingSection | None = None,
) -> Comment:
    """Post a comment or a reply, keep the tree columns right and notify people.

    Comments in a meeting's thread may name the reading section they discuss. The comment
    and its ancestors' reply counts are stored together (create_in_tree); following the
    thread and the notifications come before and after it, each on its own: a failure in
    either never loses what the member wrote.
    """
    from discussions.tasks import fan_out_comment

    refusal = thread.post_check(author)
    if refusal:
        raise NotAllowed(refusal)
    if thread.question_id and section is None:
        # An answer is about what its question asks: gated by the question's section.
        section = thread.question.section
    if section is not None and section.book_id != thread.spoiler_book_id:
        raise DiscussionError("Choose one of this book's reading sections.")
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise DiscussionError("That comment belongs to another thread.")
        if parent.is_deleted:
            raise DiscussionError("That comment was deleted; reply to another one.")
        if parent.is_hidden and not thread.can_moderate(author):
            raise NotAllowed("You cannot reply to a hidden comment.")
    body = body.strip()
    if not body:
        raise DiscussionError("Write something first.")
    Follow.objects.get_or_create(thread=thread, user=author)
    try:
        comment = Comment.objects.create_in_tree(
            thread=thread,
            parent=parent,
            author=author,
            body=body,
            body_html=comment_render(body),
            created_at=timezone.now(),
            section=section,
            # Owed until the fan-out task has run: the sweeper finds it if its message is lost.
            fan_out_pending=True,
        )
    except IntegrityError:
        if parent is not None and _deleted_meanwhile(parent):
            raise DiscussionError("That comment was deleted; reply to another one.") from None
        raise
    # Followers' notifications and emails are made by a worker, after the commit: a reply
    # to a thread with fifty followers answers as fast as one with none.
    fan_out_comment.enqueue_on_commit(comment.pk)
    return comment


def _deleted_meanwhile(comment: Comment) -> bool:
    """Whether the comment is gone: its author deleted it (no replies yet) after it was
    loaded for a reply. Asked only where a query can still run: inside a transaction the
    failed statement has spoilt it, and the caller's transaction decides."""
    if transaction.get_connection().in_atomic_block:
        return False
    return not Comment.objects.filter(pk=comment.pk).exists()


@transaction.atomic
def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """Change a comment's text, keeping the previous text as a revision."""
    if not comment.can_edit(editor):
        raise NotAllowed("Only the author can edit this comment.")
    if comment.thread.is_locked and not comment.thread.can_moderate(editor):
        raise NotAllowed("This thread is locked.")
    body = body.strip()
    if not body:
        raise DiscussionError("Write something first.")
    if body == comment.body:
        return comment
    from discussions.services.notifications import notify_new_mentions

    CommentRevision.objects.create(comment=comment, body=comment.body)
    previous = comment.body
    comment.body = body
    comment.body_html = comment_render(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    notify_new_mentions(comment=comment, previous_body=previous)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user, member_left: bool = False) -> Comment | None:
    """Delete a comment; one with replies becomes a "[deleted]" tombstone so replies stay
    ("[deleted member]" with member_left, when its author deletes their account)."""
    if comment.author_id != getattr(user, "pk", None) and not comment.thread.can_moderate(user):
        raise NotAllowed("Only the author or a moderator can delete this comment.")
    # Decide on fresh, locked data: a reply may have arrived since the page loaded.
    from discussions.services.notifications import unread_changed

    comment = Comment.objects.select_for_update().select_related("thread").get(pk=comment.pk)
    # What it said is gone, so news of it ("[deleted] mentioned you") is no news: drop the
    # notifications either way (a full delete cascades) and retire the badges that counted them.
    unread_changed(list(comment.notifications.values_list("recipient_id", flat=True)))
    if comment.replies.exists():
        comment.notifications.all().delete()
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.body_html = ""
        comment.author = None
        comment.imported_handle = ""
        comment.author_left = member_left
        comment.save(
            update_fields=[
                "deleted_at",
                "body",
                "body_html",
                "author",
                "imported_handle",
                "author_left",
            ]
        )
        comment.revisions.all().delete()
        return comment
    Comment.objects.add_to_reply_counts(comment.ancestor_ids(), -1)
    comment.delete()
    return None


def comment_flag(*, comment: Comment, reporter, reason: str, note: str = "") -> Flag:
    """A member reports a comment; a second report by the same member updates the first."""
    if comment.author_id == reporter.pk:
        raise DiscussionError("You cannot flag your own comment.")
    flag, _ = Flag.objects.update_or_create(
        comment=comment,
        reporter=reporter,
        defaults={"reason": reason, "note": note, "resolved_at": None},
    )
    return flag


@transaction.atomic
def comment_moderate(*, comment: Comment, moderator, hide: bool) -> Comment:
    """Hide or restore a comment; either way its open flags are resolved."""
    if not comment.thread.can_moderate(moderator):
        raise NotAllowed("Only moderators can hide or restore comments.")
    comment.is_hidden = hide
    comment.hidden_at = timezone.now() if hide else None
    comment.save(update_fields=["is_hidden", "hidden_at"])
    comment.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    return comment


def comments_moderate_in_bulk(*, comment_ids: list[int], hide: bool) -> int:
    """Hide or restore many comments at once (the admin's actions), resolving their open
    flags. A bulk update sends no signals: the threads' versions are bumped here."""
    now = timezone.now()
    changed = Comment.objects.filter(pk__in=comment_ids).update(
        is_hidden=hide, hidden_at=now if hide else None
    )
    Flag.objects.filter(comment_id__in=comment_ids, resolved_at__isnull=True).update(
        resolved_at=now
    )
    for thread in Thread.objects.filter(comments__pk__in=comment_ids).distinct():
        thread_changed(thread)
    return changed


def flags_dismiss(*, flag_ids: list[int]) -> int:
    """Resolve flags and leave their comments as they are (only moderators see flags).
    A bulk update sends no signals: the reporters' cached reader values are retired here."""
    flags = Flag.objects.filter(pk__in=flag_ids)
    reporters = set(flags.values_list("reporter_id", flat=True))
    dismissed = Flag.objects.filter(pk__in=flag_ids).update(resolved_at=timezone.now())
    bump(*(reader_version(pk) for pk in reporters))
    return dismissed


def thread_lock(*, thread: Thread, moderator, locked: bool) -> Thread:
    if not thread.can_moderate(moderator):
        raise NotAllowed("Only moderators can lock threads.")
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    return thread


def thread_follow(*, thread: Thread, user, follow: bool) -> None:
    if follow:
        Follow.objects.update_or_create(thread=thread, user=user, defaults={"email": True})
    else:
        Follow.objects.filter(thread=thread, user=user).delete()
