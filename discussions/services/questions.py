"""Writes for the question bank: propose, upvote, pin, reorder, retire and delete questions.

Answers are comments in each question's own Thread (services/comments.py posts them), so
they keep the comment engine's tombstones, edits, flags and notifications.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from discussions.models import Club, Meeting, Question, QuestionVote, ReadingSection, Thread
from discussions.models.questions import QUESTION_MAX_LENGTH
from discussions.services.comments import comment_render
from discussions.services.errors import DiscussionError, NotAllowed
from discussions.services.spoilers import progress_for_meeting, spoilers_mark

MOVES = ("up", "down")


def question_reader_progress(*, user, book_id: int):
    """The reader's progress in a question's book: the one place question pages reach the
    spoiler gate's loader. A question's book is a meeting's book, so the gate's own
    per-meeting loader serves (an unsaved meeting carries only the book), and whatever
    progress formats the gate learns apply here too."""
    return progress_for_meeting(user=user, meeting=Meeting(book_id=book_id))


def questions_spoilers_mark(*, questions, user, reader_progress) -> None:
    """Set `is_spoiler` on each question for this reader, by the spoiler gate."""
    spoilers_mark(comments=questions, user=user, reader_progress=reader_progress)


def _check_member(club: Club, user) -> None:
    if not (club.is_member(user) or user.can_organise(club)):
        raise NotAllowed(f"Only members of {club.name} can do that.")


def _check_organiser(question: Question, user) -> None:
    if not user.can_organise(question.club):
        raise NotAllowed("Only this club's organisers can do that.")


@transaction.atomic
def question_create(
    *, club: Club, book, author, body: str, section: ReadingSection | None = None
) -> Question:
    """A member proposes a question for a section of the book (None: the whole book),
    with its own thread for answers."""
    _check_member(club, author)
    body = body.strip()
    if not body:
        raise DiscussionError("Write your question first.")
    if len(body) > QUESTION_MAX_LENGTH:
        raise DiscussionError(f"A question can be at most {QUESTION_MAX_LENGTH:,} characters.")
    if section is not None and section.book_id != book.pk:
        raise DiscussionError("Choose one of this book's reading sections.")
    question = Question.objects.create(
        club=club,
        book=book,
        section=section,
        author=author,
        body=body,
        body_html=comment_render(body),
    )
    Thread.objects.create(question=question)
    return question


def question_vote(*, question: Question, user, vote: bool) -> bool:
    """Upvote a question (once per member) or take the vote back; True if it now has it."""
    _check_member(question.club, user)
    if question.is_deleted or question.is_retired:
        raise DiscussionError("This question is no longer open for votes.")
    if not vote:
        QuestionVote.objects.filter(question=question, user=user).delete()
        return False
    try:
        with transaction.atomic():
            QuestionVote.objects.get_or_create(question=question, user=user)
    except IntegrityError:  # a second click raced the first: the vote is there
        pass
    return True


def question_pin(*, question: Question, by, pinned: bool) -> Question:
    """Organisers pin a question to the top of its section (and onto the agenda)."""
    _check_organiser(question, by)
    question.is_pinned = pinned
    question.save(update_fields=["is_pinned"])
    return question


def question_retire(*, question: Question, by, retired: bool) -> Question:
    """Organisers retire a question (no more votes, off the agenda; answers stay) or bring
    it back."""
    _check_organiser(question, by)
    if question.is_deleted:
        raise DiscussionError("This question was deleted.")
    question.retired_at = timezone.now() if retired else None
    question.save(update_fields=["retired_at"])
    return question


@transaction.atomic
def question_move(*, question: Question, by, direction: str) -> Question:
    """Organisers move a question one place up or down among its section's open questions.
    The section's order is written out as positions, so it stays as the organisers left
    it when votes change. Two organisers reordering at once: the last one's order wins."""
    _check_organiser(question, by)
    if direction not in MOVES:
        raise DiscussionError("Move a question up or down.")
    siblings = list(
        Question.objects.live()
        .filter(club=question.club, book_id=question.book_id, section_id=question.section_id)
        .in_bank_order()
    )
    ids = [q.pk for q in siblings]
    if question.pk not in ids:
        raise DiscussionError("Only open questions can be moved.")
    at = ids.index(question.pk)
    other = at - 1 if direction == "up" else at + 1
    if 0 <= other < len(siblings):
        siblings[at], siblings[other] = siblings[other], siblings[at]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.club = question.club
            sibling.position = position
            sibling.save(update_fields=["position"])
    return question


@transaction.atomic
def question_delete(*, question: Question, user) -> Question | None:
    """Delete a question: one with answers keeps them under a "[deleted]" tombstone, as a
    comment with replies does; one without goes, with its empty thread."""
    if not question.can_delete(user):
        raise NotAllowed("Only the author or an organiser can delete this question.")
    question = Question.objects.select_for_update().select_related("club").get(pk=question.pk)
    if Thread.objects.filter(question=question, comments__isnull=False).exists():
        question.deleted_at = timezone.now()
        question.body = ""
        question.body_html = ""
        question.author = None
        question.is_pinned = False
        question.save(update_fields=["deleted_at", "body", "body_html", "author", "is_pinned"])
        question.votes.all().delete()
        return question
    question.delete()
    return None
