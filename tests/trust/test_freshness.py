"""After any write, the next look at every page that shows the data shows the change.

One row per write endpoint or admin action. A row sets up what it needs, names the
pages that show the affected data and what each viewer should see there afterwards.
The test first reads every one of those pages as a visitor, as a member other than the
writer and as the writer, so whatever cache there is is warm; checks the change is not
already there; makes the write through the real endpoint (a plain form post, or the
admin's changelist action); then reads each page twice more and expects the new text
and, for removals, no trace of the old.

Every row runs with the default cache and with Redis as the site's cache, on whichever
database DATABASE_URL names. A new write is one new row in `ROWS`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from catalog.models import Book
from discussions.models import Comment, ContentNotice
from discussions.services.comments import comment_create, thread_for_book
from discussions.services.contributions import notice_create
from discussions.services.polls import poll_create
from discussions.services.ratings import age_vote_set, rating_set
from tests.discussions import conftest as discussions_fixtures
from tests.trust.pages_seen import form_values

pytestmark = pytest.mark.django_db

# The discussions app's factories, shared rather than copied.
_fast_password_hashing = discussions_fixtures._fast_password_hashing
make_book = discussions_fixtures.make_book
make_club = discussions_fixtures.make_club
make_meeting = discussions_fixtures.make_meeting

EVERYONE = ("visitor", "other", "writer")
WRITER = ("writer",)
NOT_STAFF = ("visitor", "other")
A_NAME = "Alice Freshwell"
NOTICE = ContentNotice.Category.choices[0]


@pytest.fixture(params=["default cache", "redis cache"])
def site_cache(request):
    """Every row runs on the default (local memory) cache and on Redis."""
    if request.param == "redis cache":
        request.getfixturevalue("redis_as_the_cache")
    return request.param


@dataclass
class World:
    a: object  # the member who writes, unless the row says otherwise
    b: object  # another member of the same club, who only reads
    carol: object  # writes what A answers
    organiser: object
    staff: object
    book: Book
    club: object
    meeting: object
    make_book: Callable
    make_club: Callable
    make_meeting: Callable

    def urls(self) -> dict[str, str]:
        return {
            "book": reverse("catalog:book_detail", args=[self.book.slug]),
            "community": reverse("discussions:book_community", args=[self.book.slug]),
            "meeting": self.meeting.get_absolute_url(),
            "club": self.club.get_absolute_url(),
            "home": reverse("home"),
        }


@pytest.fixture
def world(site_cache, make_user, staff, make_book, make_club, make_meeting) -> World:
    a = make_user(username="alice-fresh", display_name=A_NAME)
    b = make_user(username="bob-reads", display_name="Bob Reads")
    carol = make_user(username="carol-writes", display_name="Carol Writes")
    organiser = make_user(username="olive-organises", display_name="Olive Organises")
    book = make_book(title="The Unconsoled", slug="the-unconsoled")
    club = make_club(organiser=organiser, members=(a, b), name="Westminster Readers")
    meeting = make_meeting(club, title="Ryder arrives", book=book)
    return World(
        a, b, carol, organiser, staff, book, club, meeting, make_book, make_club, make_meeting
    )


@dataclass
class Check:
    """On `path`, each of `viewers` sees every `shown` text appear, every `gone` one go
    and every `kept` one stay."""

    path: str
    shown: list[str]
    gone: list[str] = field(default_factory=list)
    viewers: tuple[str, ...] = EVERYONE
    kept: list[str] = field(default_factory=list)


@dataclass
class Change:
    write: Callable[[Client], object]
    checks: list[Check]
    writer: str = "a"  # which member of the World makes the write


def _post(client: Client, url: str, data: dict | None = None, status: int = 302):
    response = client.post(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return response


def _on(pages: list[str], shown, gone=(), viewers=EVERYONE, kept=()) -> list[Check]:
    return [Check(path, list(shown), list(gone), viewers, list(kept)) for path in pages]


def _book_pages(w: World) -> list[str]:
    urls = w.urls()
    return [urls["book"], urls["community"]]


def _comment(w: World, author, body: str, parent=None) -> Comment:
    return comment_create(
        thread=thread_for_book(book=w.book), author=author, body=body, parent=parent
    )


# --- The rows ------------------------------------------------------------------------


def rating_set_row(w: World) -> Change:
    rating_set(book=w.book, user=w.carol, value=3)
    url = reverse("discussions:rate", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"value": "5"}),
        checks=_on(
            _book_pages(w), ["<strong>4.0</strong> out of 5 from 2 ratings"], ["from 1 rating"]
        ),
    )


def rating_withdraw_row(w: World) -> Change:
    rating_set(book=w.book, user=w.carol, value=3)
    rating_set(book=w.book, user=w.a, value=5)
    url = reverse("discussions:rate", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"withdraw": "1"}),
        checks=_on(
            _book_pages(w), ["<strong>3.0</strong> out of 5 from 1 rating<"], ["from 2 ratings"]
        ),
    )


def age_vote_row(w: World) -> Change:
    age_vote_set(book=w.book, user=w.carol, minimum_age=10)
    url = reverse("discussions:age_vote", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"minimum_age": "14"}),
        checks=_on(_book_pages(w), ["median of 2 votes"], ["median of 1 vote)"]),
    )


def comment_create_row(w: World) -> Change:
    url = reverse("discussions:book_comment_create", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"body": "The hotel corridors go on forever."}),
        checks=_on(_book_pages(w), ["The hotel corridors go on forever.", "(1 comment)"]),
    )


def reply_row(w: World) -> Change:
    parent = _comment(w, w.carol, "Who is Sophie?")
    url = reverse("discussions:comment_reply", args=[parent.pk])
    permalink = reverse("discussions:comment", args=[parent.pk])
    return Change(
        write=lambda c: _post(c, url, {"body": "Sophie is his maybe-wife."}),
        checks=_on([*_book_pages(w), permalink], ["Sophie is his maybe-wife."]),
    )


def comment_edit_row(w: World) -> Change:
    comment = _comment(w, w.a, "The first draft of a thought.")
    url = reverse("discussions:comment_edit", args=[comment.pk])
    permalink = reverse("discussions:comment", args=[comment.pk])
    return Change(
        write=lambda c: _post(c, url, {"body": "The second draft, better."}),
        checks=_on(
            [*_book_pages(w), permalink],
            ["The second draft, better.", ">edited</a>"],
            ["The first draft of a thought."],
        ),
    )


def comment_delete_row(w: World) -> Change:
    comment = _comment(w, w.a, "Something I regret saying.")
    _comment(w, w.carol, "A reply worth keeping.", parent=comment)
    url = reverse("discussions:comment_delete", args=[comment.pk])
    permalink = reverse("discussions:comment", args=[comment.pk])
    return Change(
        write=lambda c: _post(c, url),
        checks=_on(
            [*_book_pages(w), permalink],
            ['<p class="muted">[deleted]</p>'],
            ["Something I regret saying."],
            kept=["A reply worth keeping."],
        ),
    )


def _hidden_checks(w: World, comment: Comment) -> list[Check]:
    pages = [*_book_pages(w), reverse("discussions:comment", args=[comment.pk])]
    return [
        *_on(pages, ["[hidden by a moderator]"], [comment.body], viewers=NOT_STAFF),
        *_on(pages, ["hidden by a moderator</strong>"], viewers=WRITER, kept=[comment.body]),
    ]


def _restored_checks(w: World, comment: Comment) -> list[Check]:
    pages = [*_book_pages(w), reverse("discussions:comment", args=[comment.pk])]
    return [
        *_on(pages, [comment.body], ["[hidden by a moderator]"], viewers=NOT_STAFF),
        *_on(pages, [], ["hidden by a moderator</strong>"], viewers=WRITER, kept=[comment.body]),
    ]


def moderator_hide_row(w: World) -> Change:
    comment = _comment(w, w.carol, "Buy cheap watches here.")
    url = reverse("discussions:comment_moderate", args=[comment.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "hide"}),
        checks=_hidden_checks(w, comment),
        writer="staff",
    )


def moderator_restore_row(w: World) -> Change:
    comment = _comment(w, w.carol, "Misjudged, in fact fine.")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True, hidden_at=timezone.now())
    url = reverse("discussions:comment_moderate", args=[comment.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "restore"}),
        checks=_restored_checks(w, comment),
        writer="staff",
    )


def _admin_action(action: str, comment: Comment):
    url = reverse("admin:discussions_comment_changelist")
    return lambda c: _post(c, url, {"action": action, "_selected_action": [comment.pk]})


def admin_hide_row(w: World) -> Change:
    comment = _comment(w, w.carol, "Spam from the admin queue.")
    return Change(
        write=_admin_action("hide", comment), checks=_hidden_checks(w, comment), writer="staff"
    )


def admin_restore_row(w: World) -> Change:
    comment = _comment(w, w.carol, "Restored from the admin queue.")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True, hidden_at=timezone.now())
    return Change(
        write=_admin_action("restore", comment),
        checks=_restored_checks(w, comment),
        writer="staff",
    )


def thread_lock_row(w: World) -> Change:
    thread = _comment(w, w.carol, "Getting heated.").thread
    url = reverse("discussions:thread_lock", args=[thread.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "lock"}),
        checks=_on(_book_pages(w), ["This thread is locked: no new comments."]),
        writer="staff",
    )


def summary_create_row(w: World) -> Change:
    url = reverse("discussions:summary_create", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"body": "A pianist wanders a city that knows him."}),
        checks=_on(_book_pages(w), ["A pianist wanders a city that knows him."]),
    )


def notice_create_row(w: World) -> Change:
    url = reverse("discussions:notice_create", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"category": NOTICE[0], "note": "Chapter nine."}),
        checks=_on(_book_pages(w), [f"<strong>{NOTICE[1]}</strong>", f"Noted by {A_NAME}"]),
    )


def quote_create_row(w: World) -> Change:
    url = reverse("discussions:quote_create", args=[w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"text": "I was somewhat taken aback.", "location": "p. 3"}),
        checks=_on(_book_pages(w), ["I was somewhat taken aback."]),
    )


def notice_second_row(w: World) -> Change:
    notice = notice_create(book=w.book, author=w.carol, category=NOTICE[0])
    url = reverse("discussions:notice_second", args=[w.book.slug, notice.pk])
    return Change(
        write=lambda c: _post(c, url),
        checks=[
            *_on(_book_pages(w), ["1 other member agrees"]),
            *_on(_book_pages(w), ["You agree with this notice."], viewers=WRITER),
        ],
    )


def _thread_pages(w: World, thread) -> list[str]:
    return [*_book_pages(w), reverse("discussions:thread", args=[thread.pk])]


def follow_row(w: World) -> Change:
    thread = _comment(w, w.carol, "Follow this if you like.").thread
    url = reverse("discussions:thread_follow", args=[thread.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "follow"}),
        checks=_on(_thread_pages(w, thread), ["Unfollow thread"], viewers=WRITER),
    )


def unfollow_row(w: World) -> Change:
    thread = _comment(w, w.a, "A follows their own thread.").thread
    url = reverse("discussions:thread_follow", args=[thread.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "unfollow"}),
        checks=_on(
            _thread_pages(w, thread), ["Follow thread</button>"], ["Unfollow"], viewers=WRITER
        ),
    )


def _meeting_url(w: World, name: str) -> str:
    return reverse(f"discussions:{name}", kwargs={"slug": w.club.slug, "pk": w.meeting.pk})


def rsvp_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_rsvp")
    return Change(
        write=lambda c: _post(c, url, {"response": "going"}),
        checks=[
            *_on([w.urls()["meeting"]], ["<p>1 going"], ["<p>0 going"]),
            *_on([w.urls()["meeting"]], ["Your answer: <strong>Going"], viewers=WRITER),
        ],
    )


def progress_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_progress")
    return Change(
        write=lambda c: _post(c, url, {"page": "57"}),
        checks=_on(
            [w.urls()["meeting"]],
            ["You have read: <strong>page 57</strong>"],
            ["You have not recorded any progress"],
            viewers=WRITER,
        ),
    )


def _meeting_listings(w: World) -> list[str]:
    urls = w.urls()
    return [urls["meeting"], urls["club"], urls["home"]]


def meeting_edit_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_edit")

    def write(client: Client) -> None:
        data = form_values(client.get(url).content.decode(), url)
        data["title"] = ["Ryder gives his recital"]
        _post(client, url, data)

    return Change(
        write=write,
        checks=_on(_meeting_listings(w), ["Ryder gives his recital"], ["Ryder arrives"]),
        writer="organiser",
    )


def meeting_cancel_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_status")
    return Change(
        write=lambda c: _post(c, url, {"action": "cancel"}),
        checks=[
            *_on([w.urls()["meeting"]], ["This meeting has been cancelled."]),
            *_on(_meeting_listings(w)[1:], ['<strong class="badge badge-cancelled">Cancelled']),
        ],
        writer="organiser",
    )


def meeting_postpone_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_status")
    return Change(
        write=lambda c: _post(c, url, {"action": "postpone"}),
        checks=[
            *_on([w.urls()["meeting"]], ["This meeting has been postponed."]),
            *_on(_meeting_listings(w)[1:], ['<strong class="badge">Postponed']),
        ],
        writer="organiser",
    )


def recap_row(w: World) -> Change:
    starts = timezone.now() - datetime.timedelta(days=2)
    w.meeting.starts_at, w.meeting.ends_at = starts, starts + datetime.timedelta(hours=2)
    w.meeting.save()
    url = _meeting_url(w, "meeting_recap")
    return Change(
        write=lambda c: _post(c, url, {"recap": "We never found the concert hall."}),
        checks=_on([w.urls()["meeting"]], ["We never found the concert hall."]),
        writer="organiser",
    )


def _bank(w: World) -> str:
    return reverse("discussions:question_bank", args=[w.club.slug, w.book.slug])


def _carols_question(w: World):
    from discussions.services.questions import question_create

    w.club.memberships.get_or_create(user=w.carol)
    return question_create(
        club=w.club, book=w.book, author=w.carol, body="Who keeps the boathouse key?"
    )


def question_create_row(w: World) -> Change:
    url = reverse("discussions:question_create", args=[w.club.slug, w.book.slug])
    return Change(
        write=lambda c: _post(c, url, {"body": "Where is the concert hall?"}),
        checks=_on([w.urls()["meeting"], _bank(w)], ["Where is the concert hall?"]),
    )


def question_vote_row(w: World) -> Change:
    question = _carols_question(w)
    url = reverse("discussions:question_vote", args=[w.club.slug, question.pk])
    return Change(
        write=lambda c: _post(c, url, {"vote": "1"}),
        checks=_on([w.urls()["meeting"], _bank(w), question.get_absolute_url()], ["1 vote"]),
    )


def question_answer_row(w: World) -> Change:
    question = _carols_question(w)
    url = reverse("discussions:comment_create", args=[question.thread.pk])
    return Change(
        write=lambda c: _post(c, url, {"body": "The butler has it."}),
        checks=[
            *_on([question.get_absolute_url()], ["The butler has it.", "1 answer"]),
            *_on([w.urls()["meeting"], _bank(w)], ["1 answer"], ["0 answers"]),
        ],
    )


def question_retire_row(w: World) -> Change:
    question = _carols_question(w)
    url = reverse("discussions:question_organise", args=[w.club.slug, question.pk])
    return Change(
        write=lambda c: _post(c, url, {"action": "retire"}),
        checks=_on([w.urls()["meeting"]], ["No questions yet."], ["Who keeps the boathouse key?"]),
        writer="organiser",
    )


def agenda_edit_row(w: World) -> Change:
    url = _meeting_url(w, "agenda_edit")
    return Change(
        write=lambda c: _post(c, url, {"body": "Tea at the boathouse"}),
        checks=_on(
            [_meeting_url(w, "agenda_detail"), _meeting_url(w, "agenda_print")],
            ["Tea at the boathouse"],
            viewers=("other", "writer"),
        ),
        writer="organiser",
    )


def section_create_row(w: World) -> Change:
    url = _meeting_url(w, "section_create")
    return Change(
        write=lambda c: _post(c, url, {"title": "Part One", "last_page": "120"}),
        checks=_on(
            [w.urls()["meeting"]],
            ['<li>Part One <span class="muted">(to p. 120)</span></li>'],
            ["No sections defined for this book yet."],
        ),
        writer="organiser",
    )


def _club_read(w: World):
    from discussions.services.reads import read_create

    return read_create(
        club=w.club, book=w.book, starts_on=timezone.localdate(), created_by=w.organiser
    )


def _read_url(read, name: str) -> str:
    return reverse(f"discussions:{name}", kwargs={"slug": read.club.slug, "pk": read.pk})


def schedule_add_row(w: World) -> Change:
    read = _club_read(w)
    due = timezone.localdate() + datetime.timedelta(days=3)
    this_week = f"This week: Chapters 1–6, due {due:%A}"
    return Change(
        write=lambda c: _post(
            c,
            _read_url(read, "schedule_add"),
            {"unit": "chapters", "first": "1", "last": "6", "due_on": str(due)},
        ),
        checks=[
            *_on([read.get_absolute_url(), w.urls()["club"]], [this_week]),
            *_on([_read_url(read, "read_print")], ["Chapters 1–6"]),
            *_on([w.urls()["home"]], [this_week], viewers=("other", "writer")),
        ],
        writer="organiser",
    )


def read_shift_row(w: World) -> Change:
    from discussions.services.reads import schedule_add

    read = _club_read(w)
    due = timezone.localdate() + datetime.timedelta(days=3)
    schedule_add(read=read, unit="part", title="Part One", due_on=due)
    later = due + datetime.timedelta(weeks=1)
    return Change(
        write=lambda c: _post(c, _read_url(read, "read_shift")),
        checks=_on(
            [read.get_absolute_url(), _read_url(read, "read_print")],
            [f"{later:%A} {later.day} {later:%B}"],
            [f"{due:%A} {due.day} {due:%B}"],
        ),
        writer="organiser",
    )


def read_progress_row(w: World) -> Change:
    read = _club_read(w)
    return Change(
        write=lambda c: _post(
            c, _read_url(read, "read_progress"), {"format": "chapter", "chapter": "4"}
        ),
        checks=_on(
            [read.get_absolute_url()],
            ["You have read: <strong>chapter 4</strong>"],
            ["You have not recorded any progress"],
            viewers=WRITER,
        ),
    )


def read_follow_row(w: World) -> Change:
    read = _club_read(w)
    return Change(
        write=lambda c: _post(
            c, _read_url(read, "read_follow"), {"digest": "section", "action": "follow"}
        ),
        checks=_on([read.get_absolute_url()], ["You follow this read"], viewers=WRITER),
    )


def club_join_row(w: World) -> Change:
    club = w.make_club(organiser=w.organiser, name="Open Corridor")
    url = reverse("discussions:club_join", args=[club.slug])
    return Change(
        write=lambda c: _post(c, url),
        checks=[
            *_on([club.get_absolute_url()], ["Members (2)", f"<li>{A_NAME}</li>"], ["Members (1)"]),
            *_on([club.get_absolute_url()], ["You are a member of this club."], viewers=WRITER),
        ],
    )


def club_leave_row(w: World) -> Change:
    url = reverse("discussions:club_leave", args=[w.club.slug])
    return Change(
        write=lambda c: _post(c, url),
        checks=_on([w.urls()["club"]], ["Members (2)"], ["Members (3)", f"<li>{A_NAME}</li>"]),
    )


def poll_vote_row(w: World) -> Change:
    favourite = w.make_book(title="When We Were Orphans")
    poll = poll_create(
        club=w.club,
        created_by=w.organiser,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        books=[favourite, w.make_book(title="Nocturnes")],
        title="What next?",
        show_results_early=True,
    )
    candidate = poll.candidates.get(book=favourite)
    url = reverse("discussions:poll_vote", kwargs={"slug": w.club.slug, "pk": poll.pk})
    return Change(
        write=lambda c: _post(c, url, {f"rank_{candidate.pk}": "1"}),
        checks=_on(
            [poll.get_absolute_url()],
            ["1 ballot</p>", "Leading: <strong>When We Were Orphans</strong>"],
            ["0 ballots"],
        ),
    )


def meeting_comment_row(w: World) -> Change:
    url = _meeting_url(w, "meeting_comment_create")
    return Change(
        write=lambda c: _post(c, url, {"body": "The recital never quite happens."}),
        checks=_on([w.urls()["meeting"]], ["The recital never quite happens.", "(1 comment)"]),
    )


def meeting_create_row(w: World) -> Change:
    url = reverse("discussions:meeting_create", args=[w.club.slug])

    def write(client: Client) -> None:
        data = form_values(client.get(url).content.decode(), url)
        data |= {
            "book": [str(w.book.pk)],
            "title": ["Brodsky conducts"],
            "starts": ["2031-06-03T18:30"],
            "ends": ["2031-06-03T20:00"],
            "time_zone": ["Europe/London"],
        }
        _post(client, url, data)

    urls = w.urls()
    return Change(
        write=write,
        checks=_on([urls["club"], urls["home"]], ["Brodsky conducts"]),
        writer="organiser",
    )


def poll_close_row(w: World) -> Change:
    poll = poll_create(
        club=w.club,
        created_by=w.organiser,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        books=[w.make_book(title="An Artist of the Floating World")],
        title="Closing soon",
    )
    url = reverse("discussions:poll_close", kwargs={"slug": w.club.slug, "pk": poll.pk})
    return Change(
        write=lambda c: _post(c, url),
        checks=[
            *_on([poll.get_absolute_url()], ['<p class="muted">Closed ·'], ["Closes <time"]),
            *_on([w.urls()["club"]], ['<p class="muted">Closed</p>'], ["Closes <time"]),
        ],
        writer="organiser",
    )


def membership_remove_row(w: World) -> Change:
    membership = w.club.memberships.get(user=w.b)
    url = reverse(
        "discussions:membership_remove", kwargs={"slug": w.club.slug, "pk": membership.pk}
    )
    return Change(
        write=lambda c: _post(c, url),
        checks=_on([w.urls()["club"]], ["Members (2)"], ["Members (3)", "<li>Bob Reads</li>"]),
        writer="organiser",
    )


def notifications_read_row(w: World) -> Change:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the fan-out task, on commit
        _comment(w, w.carol, "Carol answers A.", parent=_comment(w, w.a, "A asks."))
    badge = '<span class="visually-hidden"> unread</span>'
    urls = w.urls()
    return Change(
        write=lambda c: _post(c, reverse("discussions:notifications_read")),
        checks=_on([urls["book"], urls["home"], urls["club"]], [], [badge], viewers=WRITER),
    )


def display_name_row(w: World) -> Change:
    comment = _comment(w, w.a, "Signed with my old name.")
    data = {"display_name": "Alice Renamed", "bio": "", "time_zone": "", "email_notifications": ""}
    pages = [*_book_pages(w), reverse("discussions:comment", args=[comment.pk])]
    return Change(
        write=lambda c: _post(c, reverse("accounts:profile_edit"), data),
        checks=[
            *_on(pages, [">Alice Renamed</a>"], [A_NAME]),
            *_on([w.a.get_absolute_url()], ["<h1>Alice Renamed</h1>"], [A_NAME]),
        ],
    )


def account_delete_row(w: World) -> Change:
    """A deletes their account: their words, name and rating leave every cached page; the
    reply to them stays, under a tombstone."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        _comment(w, w.carol, "Carol answers A.", parent=_comment(w, w.a, "A asks."))
    rating_set(book=w.book, user=w.carol, value=3)
    rating_set(book=w.book, user=w.a, value=5)
    data = {"password": "correct horse battery"}
    return Change(
        write=lambda c: _post(c, reverse("accounts:delete"), data),
        checks=[
            *_on(
                _book_pages(w),
                ["[deleted member]", "<strong>3.0</strong> out of 5 from 1 rating<"],
                [A_NAME, "A asks.", "from 2 ratings"],
                viewers=NOT_STAFF,
                kept=["Carol answers A."],
            ),
            *_on([w.urls()["club"]], ["Members (2)"], ["Members (3)", A_NAME], NOT_STAFF),
        ],
    )


