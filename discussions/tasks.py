"""Background work for discussions: thin tasks over the services, scheduled by beat."""

from __future__ import annotations

from celery import shared_task

from discussions.services import clubs, meetings, notifications, reads


@shared_task(name="discussions.fan_out_comment")
def fan_out_comment(comment_id: int) -> int:
    """A new comment's notifications, in the app and queued as emails (one task each)."""
    return notifications.comment_fan_out(comment_id=comment_id)


@shared_task(name="discussions.sweep_fan_outs")
def sweep_fan_outs() -> int:
    return notifications.fan_outs_sweep()


@shared_task(name="discussions.send_meeting_reminders")
def send_meeting_reminders() -> int:
    """Queue a reminder for everyone going to a meeting that starts within a day."""
    return meetings.reminders_queue()


@shared_task(name="discussions.prune_notifications")
def prune_notifications() -> int:
    return notifications.notifications_prune()


@shared_task(name="discussions.prune_revoked_invites")
def prune_revoked_invites() -> int:
    return clubs.invites_prune()


@shared_task(name="discussions.send_read_digests")
def send_read_digests() -> int:
    """Queue each follower's catch-up digest for this period (once: the outbox key)."""
    return reads.digests_queue()


@shared_task(name="discussions.import_library")
def import_library(import_id: int) -> str:
    """A member's Goodreads or StoryGraph file, matched and saved (idempotent: a retry of a
    finished import does nothing)."""
    from discussions.services.library_import import library_import_run

    return library_import_run(import_id=import_id).status
