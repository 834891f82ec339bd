"""Who may do what: every state-changing URL, every role, the exact answer.

Each row of `MATRIX` names a URL (from the URLconf), how to fill it, what to post,
and the status each role gets. A POST endpoint without a row fails
`test_every_post_endpoint_has_a_row_in_the_matrix`, so a new endpoint must be
added here. Refused requests must leave the database exactly as it was.

Roles: anonymous; member (of the club, and author of the comment/notice);
other (signed in, not the author, not in the club); organiser (of the club);
staff (site staff: organise every club, moderate every thread).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import after_commit
from tests.trust.test_every_endpoint import fill, own_patterns, row_counts

ROLES = ("anonymous", "member", "other", "organiser", "staff")
LOGIN = "login"  # a 302 to the sign-in page
OK = 302  # done, redirected to the result
LOGIN_THEN = {"anonymous": LOGIN}
ANY_MEMBER = {**LOGIN_THEN, "member": OK, "other": OK, "organiser": OK, "staff": OK}
CLUB_MEMBERS = {**LOGIN_THEN, "member": OK, "other": 403, "organiser": OK, "staff": OK}
# Ballots and RSVPs speak for the club: visiting staff may see them but not cast them.
PARTICIPANTS = {**CLUB_MEMBERS, "staff": 403}
ORGANISERS = {**LOGIN_THEN, "member": 403, "other": 403, "organiser": OK, "staff": OK}
STAFF_ONLY = {**LOGIN_THEN, "member": 403, "other": 403, "organiser": 403, "staff": OK}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Row:
    """One endpoint: how to reach it, what to send, and who gets which status."""

    name: str
    expect: dict[str, int | str]
    kwargs: Callable[[dict], dict] = lambda w: {}
    data: Callable[[dict], dict] = lambda w: {}
    # The object whose fields must not change when the request is refused.
    watch: Callable[[dict], object] | None = None
    # Club-scoped rows also run against a private club, where outsiders get 404.
    club: bool = False
    private_overrides: dict[str, int | str] = field(default_factory=dict)


def club_kw(w):
    return {"slug": w["club"].slug}


def meeting_kw(w):
    return {"slug": w["club"].slug, "pk": w["meeting"].pk}


def poll_kw(w):
    return {"slug": w["club"].slug, "pk": w["poll"].pk}


def read_kw(w):
    return {"slug": w["club"].slug, "pk": w["read"].pk}


def question_kw(w):
    return {"slug": w["club"].slug, "pk": w["question"].pk}


def bank_kw(w):
    return {"slug": w["club"].slug, "book_slug": w["book"].slug}


def book_kw(w):
    return {"slug": w["book"].slug}


def comment_kw(w):
    return {"pk": w["comment"].pk}


def thread_kw(w):
    return {"pk": w["comment"].thread_id}


def meeting_form(w):
    start = timezone.now() + datetime.timedelta(days=30)
    return {
        "book": w["book"].pk,
        "title": "Changed title",
        "starts": start.strftime("%Y-%m-%dT%H:%M"),
        "ends": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "Europe/London",
    }


def goodreads_upload() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from discussions.exporting import GOODREADS_HEADERS

    text = ",".join(GOODREADS_HEADERS) + "\n" + ",".join(["1", "Dune", "Frank Herbert"] + [""] * 21)
    return {"file": SimpleUploadedFile("export.csv", text.encode()), "reviews": "private"}


MATRIX = [
    # Clubs
    Row(
        "discussions:club_create",
        ANY_MEMBER,
        data=lambda w: {"name": "New club", "visibility": "public", "join_policy": "open"},
    ),
    Row(
        "discussions:club_join",
        ANY_MEMBER,
        club_kw,
        club=True,
        watch=lambda w: w["club"],
        # Staff can see a private club, but joining it takes an invite like anyone else.
        private_overrides={"staff": 403},
    ),
    Row("discussions:club_leave", ANY_MEMBER, club_kw, club=True, watch=lambda w: w["club"]),
    Row(
        "discussions:invite_accept",
        ANY_MEMBER,
        lambda w: {"slug": w["club"].slug, "token": w["invite"].token},
        club=True,
        # The invite link itself is the permission to see a private club.
        private_overrides={"other": OK},
    ),
    Row(
        "discussions:join_request_decide",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["join_request"].pk},
        data=lambda w: {"decision": "approve"},
        watch=lambda w: w["join_request"],
        club=True,
    ),
    Row(
        "discussions:membership_role",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["membership"].pk},
        data=lambda w: {"role": "organiser"},
        watch=lambda w: w["membership"],
        club=True,
    ),
    Row(
        "discussions:membership_remove",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["membership"].pk},
        watch=lambda w: w["membership"],
        club=True,
    ),
    Row("discussions:invite_create", ORGANISERS, club_kw, club=True),
    Row(
        "discussions:club_two_factor",
        ORGANISERS,
        club_kw,
        data=lambda w: {"required": "no"},
        watch=lambda w: w["club"],
        club=True,
    ),
    Row(
        "discussions:invite_revoke",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["invite"].pk},
        watch=lambda w: w["invite"],
        club=True,
    ),
    # Meetings
    Row("discussions:meeting_create", ORGANISERS, club_kw, data=meeting_form, club=True),
    Row(
        "discussions:meeting_edit",
        ORGANISERS,
        meeting_kw,
        data=meeting_form,
        watch=lambda w: w["meeting"],
        club=True,
    ),
    Row(
        "discussions:meeting_status",
        ORGANISERS,
        meeting_kw,
        data=lambda w: {"action": "cancel"},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    Row(
        "discussions:meeting_comment_create",
        CLUB_MEMBERS,
        meeting_kw,
        data=lambda w: {"body": "Our meeting's first word"},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    Row(
        "discussions:meeting_rsvp",
        PARTICIPANTS,
        meeting_kw,
        data=lambda w: {"response": "going"},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    Row(
        "discussions:meeting_progress",
        CLUB_MEMBERS,
        meeting_kw,
        data=lambda w: {"percent": "40"},
        club=True,
    ),
    Row(
        "discussions:section_create",
        ORGANISERS,
        meeting_kw,
        data=lambda w: {"title": "Part two"},
        club=True,
    ),
    Row(
        "discussions:meeting_recap",
        ORGANISERS,
        meeting_kw,
        data=lambda w: {"recap": "We met."},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    # Club reads
    Row(
        "discussions:read_create",
        ORGANISERS,
        club_kw,
        data=lambda w: {"book": w["other_book"].pk, "starts_on": str(timezone.localdate())},
        club=True,
    ),
    Row(
        "discussions:schedule_add",
        ORGANISERS,
        read_kw,
        data=lambda w: {
            "unit": "chapters",
            "first": "7",
            "last": "12",
            "due_on": str(timezone.localdate() + datetime.timedelta(days=14)),
        },
        watch=lambda w: w["read"],
        club=True,
    ),
    Row(
        "discussions:read_shift",
        ORGANISERS,
        read_kw,
        watch=lambda w: w["scheduled"],
        club=True,
    ),
    Row(
        "discussions:read_progress",
        CLUB_MEMBERS,
        read_kw,
        data=lambda w: {"format": "chapter", "chapter": "3"},
        club=True,
    ),
    Row(
        "discussions:read_follow",
        CLUB_MEMBERS,
        read_kw,
        data=lambda w: {"digest": "weekly", "action": "follow"},
        club=True,
    ),
    Row("discussions:read_caught_up", CLUB_MEMBERS, read_kw, club=True),
    # The question bank: members propose and vote, organisers arrange, authors delete.
    Row(
        "discussions:question_create",
        CLUB_MEMBERS,
        bank_kw,
        data=lambda w: {"body": "Why does Kathy stay?"},
        club=True,
    ),
    Row(
        "discussions:question_vote",
        CLUB_MEMBERS,
        question_kw,
        data=lambda w: {"vote": "1"},
        watch=lambda w: w["question"],
        club=True,
    ),
    Row(
        "discussions:question_organise",
        ORGANISERS,
        question_kw,
        data=lambda w: {"action": "pin"},
        watch=lambda w: w["question"],
        club=True,
    ),
    Row(
        "discussions:question_delete",
        {**LOGIN_THEN, "member": OK, "other": 403, "organiser": OK, "staff": OK},
        question_kw,
        watch=lambda w: w["question"],
        club=True,
    ),
    # A meeting's agenda and notes: organisers (the rota's note-taker will join them).
    Row(
        "discussions:agenda_edit",
        ORGANISERS,
        meeting_kw,
        data=lambda w: {"body": "1. Tea"},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    Row(
        "discussions:meeting_notes",
        ORGANISERS,
        meeting_kw,
        data=lambda w: {"notes": "We met."},
        watch=lambda w: w["meeting"],
        club=True,
    ),
    # Polls
    Row(
        "discussions:poll_create",
        ORGANISERS,
        club_kw,
        data=lambda w: {
            "title": "Next?",
            "closes_at": (timezone.now() + datetime.timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
            "books": [w["book"].pk, w["other_book"].pk],
        },
        club=True,
    ),
    Row(
        "discussions:poll_vote",
        PARTICIPANTS,
        poll_kw,
        data=lambda w: {f"rank_{c.pk}": str(i) for i, c in enumerate(w["candidates"], 1)},
        club=True,
    ),
    Row(
        "discussions:poll_suggest",
        CLUB_MEMBERS,
        poll_kw,
        data=lambda w: {"book": w["third_book"].pk},
        watch=lambda w: w["poll"],
        club=True,
    ),
    Row(
        "discussions:poll_close",
        ORGANISERS,
        poll_kw,
        watch=lambda w: w["poll"],
        club=True,
    ),
    # Ownership: the owner (the organiser who created the club) or staff hand it over.
    Row(
        "discussions:membership_owner",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["membership"].pk},
        watch=lambda w: w["club"],
        club=True,
    ),
    # The rota: members take roles; organisers name them.
    Row(
        "discussions:rota_slot",
        PARTICIPANTS,
        lambda w: {"slug": w["club"].slug, "pk": w["meeting"].pk, "role": w["role"].pk},
        data=lambda w: {"action": "sign_up"},
        club=True,
    ),
    Row(
        "discussions:rota_roles",
        ORGANISERS,
        club_kw,
        data=lambda w: {"name": "Timekeeper"},
        club=True,
    ),
    # Nominations: members nominate and second; organisers set the rules and open the vote.
    Row(
        "discussions:nomination_create",
        PARTICIPANTS,
        club_kw,
        data=lambda w: {"book": w["third_book"].pk},
        club=True,
    ),
    Row(
        "discussions:nomination_second",
        # The organiser nominated it, and cannot second their own nomination.
        {**PARTICIPANTS, "organiser": 400},
        lambda w: {"slug": w["club"].slug, "pk": w["nomination"].pk},
        watch=lambda w: w["nomination"],
        club=True,
    ),
    Row(
        "discussions:nomination_withdraw",
        ORGANISERS,
        lambda w: {"slug": w["club"].slug, "pk": w["nomination"].pk},
        watch=lambda w: w["nomination"],
        club=True,
    ),
    Row(
        "discussions:nomination_settings",
        ORGANISERS,
        club_kw,
        data=lambda w: {
            "nomination_quota": "3",
            "seconds_needed": "2",
            "read_length_weeks": "5",
            "pages_per_week": "80",
        },
        watch=lambda w: w["club"],
        club=True,
    ),
    Row(
        "discussions:nomination_ballot",
        ORGANISERS,
        club_kw,
        data=lambda w: {
            "title": "Spring pick",
            "closes_at": (timezone.now() + datetime.timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
        },
        watch=lambda w: w["member_nomination"],
        club=True,
    ),
    # A book's community: any signed-in member may contribute.
    Row("discussions:rate", ANY_MEMBER, book_kw, data=lambda w: {"value": "4.5"}),
    Row("discussions:age_vote", ANY_MEMBER, book_kw, data=lambda w: {"minimum_age": "12"}),
    Row("discussions:book_comment_create", ANY_MEMBER, book_kw, data=lambda w: {"body": "Hi"}),
    Row("discussions:summary_create", ANY_MEMBER, book_kw, data=lambda w: {"body": "A story."}),
    Row(
        "discussions:notice_create",
        ANY_MEMBER,
        book_kw,
        data=lambda w: {"category": "violence", "note": "Ch. 3"},
    ),
    Row(
        "discussions:notice_second",
        # Seconding one's own notice is refused with a reason.
        {**ANY_MEMBER, "member": 400},
        lambda w: {"slug": w["book"].slug, "pk": w["notice"].pk},
        watch=lambda w: w["notice"],
    ),
    Row(
        "discussions:quote_create",
        ANY_MEMBER,
        book_kw,
        data=lambda w: {"text": "Memories.", "location": "p. 1"},
    ),
    # A member's library: their own status and shelves; another's shelf is a 404.
    Row("discussions:reading_status", ANY_MEMBER, book_kw, data=lambda w: {"status": "to-read"}),
    Row(
        "discussions:book_shelve",
        {**LOGIN_THEN, "member": OK, "other": 404, "organiser": 404, "staff": 404},
        book_kw,
        data=lambda w: {"shelf": w["shelf"].pk, "action": "add"},
    ),
    Row("discussions:shelf_list", ANY_MEMBER, data=lambda w: {"name": "Later"}),
    Row(
        "discussions:shelf_update",
        {**LOGIN_THEN, "member": OK, "other": 404, "organiser": 404, "staff": 404},
        lambda w: {"pk": w["shelf"].pk},
        data=lambda w: {"name": "Renamed"},
        watch=lambda w: w["shelf"],
    ),
    Row(
        "discussions:shelf_delete",
        {**LOGIN_THEN, "member": OK, "other": 404, "organiser": 404, "staff": 404},
        lambda w: {"pk": w["shelf"].pk},
    ),
    # The export answers with the member's own ZIP.
    Row("discussions:library_export", {**LOGIN_THEN, **dict.fromkeys(ROLES[1:], 200)}),
    # An import is the member's own: anyone signed in may upload their export.
    Row("discussions:library_import", ANY_MEMBER, data=lambda w: goodreads_upload()),
    Row("discussions:reading_goal", ANY_MEMBER, data=lambda w: {"books": "12"}),
    # Lists: a member's own are theirs; a club's, its members' (organisers delete them).
    Row("discussions:my_lists", ANY_MEMBER, data=lambda w: {"title": "Later"}),
    Row(
        "discussions:club_list_create",
        CLUB_MEMBERS,
        club_kw,
        data=lambda w: {"title": "Suggestions"},
        club=True,
    ),
    Row(
        "discussions:book_list_edit",
        {**LOGIN_THEN, "member": OK, "other": 403, "organiser": 403, "staff": 403},
        lambda w: {"pk": w["book_list"].pk},
        data=lambda w: {"title": "Renamed"},
        watch=lambda w: w["book_list"],
    ),
    Row(
        "discussions:book_list_delete",
        {**LOGIN_THEN, "member": OK, "other": 403, "organiser": 403, "staff": 403},
        lambda w: {"pk": w["book_list"].pk},
        watch=lambda w: w["book_list"],
    ),
    Row(
        "discussions:list_item_add",
        CLUB_MEMBERS,
        lambda w: {"pk": w["club_list"].pk},
        data=lambda w: {"book": "Klara and the Sun", "note": "Next?"},
        club=True,
    ),
    Row(
        "discussions:list_item_change",
        CLUB_MEMBERS,
        lambda w: {"pk": w["club_list"].pk, "item": w["list_item"].pk},
        data=lambda w: {"action": "note", "note": "Changed"},
        watch=lambda w: w["list_item"],
        club=True,
    ),
    # Threads and comments
    Row("discussions:comment_create", ANY_MEMBER, thread_kw, data=lambda w: {"body": "Hi"}),
    Row(
        "discussions:thread_lock",
        STAFF_ONLY,
        thread_kw,
        data=lambda w: {"action": "lock"},
        watch=lambda w: w["comment"].thread,
    ),
    Row("discussions:thread_follow", ANY_MEMBER, thread_kw),
    Row("discussions:comment_reply", ANY_MEMBER, comment_kw, data=lambda w: {"body": "Re"}),
    Row(
        "discussions:comment_edit",
        {**LOGIN_THEN, "member": OK, "other": 403, "organiser": 403, "staff": 403},
        comment_kw,
        data=lambda w: {"body": "Edited"},
        watch=lambda w: w["comment"],
    ),
    Row(
        "discussions:comment_delete",
        {**LOGIN_THEN, "member": OK, "other": 403, "organiser": 403, "staff": OK},
        comment_kw,
        watch=lambda w: w["comment"],
    ),
    Row(
        "discussions:comment_flag",
        # A flag answers with a thank-you page; one's own comment cannot be flagged.
        {**LOGIN_THEN, "member": 400, "other": 200, "organiser": 200, "staff": 200},
        comment_kw,
        data=lambda w: {"reason": "spam", "note": "Advert"},
        watch=lambda w: w["comment"],
    ),
    Row(
        "discussions:comment_moderate",
        STAFF_ONLY,
        comment_kw,
        data=lambda w: {"action": "hide"},
        watch=lambda w: w["comment"],
    ),
    # Notifications: only their recipient (the member) can open one.
    Row("discussions:notifications_read", ANY_MEMBER),
    Row(
        "discussions:notification",
        {**LOGIN_THEN, "member": OK, "other": 404, "organiser": 404, "staff": 404},
        lambda w: {"pk": w["notification"].pk},
        watch=lambda w: w["notification"],
    ),
    # A bad signature is refused for everyone, signed in or not.
    Row(
        "discussions:unsubscribe",
        dict.fromkeys(ROLES, 400),
        lambda w: {"token": "forged"},
    ),
    # Accounts: one's own profile only.
    Row(
        "accounts:profile_edit",
        ANY_MEMBER,
        data=lambda w: {"display_name": "Renamed", "bio": "", "time_zone": ""},
        watch=lambda w: w["member"],
    ),
    # Deleting one's own account, with one's password; the club's only organiser is
    # asked to hand it over first.
    Row(
        "accounts:delete",
        {**ANY_MEMBER, "organiser": 400},
        data=lambda w: {"password": "correct horse battery"},
        watch=lambda w: w["organiser"],
    ),
]
ROWS = {row.name: row for row in MATRIX}


def build_world(make_user, *, private: bool) -> dict:
    """Two users per role, a club with a meeting and a poll, a commented book."""
    from catalog.models import Book
    from discussions.models import Club, Invite, JoinRequest, Membership, Notification
    from discussions.services import clubs as club_services
    from discussions.services.comments import comment_create, thread_for_book
    from discussions.services.contributions import notice_create
    from discussions.services.library import shelf_create
    from discussions.services.lists import book_list_create, list_item_add
    from discussions.services.meetings import meeting_create
    from discussions.services.nominations import nomination_create, nomination_second
    from discussions.services.polls import poll_create
    from discussions.services.questions import question_create
    from discussions.services.reads import read_create, schedule_add

    users = {
        "member": make_user(),
        "other": make_user(),
        "organiser": make_user(),
        "staff": make_user(is_staff=True),
    }
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    other_book = Book.objects.create(title="Klara and the Sun", slug="klara")
    third_book = Book.objects.create(title="The Remains of the Day", slug="remains")
    club = club_services.club_create(
        creator=users["organiser"],
        name="Secret Readers" if private else "Open Shelf",
        visibility=Club.Visibility.PRIVATE if private else Club.Visibility.PUBLIC,
        join_policy=Club.JoinPolicy.INVITE if private else Club.JoinPolicy.OPEN,
    )
    membership = Membership.objects.create(club=club, user=users["member"])
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = meeting_create(
        club=club,
        book=book,
        created_by=users["organiser"],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/London",
        title="Hidden gathering" if private else "Open gathering",
    )
    poll = poll_create(
        club=club, created_by=users["organiser"], closes_at=start, books=[book, other_book]
    )
    requester = make_user()
    join_request = JoinRequest.objects.create(club=club, user=requester)
    invite = Invite.objects.create(club=club, created_by=users["organiser"])
    thread = thread_for_book(book=book)
    with after_commit():
        comment = comment_create(thread=thread, author=users["member"], body="Hailsham")
        comment_create(thread=thread, author=users["organiser"], body="Agreed", parent=comment)
    notification = Notification.objects.get(recipient=users["member"])
    notice = notice_create(book=book, author=users["member"], category="violence", note="Ch. 3")
    shelf = shelf_create(user=users["member"], name="Favourites")
    read = read_create(
        club=club, book=book, starts_on=timezone.localdate(), created_by=users["organiser"]
    )
    scheduled = schedule_add(
        read=read,
        unit="chapters",
        first=1,
        last=6,
        title="Hidden chapters" if private else "",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    question = question_create(club=club, book=book, author=users["member"], body="Who is Madame?")
    nomination = nomination_create(club=club, book=other_book, member=users["organiser"])
    fourth_book = Book.objects.create(title="A Pale View of Hills", slug="pale-view")
    member_nomination = nomination_create(club=club, book=fourth_book, member=users["member"])
    nomination_second(nomination=member_nomination, member=users["organiser"])
    book_list = book_list_create(owner=users["member"], title="Desert island")
    club_list = book_list_create(club=club, title="Suggestions")
    list_item = list_item_add(book_list=club_list, book=book, added_by=users["member"])
    return {
        "role": club.rota_roles.get(name="Host"),
        "nomination": nomination,
        "member_nomination": member_nomination,
        "book_list": book_list,
        "club_list": club_list,
        "list_item": list_item,
        **users,
        "book": book,
        "other_book": other_book,
        "third_book": third_book,
        "club": club,
        "membership": membership,
        "meeting": meeting,
        "poll": poll,
        "candidates": list(poll.candidates.order_by("pk")),
        "join_request": join_request,
        "invite": invite,
        "comment": comment,
        "notification": notification,
        "notice": notice,
        "shelf": shelf,
        "read": read,
        "scheduled": scheduled,
        "question": question,
    }


def fields_of(instance) -> dict:
    instance.refresh_from_db()
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def expected_status(row: Row, visibility: str, role: str) -> int | str:
    if visibility == "private":
        # A private club is a 404 for every outsider, never a 403 that confirms it.
        return row.private_overrides.get(role, 404 if role == "other" else row.expect[role])
    return row.expect[role]


def cases():
    for row in MATRIX:
        for visibility in ("public", "private") if row.club else ("public",):
            yield pytest.param(row, visibility, id=f"{row.name}-{visibility}")


def answer_problems(world, row: Row, visibility: str, role: str) -> list[str]:
    """What went wrong for one role posting to one row's URL (nothing: an empty list)."""
    expected = expected_status(row, visibility, role)
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    path = reverse(row.name, kwargs=row.kwargs(world))
    watched = row.watch(world) if row.watch else None
    before_fields = fields_of(watched) if watched else None
    before = row_counts()

    response = client.post(path, row.data(world))

    status, location = response.status_code, response.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("account_login"))
    label = f"{role} {path}"
    if expected == LOGIN and not to_login:
        return [f"{label}: expected a redirect to sign in, got {status} {location}"]
    if expected != LOGIN and (status != expected or to_login):
        return [f"{label}: expected {expected}, got {status} {location}"]
    problems = []
    if expected == LOGIN or expected in {400, 403, 404}:
        after = row_counts()
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if changed:
            problems.append(f"{label}: refused, yet rows changed: {changed}")
        if watched and fields_of(watched) != before_fields:
            problems.append(f"{label}: refused, yet {watched!r} changed")
    hidden = visibility == "private" and role in {"anonymous", "other"}
    if hidden and world["club"].name.encode() in response.content:
        problems.append(f"{label}: the private club's name leaked")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "visibility"), list(cases()))
