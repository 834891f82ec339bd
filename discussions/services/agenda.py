"""A meeting's agenda, its notes and its recap: drafting them from what members wrote,
saving the organisers' edits, and publishing the recap to those who came."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from discussions.models import RSVP, Agenda, Comment, Meeting, Notification, Question, Quote
from discussions.models.agenda import AGENDA_MAX_LENGTH
from discussions.services.errors import DiscussionError, NotAllowed
from discussions.services.meetings import meeting_post_recap, news_emails_queue, site_url
from discussions.services.notifications import notify_meeting_news

TOP_QUESTIONS = 5
BUSIEST = 3
QUOTES = 5


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _agenda_questions(meeting: Meeting) -> list[Question]:
    """The pinned and top-voted open questions of the meeting's section (the whole book's
    when it has no section)."""
    bank = Question.objects.live().of_book(club=meeting.club, book_id=meeting.book_id)
    return list(bank.filter(section_id=meeting.section_id).in_bank_order()[:TOP_QUESTIONS])


def _busiest_threads(meeting: Meeting) -> list[str]:
    """The most answered questions of the book in the club, and the meeting discussion's
    most replied-to comments."""
    lines = []
    answered = (
        Question.objects.filter(club=meeting.club, book_id=meeting.book_id, deleted_at=None)
        .annotate(answers=Count("thread__comments"))
        .filter(answers__gt=0)
        .order_by("-answers", "pk")[:BUSIEST]
    )
    lines += [f'- "{_one_line(q.body)}": {q.answers} answers' for q in answered]
    replied = (
        Comment.objects.filter(thread__meeting=meeting, parent=None, reply_count__gt=0)
        .filter(deleted_at=None, is_hidden=False)
        .select_related("author")
        .order_by("-reply_count", "pk")[:BUSIEST]
    )
    lines += [f'- {c.author_name}: "{_one_line(c.body)}": {c.reply_count} replies' for c in replied]
    return lines


def _saved_quotes(meeting: Meeting) -> list[str]:
    """Quotes from the book that the club's members saved, newest first."""
    quotes = (
        Quote.objects.filter(book_id=meeting.book_id)
        .filter(Q(author__club_memberships__club=meeting.club))
        .select_related("author")
        .order_by("-created_at", "-pk")[:QUOTES]
    )
    return [
        f'- "{_one_line(q.text, 400)}"{f" ({q.location})" if q.location else ""}, saved by '
        f"{q.author.public_name}"
        for q in quotes
    ]


def agenda_draft(*, meeting: Meeting) -> str:
    """An agenda built from the meeting's section: its pinned and top-voted questions, the
    busiest threads and the quotes members saved, as text for organisers to edit."""
    parts = [f"{meeting.title}: {meeting.book.title}"]
    if meeting.section_id:
        parts[0] += f", {meeting.section.title}"
    questions = _agenda_questions(meeting)
    if questions:
        parts.append(
            "Discussion questions\n"
            + "\n".join(
                f"{n}. {_one_line(q.body, 400)}{' (pinned)' if q.is_pinned else ''}"
                for n, q in enumerate(questions, start=1)
            )
        )
    if busiest := _busiest_threads(meeting):
        parts.append("Busiest threads\n" + "\n".join(busiest))
    if quotes := _saved_quotes(meeting):
        parts.append("Quotes members saved\n" + "\n".join(quotes))
    if len(parts) == 1:
        parts.append("No questions, threads or quotes yet: add the agenda's items here.")
    return "\n\n".join(parts)[:AGENDA_MAX_LENGTH]


def agenda_of(meeting: Meeting) -> Agenda | None:
    agenda = Agenda.objects.filter(meeting=meeting).first()
    if agenda is not None:
        agenda.meeting = meeting
    return agenda


def agenda_save(*, meeting: Meeting, by, body: str) -> Agenda:
    """Organisers save the agenda as they edited it."""
    if not by.can_organise(meeting.club):
        raise NotAllowed("Only this club's organisers can edit the agenda.")
    agenda, _ = Agenda.objects.update_or_create(
        meeting=meeting,
        defaults={"body": body.strip(), "updated_by": by, "updated_at": timezone.now()},
    )
    return agenda


def notes_save(*, meeting: Meeting, by, notes: str) -> Agenda:
    """The note-taker saves the meeting's notes (see permissions.can_take_notes)."""
    from discussions.permissions import can_take_notes

    if not can_take_notes(by, meeting):
        raise NotAllowed("Only the note-taker and the organisers can write the notes.")
    agenda, _ = Agenda.objects.update_or_create(
        meeting=meeting,
        defaults={"notes": notes.strip(), "updated_by": by, "updated_at": timezone.now()},
    )
    return agenda


def recap_draft(*, meeting: Meeting) -> str:
    """Where a recap starts: the agenda as it was edited (or drafted) and the notes."""
    agenda = agenda_of(meeting)
    body = agenda.body if agenda and agenda.body else agenda_draft(meeting=meeting)
    parts = ["What we went through\n" + body]
    if agenda and agenda.notes:
        parts.append("Notes\n" + agenda.notes)
    return "\n\n".join(parts)[:10_000]


def _attendees(meeting: Meeting) -> list:
    """Who was going and is still in the club: someone who left keeps their RSVP, but not
    the right to read a private club's recap."""
    going = meeting.rsvps.select_related("user").filter(
        response=RSVP.Response.GOING,
        user__is_active=True,
        user__club_memberships__club=meeting.club,
    )
    return [rsvp.user for rsvp in going]


@transaction.atomic
def recap_publish(*, meeting: Meeting, by, recap: str) -> bool:
    """Publish the recap once the meeting has ended; the first time, tell everyone who was
    going, in the app and by email (sent after the commit). True when they were told."""
    if not by.can_organise(meeting.club):
        raise NotAllowed("Only this club's organisers can publish the recap.")
    if not recap.strip():
        raise DiscussionError("Write the recap first.")
    first = meeting.recap_posted_at is None
    try:
        meeting_post_recap(meeting=meeting, recap=recap)
    except ValidationError as error:  # the meeting has not ended yet
        raise DiscussionError(" ".join(error.messages)) from None
    if not first:
        return False
    news = notify_meeting_news(
        meeting=meeting, users=_attendees(meeting), kind=Notification.Kind.RECAP
    )
    news_emails_queue(
        news=news,
        subject=f"[{meeting.club.name}] Recap: {meeting.title}",
        template="discussions/email/recap_published.txt",
        context={"meeting": meeting, "url": site_url(meeting.get_absolute_url() + "#recap")},
    )
    return True
