"""Writes for meetings: scheduling, changing, cancelling, recaps, progress, reminders."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from bookclub.outbox.services import Email, emails_queue
from discussions.models import (
    RSVP,
    Meeting,
    Notification,
    ReadingProgress,
    ReadingSection,
    Reminder,
)
from discussions.services.notifications import notify_meeting_news
from discussions.services.rsvps import waitlist_promote

logger = logging.getLogger(__name__)

# Changing any of these is news for everyone who answered.
NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "place", "online_url", "status")


def meeting_create(
    *,
    club,
    book,
    created_by,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    title: str,
    **fields: Any,
) -> Meeting:
    """Schedule a meeting (validated, stored in UTC)."""
    meeting = Meeting(
        club=club,
        book=book,
        created_by=created_by,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        title=title,
        **fields,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _recipients(meeting: Meeting) -> Iterable:
    """Everyone who answered anything but "can't go", who wants email."""
    return [
        rsvp.user
        for rsvp in meeting.rsvps.select_related("user")
        .exclude(response=RSVP.Response.NOT_GOING)
        .filter(user__is_active=True, user__email_notifications=True)
        if rsvp.user.email
    ]


def _email(*, key: str, user, subject: str, template: str, context: dict) -> Email:
    """The message, rendered in the member's time zone, for the outbox (sent by a worker)."""
    with timezone.override(_user_zone(user, context["meeting"])):
        body = render_to_string(template, {"user": user, **context})
    return Email(key=key, to=user.email, subject=subject, body=body)


def _answered(meeting: Meeting) -> list:
    """Active members who answered anything but "can't go" (in-app news ignores email settings)."""
    return [
        rsvp.user
        for rsvp in meeting.rsvps.select_related("user")
        .exclude(response=RSVP.Response.NOT_GOING)
        .filter(user__is_active=True)
    ]


def meeting_notify_change(*, meeting: Meeting, changes: list[str]) -> int:
    """Tell members who RSVPed about a change, in the app and by email; returns how many emails.
    Call it in the change's transaction: the emails are queued with it, sent after it."""
    if not changes:
        return 0
    kind, detail = _news_kind(meeting, changes)
    news = notify_meeting_news(meeting=meeting, users=_answered(meeting), kind=kind, detail=detail)
    notification_of = {n.recipient_id: n.pk for n in news}
    context = {
        "meeting": meeting,
        "changes": [change for change in changes if change != "status"],
        "url": site_url(meeting.get_absolute_url()),
    }
    recipients = _recipients(meeting)
    headline = Notification.meeting_headline(kind=kind, title=meeting.title)
    emails = []
    for user in recipients:
        with timezone.override(_user_zone(user, meeting)):  # times in the member's zone
            emails.append(
                _email(
                    key=f"notification:{notification_of[user.pk]}",
                    user=user,
                    subject=f"[{meeting.club.name}] {headline}",
                    template="discussions/email/meeting_changed.txt",
                    context=context,
                )
            )
    emails_queue(emails)
    return len(recipients)


def _news_kind(meeting: Meeting, changes: list[str]) -> tuple[str, str]:
    """The kind of news a change is, and what else changed: a status change is said by the
    kind ("Postponed: …"), never as "(status)"."""
    others = ", ".join(change for change in changes if change != "status")
    if "status" in changes and meeting.is_cancelled:
        return Notification.Kind.MEETING_CANCELLED, ""
    if "status" in changes and meeting.is_postponed:
        return Notification.Kind.MEETING_POSTPONED, ""
    return Notification.Kind.MEETING_CHANGED, others


def meeting_notify_promoted(*, meeting: Meeting, rsvps: list[RSVP]) -> None:
    """Tell waitlisted members a seat came free for them, in the app and by email (queued)."""
    news = notify_meeting_news(
        meeting=meeting,
        users=[rsvp.user for rsvp in rsvps if rsvp.user.is_active],
        kind=Notification.Kind.PROMOTED,
    )
    news_emails_queue(
        news=news,
        subject=f"[{meeting.club.name}] You have a seat: {meeting.title}",
        template="discussions/email/waitlist_promoted.txt",
        context={"meeting": meeting, "url": site_url(meeting.get_absolute_url())},
    )


def news_emails_queue(*, news: list[Notification], subject: str, template: str, context: dict):
    """One email per piece of meeting news, to recipients who want email, keyed by the
    notification (a retry sends nothing twice); queued, sent after the commit."""
    return emails_queue(
        [
            _email(
                key=f"notification:{notification.pk}",
                user=notification.recipient,
                subject=subject,
                template=template,
                context=context,
            )
            for notification in news
            if notification.recipient.email and notification.recipient.email_notifications
        ]
    )


def _user_zone(user, meeting: Meeting) -> str:
    return user.time_zone or meeting.time_zone


def _describe_changes(before: dict, meeting: Meeting) -> list[str]:
    labels = {
        "title": "title",
        "starts_at": "start time",
        "ends_at": "end time",
        "time_zone": "time zone",
        "place": "place",
        "online_url": "online link",
        "status": "status",
    }
    return [labels[name] for name in NOTIFIED_FIELDS if before[name] != getattr(meeting, name)]


