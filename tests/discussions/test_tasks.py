"""Discussions' background tasks, run eagerly: fan-out, its sweeper and beat's clean-ups."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookclub.outbox.models import OutboundEmail
from discussions.models import Comment, Follow, Invite, Notification
from discussions.services.comments import comment_create
from discussions.tasks import (
    fan_out_comment,
    prune_notifications,
    prune_revoked_invites,
    sweep_fan_outs,
)

pytestmark = pytest.mark.django_db


def test_the_fan_out_notifies_every_follower_once_with_one_email_each(
    thread, make_user, django_capture_on_commit_callbacks
):
    followers = [make_user() for _ in range(5)]
    Follow.objects.bulk_create(Follow(thread=thread, user=user) for user in followers)
    comment = comment_create(thread=thread, author=make_user(), body="News")
    assert not Notification.objects.exists(), "the fan-out waits for the commit"
    with django_capture_on_commit_callbacks(execute=True):
        assert fan_out_comment.delay(comment.pk).get() == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert fan_out_comment.delay(comment.pk).get() == 0, "a second run does nothing"
    assert Notification.objects.filter(comment=comment).count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in followers)
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {f"comment:{comment.pk}:to:{user.pk}" for user in followers}


def test_the_sweeper_fans_out_only_comments_left_pending_too_long(
    thread, make_user, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_STALE_SECONDS = 300
    follower = make_user()
    Follow.objects.create(thread=thread, user=follower)
    author = make_user()
    lost = comment_create(thread=thread, author=author, body="lost")
    fresh = comment_create(thread=thread, author=author, body="fresh")
    Comment.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_fan_outs.delay().get() == 1
    assert list(Notification.objects.values_list("comment_id", flat=True)) == [lost.pk]
    fresh.refresh_from_db()
    assert fresh.fan_out_pending
    assert [m.to for m in mail.outbox] == [[follower.email]]


def test_read_notifications_are_pruned_after_the_retention_unread_ones_stay(
    thread, make_user, settings
):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    member, author = make_user(), make_user()
    old_read, old_unread, recent_read = (
        comment_create(thread=thread, author=author, body=body) for body in "abc"
    )
    long_ago = timezone.now() - datetime.timedelta(days=200)
    for comment, read_at in [
        (old_read, long_ago),
        (old_unread, None),
        (recent_read, timezone.now()),
    ]:
        Notification.objects.create(
            recipient=member, kind=Notification.Kind.THREAD, comment=comment, read_at=read_at
        )
    Notification.objects.filter(comment__in=[old_read, old_unread]).update(created_at=long_ago)
    assert prune_notifications.delay().get() == 1
    assert set(Notification.objects.values_list("comment_id", flat=True)) == {
        old_unread.pk,
        recent_read.pk,
    }


def test_invites_revoked_long_ago_are_deleted_live_ones_stay(make_club, settings):
    settings.REVOKED_INVITE_RETENTION_DAYS = 30
    club = make_club()
    live = Invite.objects.create(club=club)
    recently_revoked = Invite.objects.create(club=club, revoked_at=timezone.now())
    Invite.objects.create(club=club, revoked_at=timezone.now() - datetime.timedelta(days=31))
    assert prune_revoked_invites.delay().get() == 1
    assert set(Invite.objects.all()) == {live, recently_revoked}


def test_beat_schedules_every_periodic_task_that_exists():
    from django.conf import settings

    from bookclub.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert {
        "outbox.sweep_outbox",
        "discussions.sweep_fan_outs",
        "discussions.send_meeting_reminders",
    } <= scheduled
