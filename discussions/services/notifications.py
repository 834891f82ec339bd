"""Who hears about a new comment, in the app and by email."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookclub.request_memo import forget, memoised, remember
from discussions.markup import mentioned_usernames
from discussions.models import Comment, Follow, Notification

UNSUBSCRIBE_SALT = "discussions.unsubscribe"


def unsubscribe_token(*, user, thread_id: int | None) -> str:
    """Signed, login-free: thread_id None means "no discussion emails at all"."""
    return signing.dumps({"u": user.pk, "t": thread_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> dict:
    """Raise signing.BadSignature for a forged or garbled token."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def unsubscribe_apply(*, token: str) -> str:
    """Turn email off as the token says; returns a sentence describing what changed."""
    data = unsubscribe_read(token)
    User = get_user_model()
    user = User.objects.get(pk=data["u"])
    if data.get("t"):
        Follow.objects.filter(user=user, thread_id=data["t"]).update(email=False)
        return "You will no longer get emails about this thread."
    user.email_notifications = False
    user.save(update_fields=["email_notifications"])
    return "You will no longer get any discussion emails."


def notify_new_comment(*, comment: Comment) -> list[Notification]:
    """Mentioned members, the parent's author and followers each get one notification."""
    User = get_user_model()
    kinds: dict[int, str] = {}
    for follow in Follow.objects.filter(thread=comment.thread_id).values("user_id"):
        kinds[follow["user_id"]] = Notification.Kind.THREAD
    if comment.parent_id and comment.parent.author_id:
        kinds[comment.parent.author_id] = Notification.Kind.REPLY
    names = mentioned_usernames(comment.body)
    if names:
        for pk in User.objects.filter(username__in=names, is_active=True).values_list(
            "pk", flat=True
        ):
            kinds[pk] = Notification.Kind.MENTION
    kinds.pop(comment.author_id, None)
    # A private club's discussion reaches its members only, whoever was mentioned or followed.
    audience = comment.thread.audience(kinds)
    kinds = {pk: kind for pk, kind in kinds.items() if pk in audience}
    if not kinds:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, comment=comment, email_pending=True)
            for pk, kind in kinds.items()
        ]
    )
    ids = [n.recipient_id for n in notifications]
    unread_changed(ids)
    _send_emails_after_commit(comment.pk, ids)
    return notifications


def notify_new_mentions(*, comment: Comment, previous_body: str) -> list[Notification]:
    """An edit that adds a mention notifies the newly mentioned members (once per comment)."""
    names = mentioned_usernames(comment.body) - mentioned_usernames(previous_body)
    if not names:
        return []
    User = get_user_model()
    already = set(comment.notifications.values_list("recipient_id", flat=True))
    recipients = comment.thread.audience(
        User.objects.filter(username__in=names, is_active=True)
        .exclude(pk__in=already)
        .exclude(pk=comment.author_id)
        .values_list("pk", flat=True)
    )
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=Notification.Kind.MENTION, comment=comment, email_pending=True
            )
            for pk in recipients
        ]
    )
    ids = [n.recipient_id for n in notifications]
    unread_changed(ids)
    if ids:
        _send_emails_after_commit(comment.pk, ids)
    return notifications


def notifications_inline() -> bool:
    return getattr(settings, "NOTIFICATIONS_INLINE", True)


def fan_out_pending_comments(limit: int = 50) -> int:
    """Make the notifications of up to `limit` comments posted while NOTIFICATIONS_INLINE
    was off (their emails then wait in the outbox). Call inside a transaction: the
    comments stay locked, skipped by other senders, until it ends."""
    comments = list(
        Comment.objects.filter(fan_out_pending=True)
        .order_by("created_at", "id")
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("thread", "parent")[:limit]
    )
    for comment in comments:
        notify_new_comment(comment=comment)
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(fan_out_pending=False)
    return len(comments)


def _send_emails_after_commit(comment_id: int, user_ids: list[int]) -> None:
    """Inline (NOTIFICATIONS_INLINE, development and tests): right after the commit.
    Otherwise the rows wait, email_pending, for `manage.py send_notification_emails`, so
    a comment's answer never waits on its followers' emails (bench: a reply to a thread
    with 50 followers spent 24 ms rendering their emails, its p99 170 ms)."""
    if not notifications_inline():
        return
    # robust: once the comment is committed, a failure here (the database gone, the mail
    # server down) is logged, never answered as an error for a comment that was stored.
    transaction.on_commit(
        lambda: notification_emails_send(comment_id=comment_id, user_ids=user_ids), robust=True
    )


def pending_email_batch(limit: int = 200) -> list[tuple[int, list[int]]]:
    """Claim up to `limit` pending emails: [(comment id, recipient ids)], oldest first.
    Call inside a transaction: the rows stay locked (skipped by other senders) until it ends."""
    rows = (
        Notification.objects.filter(email_pending=True)
        .order_by("created_at", "id")
        .select_for_update(skip_locked=True)
        .values_list("comment_id", "recipient_id")[:limit]
    )
    batch: dict[int, list[int]] = {}
    for comment_id, recipient_id in rows:
        batch.setdefault(comment_id, []).append(recipient_id)
    return list(batch.items())