def test_each_role_gets_exactly_the_intended_answer(make_user, row, visibility):
    from django.core.cache import cache
    from django.db import transaction

    world = build_world(make_user, private=visibility == "private")
    problems = []
    for role in ROLES:
        # Each role starts from the same world: its changes are rolled back.
        with transaction.atomic():
            cache.clear()
            problems += answer_problems(world, row, visibility, role)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_every_post_endpoint_has_a_row_in_the_matrix(make_user):
    """A new endpoint that accepts POST fails here until it gets a row above."""
    client = Client()
    client.force_login(make_user(is_staff=True))
    accepting = set()
    for name, pattern in own_patterns():
        response = client.post(fill(str(pattern.pattern), {}), {})
        if response.status_code != 405:
            accepting.add(name)
    assert accepting == set(ROWS), {
        "missing rows": sorted(accepting - set(ROWS)),
        "rows for endpoints that refuse POST": sorted(set(ROWS) - accepting),
    }


PRIVATE_PAGES = [
    ("discussions:club_detail", club_kw),
    ("discussions:club_manage", club_kw),
    ("discussions:club_calendar", club_kw),
    ("discussions:club_feed", club_kw),
    ("discussions:meeting_detail", meeting_kw),
    ("discussions:meeting_edit", meeting_kw),
    ("discussions:meeting_ics", meeting_kw),
    ("discussions:meeting_create", club_kw),
    ("discussions:poll_detail", poll_kw),
    ("discussions:question_bank", bank_kw),
    ("discussions:question_detail", question_kw),
    ("discussions:agenda_detail", meeting_kw),
    ("discussions:agenda_print", meeting_kw),
    ("discussions:agenda_edit", meeting_kw),
    ("discussions:poll_create", club_kw),
    ("discussions:read_create", club_kw),
    ("discussions:read_detail", read_kw),
    ("discussions:read_print", read_kw),
    ("discussions:read_catch_up", read_kw),
    ("discussions:club_rota", club_kw),
    ("discussions:nominations", club_kw),
]
# Pages for organisers (or members) only: a visitor is first sent to sign in.
SIGN_IN_FIRST = {
    "discussions:club_manage",
    "discussions:meeting_edit",
    "discussions:meeting_create",
    "discussions:poll_create",
    "discussions:read_create",
    "discussions:read_catch_up",
    "discussions:agenda_detail",
    "discussions:agenda_print",
    "discussions:agenda_edit",
}
# Members read the agenda (and its print view); only organisers edit it.
ORGANISER_PAGES = SIGN_IN_FIRST - {
    "discussions:read_catch_up",
    "discussions:agenda_detail",
    "discussions:agenda_print",
}