def reading_status_row(w: World) -> Change:
    """The book page's status control: the card is the writer's own; the public shelf
    it fills is on the profile every viewer sees, visitors' stored copy included."""
    url = reverse("discussions:reading_status", args=[w.book.slug])
    profile = w.a.get_absolute_url()
    return Change(
        write=lambda c: _post(c, url, {"status": "to-read"}),
        checks=[
            *_on(
                _book_pages(w),
                ["On your shelf: <strong>Want to read</strong>"],
                ["Not on your shelves yet."],
                viewers=WRITER,
            ),
            *_on([profile], ['-heading">Want to read</h3>', f">{w.book.title}</a>"]),
        ],
    )


def library_import_row(w: World) -> Change:
    """A Goodreads import: its shelf on the profile, its public review on the book's
    pages, and the book it added to the catalog in the catalog's list."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Edition
    from discussions.exporting import GOODREADS_HEADERS
    from tests.conftest import after_commit

    Edition.objects.create(book=w.book, isbn13="9780571081097")
    lines = [",".join(GOODREADS_HEADERS)]
    for title, isbn in ((w.book.title, '="9780571081097"'), ("Piranesi", "")):
        row = dict.fromkeys(GOODREADS_HEADERS, "")
        row.update({"Title": title, "Author": "Someone", "ISBN13": isbn})
        row.update({"Exclusive Shelf": "read", "Bookshelves": "butler-fiction"})
        row.update({"My Review": f"Imported praise of {title}."})
        lines.append(",".join(row.values()))
    text = "\n".join(lines) + "\n"

    def write(client: Client) -> None:
        upload = {"file": SimpleUploadedFile("export.csv", text.encode()), "reviews": "public"}
        with after_commit():
            _post(client, reverse("discussions:library_import"), upload)

    return Change(
        write=write,
        checks=[
            *_on([w.a.get_absolute_url()], ['-heading">butler-fiction</h3>', ">Piranesi</a>"]),
            *_on(_book_pages(w), [f"Imported praise of {w.book.title}."]),
            *_on([reverse("catalog:book_list")], ['book-card-title">Piranesi</span>']),
        ],
    )


def catalog_title_row(w: World) -> Change:
    book = w.make_book(title="Klara and the Sun", slug="klara")
    url = reverse("admin:catalog_book_change", args=[book.pk])

    def write(client: Client) -> None:
        data = form_values(client.get(url).content.decode(), "book_form")
        data["title"] = ["Klara and the Moon"]
        _post(client, url, data)

    pages = [
        reverse("catalog:book_detail", args=[book.slug]),
        reverse("catalog:book_list"),
        reverse("catalog:search") + "?q=klara",
        reverse("home"),
    ]
    return Change(
        write=write,
        checks=_on(pages, ["Klara and the Moon"], ["Klara and the Sun"]),
        writer="staff",
    )


ROWS = [
    rating_set_row,
    rating_withdraw_row,
    age_vote_row,
    comment_create_row,
    reply_row,
    comment_edit_row,
    comment_delete_row,
    moderator_hide_row,
    moderator_restore_row,
    admin_hide_row,
    admin_restore_row,
    thread_lock_row,
    summary_create_row,
    notice_create_row,
    quote_create_row,
    notice_second_row,
    follow_row,
    unfollow_row,
    rsvp_row,
    progress_row,
    meeting_edit_row,
    meeting_cancel_row,
    meeting_postpone_row,
    recap_row,
    section_create_row,
    schedule_add_row,
    read_shift_row,
    read_progress_row,
    read_follow_row,
    question_create_row,
    question_vote_row,
    question_answer_row,
    question_retire_row,
    agenda_edit_row,
    club_join_row,
    club_leave_row,
    poll_vote_row,
    meeting_comment_row,
    meeting_create_row,
    poll_close_row,
    membership_remove_row,
    notifications_read_row,
    display_name_row,
    account_delete_row,
    reading_status_row,
    library_import_row,
    catalog_title_row,
]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _read(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.__name__.removesuffix("_row"))
def test_the_next_look_at_every_page_shows_the_change(world, row):
    change = row(world)
    writer = getattr(world, change.writer)
    clients = {"visitor": Client(), "other": _signed_in(world.b), "writer": _signed_in(writer)}

    for check in change.checks:
        for viewer in check.viewers:
            before = _read(clients[viewer], check.path)
            for text in check.shown:
                assert text not in before, f"{check.path} as {viewer} shows {text!r} already"
            for text in check.gone + check.kept:
                assert text in before, f"{check.path} as {viewer} never showed {text!r}"

    change.write(clients["writer"])

    for check in change.checks:
        for viewer in check.viewers:
            for look in ("first", "second"):
                after = _read(clients[viewer], check.path)
                where = f"{check.path} as {viewer}, {look} look after the write"
                for text in check.shown + check.kept:
                    assert text in after, f"{where}: {text!r} is missing"
                for text in check.gone:
                    assert text not in after, f"{where}: {text!r} is still there"