def notification_emails_send(*, comment_id: int, user_ids: list[int]) -> int:
    """Email the members who opted in; every message has a one-click unsubscribe."""
    comment = Comment.objects.select_related("thread", "author").filter(pk=comment_id).first()
    if comment is None:
        return 0
    muted = set(
        Follow.objects.filter(thread=comment.thread_id, email=False).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for notification in Notification.objects.filter(
        comment=comment, recipient_id__in=user_ids, recipient__email_notifications=True
    ).select_related("recipient"):
        recipient = notification.recipient
        # Followers who muted the thread still hear about mentions of them.
        if recipient.pk in muted and notification.kind != Notification.Kind.MENTION:
            continue
        scope = None if notification.kind == Notification.Kind.MENTION else comment.thread_id
        token = unsubscribe_token(user=recipient, thread_id=scope)
        unsubscribe_url = settings.SITE_URL + reverse(
            "discussions:unsubscribe", kwargs={"token": token}
        )
        context = {
            "notification": notification,
            "comment": comment,
            "comment_url": settings.SITE_URL + comment.get_absolute_url(),
            "unsubscribe_url": unsubscribe_url,
            "scope_is_thread": scope is not None,
        }
        message = EmailMessage(
            # A display name may hold line breaks; a mail header cannot.
            subject=" ".join(f"{comment.author_name} {notification.get_kind_display()}".split()),
            body=render_to_string("discussions/email/notification.txt", context),
            to=[recipient.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.send()
        sent += 1
    # Sent, or not wanted (opted out, thread muted): either way, out of the outbox.
    Notification.objects.filter(
        comment_id=comment_id, recipient_id__in=user_ids, email_pending=True
    ).update(email_pending=False)
    return sent


def notify_meeting_news(*, meeting, users, kind: str, detail: str = "") -> list[Notification]:
    """In-app news about a meeting (changed, cancelled, a seat came free) for these members."""
    headline = Notification.meeting_headline(kind=kind, title=meeting.title, detail=detail)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                meeting=meeting,
                detail=detail[:255],
                headline=" ".join(headline.split())[:300],
            )
            for user in users
        ]
    )
    unread_changed([n.recipient_id for n in notifications])
    return notifications


def notify_join_request(*, join_request) -> list[Notification]:
    """A by-request club's organisers hear that someone asked to join."""
    from discussions.models import Membership

    organisers = join_request.club.memberships.filter(
        role=Membership.Role.ORGANISER, user__is_active=True
    ).values_list("user_id", flat=True)
    return _notify_join(join_request, Notification.Kind.JOIN_REQUESTED, list(organisers))


def notify_join_decision(*, join_request, approved: bool) -> list[Notification]:
    """The member who asked hears what the organisers decided."""
    kind = Notification.Kind.JOIN_APPROVED if approved else Notification.Kind.JOIN_DECLINED
    return _notify_join(join_request, kind, [join_request.user_id])


def _notify_join(join_request, kind: str, user_ids: list[int]) -> list[Notification]:
    headline = Notification.join_headline(kind=kind, join_request=join_request)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                join_request=join_request,
                detail=join_request.message[:255]
                if kind == Notification.Kind.JOIN_REQUESTED
                else "",
                headline=" ".join(headline.split())[:300],
            )
            for pk in user_ids
        ]
    )
    unread_changed(user_ids)
    return notifications


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.for_user(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    marked = queryset.update(read_at=timezone.now())
    unread_changed([user.pk])
    return marked


# The header's badge stops counting here ("99+"): a member with thousands of unread
# notifications would otherwise pay for counting them all on every page.
UNREAD_BADGE_CAP = 100
# Kept per member in the cache, retired whenever their notifications change; the timeout
# bounds how long a change the services do not see (leaving a private club) can lag.
UNREAD_BADGE_TIMEOUT = 60


def badge_key(user_id: int) -> str:
    return f"notifications:unread-badge:{user_id}"


def unread_badge(user) -> str:
    """The header badge: "3", "99+", or "" for none (one bounded COUNT, then cached)."""
    badge = memoised(badge_key(user.pk), lambda: cache.get(badge_key(user.pk)))
    if badge is None:
        unread = Notification.objects.for_user(user).unread().order_by()[:UNREAD_BADGE_CAP]
        count = unread.count()
        badge = f"{UNREAD_BADGE_CAP - 1}+" if count >= UNREAD_BADGE_CAP else str(count or "")
        cache.set(badge_key(user.pk), badge, UNREAD_BADGE_TIMEOUT)
        remember(badge_key(user.pk), badge)
    return badge


def unread_changed(user_ids: list[int]) -> None:
    """Retire these members' badges now and again once the transaction commits."""
    if not user_ids:
        return
    keys = [badge_key(pk) for pk in set(user_ids)]
    cache.delete_many(keys)
    for key in keys:
        forget(key)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