@pytest.mark.django_db
def test_every_page_of_a_private_club_is_404_for_outsiders_and_open_to_members(make_user):
    world = build_world(make_user, private=True)
    outsiders = [Client(), Client()]
    outsiders[1].force_login(world["other"])
    insider = Client()
    insider.force_login(world["member"])
    for name, kwargs in PRIVATE_PAGES:
        path = reverse(name, kwargs=kwargs(world))
        for client in outsiders:
            response = client.get(path)
            if client is outsiders[0] and name in SIGN_IN_FIRST:
                # Sign-in pages come first and say nothing about the club.
                assert response.status_code == 302
                continue
            assert response.status_code == 404, (name, response.status_code)
            assert b"Secret Readers" not in response.content
            assert b"Hidden gathering" not in response.content
            assert b"Hidden chapters" not in response.content
        expected = 403 if name in ORGANISER_PAGES else 200
        assert insider.get(path).status_code == expected, name


@pytest.mark.django_db
def test_private_club_names_and_meetings_never_leak_to_non_members(make_user):
    """Search, the directory, home, JSON-LD, other clubs' feeds and notifications."""
    from discussions.permissions import feed_token

    secret = build_world(make_user, private=True)
    outsider = secret["other"]
    public = build_world_public_neighbour(make_user, outsider)
    clients = {"anonymous": Client(), "other": Client()}
    clients["other"].force_login(outsider)
    paths = [
        "/",
        "/clubs/",
        "/clubs/?q=Secret",
        "/clubs/?q=Hidden",
        "/search/?q=Secret",
        "/search/?q=Hidden",
        "/books/never-let-me-go/",
        "/books/never-let-me-go/community/",
        "/notifications/",
        reverse("discussions:club_detail", kwargs={"slug": public.slug}),
        reverse("discussions:club_calendar", kwargs={"slug": public.slug}),
        reverse("discussions:club_feed", kwargs={"slug": public.slug}),
        outsider.get_absolute_url(),
        secret["member"].get_absolute_url(),
    ]
    for who, client in clients.items():
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, (who, path, response.status_code)
            for secret_text in (
                b"Secret Readers",
                b"Hidden gathering",
                b"Hidden chapters",
                secret["club"].slug.encode(),
            ):
                assert secret_text not in response.content, (who, path, secret_text)
    # A member's token opens only their own club's feed, never another club's.
    token = feed_token(user=secret["member"], club=secret["club"])
    other_feed = reverse("discussions:club_feed", kwargs={"slug": secret["club"].slug})
    assert Client().get(other_feed, {"token": token}).status_code == 200
    forged = feed_token(user=outsider, club=secret["club"])
    assert Client().get(other_feed, {"token": forged}).status_code == 404


def build_world_public_neighbour(make_user, outsider):
    """A public club the outsider belongs to, meeting over the same book."""
    from catalog.models import Book
    from discussions.services import clubs as club_services
    from discussions.services.meetings import meeting_create

    club = club_services.club_create(creator=outsider, name="Open Shelf")
    start = timezone.now() + datetime.timedelta(days=3)
    meeting_create(
        club=club,
        book=Book.objects.get(slug="never-let-me-go"),
        created_by=outsider,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="UTC",
        title="Public gathering",
    )
    return club


@pytest.mark.django_db
def test_pages_offer_ballots_and_rsvps_only_to_those_who_may_cast_them(make_user):
    world = build_world(make_user, private=False)
    meeting, poll = world["meeting"], world["poll"]
    for role, offered in [("member", True), ("organiser", True), ("staff", False)]:
        client = Client()
        client.force_login(world[role])
        rsvp_form = f'action="{meeting.get_absolute_url()}rsvp/"'.encode()
        ballot_form = f'action="{poll.get_absolute_url()}vote/"'.encode()
        assert (rsvp_form in client.get(meeting.get_absolute_url()).content) is offered, role
        assert (ballot_form in client.get(poll.get_absolute_url()).content) is offered, role
