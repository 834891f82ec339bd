"""Who hears about a new comment, in the app and by email (queued, sent by the workers)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookclub.cache import bump
from bookclub.outbox.services import Email, emails_queue
from discussions.cache import reader_version
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
        bump(reader_version(user.pk))  # a bulk update: no signal retires their follows
        return "You will no longer get emails about this thread."
    user.email_notifications = False
    user.save(update_fields=["email_notifications"])
    return "You will no longer get any discussion emails."


def comment_fan_out(*, comment_id: int) -> int:
    """Make a new comment's notifications and queue their emails, once per comment.

    Runs in the background (discussions.tasks.fan_out_comment). The comment's own
    `fan_out_pending` flag, cleared in the same transaction, is the outbox entry: a second
    run finds it cleared, or the row locked by the first, and does nothing.
    """
    with transaction.atomic():
        comment = (
            Comment.objects.filter(pk=comment_id, fan_out_pending=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("thread", "parent")
            .first()
        )
        if comment is None:
            return 0
        notifications = notify_new_comment(comment=comment)
        Comment.objects.filter(pk=comment.pk).update(fan_out_pending=False)
    return len(notifications)


def fan_outs_sweep(*, now=None, limit: int = 200) -> int:
    """Enqueue again the fan-outs still owed OUTBOX_STALE_SECONDS after their comment was
    posted (the broker was down then, or the worker died running them)."""
    from discussions.tasks import fan_out_comment

    now = now or timezone.now()
    before = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    ids = list(
        Comment.objects.filter(fan_out_pending=True, created_at__lte=before)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        fan_out_comment.enqueue(pk)
    return len(ids)


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
        [Notification(recipient_id=pk, kind=kind, comment=comment) for pk, kind in kinds.items()]
    )
    ids = [n.recipient_id for n in notifications]
    unread_changed(ids)
    comment_emails_queue(comment=comment, user_ids=ids)
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
            Notification(recipient_id=pk, kind=Notification.Kind.MENTION, comment=comment)
            for pk in recipients
        ]
    )
    ids = [n.recipient_id for n in notifications]
    unread_changed(ids)
    if ids:
        comment_emails_queue(comment=comment, user_ids=ids)
    return notifications


def comment_emails_queue(*, comment: Comment, user_ids: list[int]) -> int:
    """Queue the emails of the members who opted in (one each, keyed by comment and member);
    every message has a one-click unsubscribe. Call it in the notifications' transaction."""
    comment = Comment.objects.select_related("thread", "author").get(pk=comment.pk)
    muted = set(
        Follow.objects.filter(thread=comment.thread_id, email=False).values_list(
            "user_id", flat=True
        )
    )
    emails = []
    for notification in Notification.objects.filter(
        comment=comment, recipient_id__in=user_ids, recipient__email_notifications=True
    ).select_related("recipient"):
        recipient = notification.recipient
        # Followers who muted the thread still hear about mentions of them.
        if recipient.pk in muted and notification.kind != Notification.Kind.MENTION:
            continue
        if not recipient.email:
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
        emails.append(
            Email(
                key=f"comment:{comment.pk}:to:{recipient.pk}",
                to=recipient.email,
                subject=f"{comment.author_name} {notification.get_kind_display()}",
                body=render_to_string("discussions/email/notification.txt", context),
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    return emails_queue(emails)


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


def notifications_prune(*, now=None) -> int:
    """Forget notifications read more than NOTIFICATION_RETENTION_DAYS ago (unread ones stay:
    the badge counts them, and deleting them would change it behind the member's back)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff, created_at__lt=cutoff).delete()
    return deleted


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
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
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
    badge = cache.get(badge_key(user.pk))
    if badge is None:
        unread = Notification.objects.for_user(user).unread().order_by()[:UNREAD_BADGE_CAP]
        count = unread.count()
        badge = f"{UNREAD_BADGE_CAP - 1}+" if count >= UNREAD_BADGE_CAP else str(count or "")
        cache.set(badge_key(user.pk), badge, UNREAD_BADGE_TIMEOUT)
    return badge


def unread_changed(user_ids: list[int]) -> None:
    """Retire these members' badges now and again once the transaction commits."""
    if not user_ids:
        return
    keys = [badge_key(pk) for pk in set(user_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