def meeting_update(*, meeting: Meeting, **fields: Any) -> list[str]:
    """Change a meeting, bump its calendar sequence, free seats if capacity grew, tell RSVPs."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = {name: getattr(locked, name) for name in NOTIFIED_FIELDS}
        # Checked again under the lock: members may have answered since the form was read.
        if "capacity" in fields and (refusal := locked.capacity_refusal(fields["capacity"])):
            raise ValidationError({"capacity": refusal})
        for name, value in fields.items():
            setattr(locked, name, value)
        # Rescheduling a postponed meeting puts it back on the calendar.
        if locked.is_postponed and (
            before["starts_at"] != locked.starts_at and "status" not in fields
        ):
            locked.status = Meeting.Status.SCHEDULED
        changes = _describe_changes(before, locked)
        if changes:
            locked.sequence += 1
        locked.full_clean()
        locked.save()
        promoted = waitlist_promote(meeting=locked)
        # In the change's transaction: the news and its queued emails commit with it.
        if promoted:
            meeting_notify_promoted(meeting=locked, rsvps=promoted)
        meeting_notify_change(meeting=locked, changes=changes)
    meeting.refresh_from_db()
    return changes


def meeting_cancel(*, meeting: Meeting) -> list[str]:
    return meeting_update(meeting=meeting, status=Meeting.Status.CANCELLED)


def meeting_postpone(*, meeting: Meeting) -> list[str]:
    """Mark a meeting postponed: new date to follow (editing the times reschedules it)."""
    return meeting_update(meeting=meeting, status=Meeting.Status.POSTPONED)


def meeting_post_recap(*, meeting: Meeting, recap: str) -> Meeting:
    """The organiser's summary, only once the meeting has ended."""
    if not meeting.has_ended():
        raise ValidationError("Post the recap after the meeting has ended.")
    meeting.recap = recap.strip()
    meeting.recap_posted_at = timezone.now() if meeting.recap else None
    meeting.save(update_fields=["recap", "recap_posted_at", "updated_at"])
    return meeting


def section_add(
    *,
    book,
    title: str,
    last_page: int | None = None,
    last_percent: int | None = None,
    last_chapter: int | None = None,
) -> ReadingSection:
    """Append a reading section to a book."""
    last = book.sections.order_by("-position").values_list("position", flat=True).first() or 0
    ends = {"last_page": last_page, "last_percent": last_percent, "last_chapter": last_chapter}
    section = ReadingSection(book=book, position=last + 1, title=title, **ends)
    section.full_clean()
    try:
        with transaction.atomic():
            section.save()
    except IntegrityError:
        raise ValidationError("Someone added a section at the same time; try again.") from None
    return section


def progress_record(
    *,
    user,
    book,
    section: ReadingSection | None = None,
    page: int | None = None,
    percent: int | None = None,
    chapter: int | None = None,
    edition_pages: int | None = None,
    audio_seconds: int | None = None,
    audio_length_seconds: int | None = None,
) -> ReadingProgress:
    """Record how far a member has read, in any format (replacing what they said before)."""
    if section is not None and section.book_id != book.pk:
        raise ValidationError("That section belongs to another book.")
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError("A percentage runs from 0 to 100.")
    fields = {
        "section": section,
        "page": page,
        "percent": percent,
        "chapter": chapter,
        "edition_pages": edition_pages,
        "audio_seconds": audio_seconds,
        "audio_length_seconds": audio_length_seconds,
    }
    ReadingProgress(user=user, book=book, **fields).full_clean(
        exclude=["user", "book"], validate_unique=False
    )
    progress, _ = ReadingProgress.objects.update_or_create(user=user, book=book, defaults=fields)
    return progress


def reminders_due(*, now: datetime | None = None, window: timedelta = timedelta(days=1)):
    """Going RSVPs for meetings starting within `window` that have had no reminder yet."""
    now = now or timezone.now()
    return (
        RSVP.objects.filter(
            response=RSVP.Response.GOING,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + window,
            user__is_active=True,
        )
        .exclude(
            Exists(Reminder.objects.filter(meeting=OuterRef("meeting"), user=OuterRef("user")))
        )
        .select_related("meeting__club", "meeting__book", "user")
        .order_by("meeting__starts_at", "pk")
    )


def reminder_send(*, rsvp: RSVP, now: datetime | None = None) -> bool:
    """Queue one reminder at most once: the log row and the email are written together.

    If two runs overlap, the second insert hits the unique constraint and queues nothing;
    sending, and retrying a failed send, is the email's delivery task's job.
    """
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(meeting=rsvp.meeting, user=rsvp.user)
            if rsvp.user.email:
                zone = _user_zone(rsvp.user, rsvp.meeting)
                when = rsvp.meeting.starts_in_words(zone=zone, now=now)
                with timezone.override(zone):
                    emails_queue(
                        [
                            _email(
                                key=f"reminder:{reminder.pk}",
                                user=rsvp.user,
                                subject=f"[{rsvp.meeting.club.name}] {when}: {rsvp.meeting.title}",
                                template="discussions/email/meeting_reminder.txt",
                                context={
                                    "meeting": rsvp.meeting,
                                    "url": site_url(rsvp.meeting.get_absolute_url()),
                                    "rota": rsvp.meeting.rota_lines(),
                                },
                            )
                        ]
                    )
    except IntegrityError:
        return False
    return True


def reminders_queue(*, window: timedelta = timedelta(days=1)) -> int:
    """Queue the reminders now due (beat runs it every quarter of an hour); returns how many."""
    return sum(reminder_send(rsvp=rsvp) for rsvp in reminders_due(window=window))
