"""No cached page shows one member's personal state to another member or to a visitor.

One row per cached page. In each, member A acts on the page (rates, votes, comments,
agrees with a notice, follows, RSVPs, records progress, joins), then the page is fetched
twice each by A, by member B (who did none of it) and by a signed-out visitor: the
second fetch is the one most likely to come from a cache. A's page must show A's
markers (so each row can fail); B's and the visitor's must show none of them.

Markers common to every page: A's CSRF tokens, `data-user-id="<A's id>"` on <body>, A's
name and unread-notification badge in the account menu. Per-comment Edit/Delete/Flag
links are left out on purpose: they are the same HTML for every member, and a script
shows the right ones (tests/e2e/test_comment_actions.py checks that in a browser).

Each row runs with the default cache and with Redis as the site's cache. A new cached
page is one new row in `ROWS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions.models import ContentNotice, Meeting
from discussions.services.clubs import invite_create
from discussions.services.comments import comment_create, thread_for_book
from discussions.services.contributions import notice_create
from discussions.services.nominations import nomination_create
from discussions.services.reads import read_create, schedule_add
from tests.discussions import conftest as discussions_fixtures
from tests.trust.pages_seen import (
    UNREAD_BADGE,
    account_nav,
    body_tag,
    csrf_secret,
    csrf_tokens,
)

pytestmark = pytest.mark.django_db

# The discussions app's factories, shared rather than copied.
_fast_password_hashing = discussions_fixtures._fast_password_hashing
make_book = discussions_fixtures.make_book
make_club = discussions_fixtures.make_club
make_meeting = discussions_fixtures.make_meeting

A_NAME = "Alice Leakwell"
A_USERNAME = "alice-leaks"


@pytest.fixture(params=["default cache", "redis cache"])
def site_cache(request):
    """Every row runs on the default (local memory) cache and on Redis."""
    if request.param == "redis cache":
        request.getfixturevalue("redis_as_the_cache")
    return request.param


@dataclass
class World:
    a: object
    b: object
    carol: object  # writes what A reacts to
    a_client: Client
    book: object
    make_club: Callable
    make_meeting: Callable
    make_book: Callable


@pytest.fixture
def world(
    site_cache, make_user, make_book, make_club, make_meeting, django_capture_on_commit_callbacks
) -> World:
    a = make_user(username=A_USERNAME, display_name=A_NAME)
    b = make_user(username="bob-bystander", display_name="Bob Bystander")
    carol = make_user(username="carol-third", display_name="Carol Third")
    # A has one unread notification (Carol answered them elsewhere): the badge is A's.
    elsewhere = thread_for_book(book=make_book(title="Elsewhere"))
    with django_capture_on_commit_callbacks(execute=True):  # the fan-out task, on commit
        comment_create(
            thread=elsewhere,
            author=carol,
            body="Carol answers.",
            parent=comment_create(thread=elsewhere, author=a, body="A asks."),
        )
    a_client = Client()
    a_client.force_login(a)
    book = make_book(title="The Remains of the Day", slug="remains-of-the-day")
    return World(a, b, carol, a_client, book, make_club, make_meeting, make_book)


# --- What A does on each page; each returns the path and A's markers on it -----------


def _act_on_book_community(w: World) -> list[str]:
    slug = w.book.slug
    notice = notice_create(
        book=w.book, author=w.carol, category=ContentNotice.Category.choices[0][0], note=""
    )
    posts = [
        (reverse("discussions:rate", args=[slug]), {"value": "4"}),
        (reverse("discussions:age_vote", args=[slug]), {"minimum_age": "12"}),
        (reverse("discussions:book_comment_create", args=[slug]), {"body": "A thinks aloud."}),
        (reverse("discussions:notice_second", args=[slug, notice.pk]), {}),
    ]
    for url, data in posts:
        assert w.a_client.post(url, data).status_code == 302, url
    return [
        'class="my-rating">4 stars',
        "Your vote: 12+",
        "Unfollow thread",
        "You agree with this notice",
    ]


def book_page(w: World) -> tuple[str, list[str]]:
    markers = _act_on_book_community(w)
    return reverse("catalog:book_detail", args=[w.book.slug]), markers


def book_community_page(w: World) -> tuple[str, list[str]]:
    markers = _act_on_book_community(w)
    return reverse("discussions:book_community", args=[w.book.slug]), markers


def meeting_page(w: World) -> tuple[str, list[str]]:
    club = w.make_club(members=(w.a, w.b))
    meeting = w.make_meeting(club, title="Stevens at Darlington Hall", book=w.book)
    kwargs = {"slug": club.slug, "pk": meeting.pk}
    posts = [
        (reverse("discussions:meeting_rsvp", kwargs=kwargs), {"response": "going"}),
        (reverse("discussions:meeting_progress", kwargs=kwargs), {"page": "57"}),
        (reverse("discussions:meeting_comment_create", kwargs=kwargs), {"body": "A is going."}),
    ]
    for url, data in posts:
        assert w.a_client.post(url, data).status_code == 302, url
    markers = ["Your answer: <strong>Going", "You have read:", "Unfollow thread"]
    return meeting.get_absolute_url(), markers


def read_page(w: World) -> tuple[str, list[str]]:
    """A club read: A's progress (as an audiobook time) and A's follow and digest."""
    club = w.make_club(members=(w.a, w.b))
    read = read_create(club=club, book=w.book, starts_on=timezone.localdate(), created_by=w.carol)
    schedule_add(read=read, unit="percent", first=0, last=50, due_on=timezone.localdate())
    kwargs = {"slug": club.slug, "pk": read.pk}
    posts = [
        (
            reverse("discussions:read_progress", kwargs=kwargs),
            {"format": "audio", "audio": "1:02:03", "audio_length": "9:00:00"},
        ),
        (
            reverse("discussions:read_follow", kwargs=kwargs),
            {"digest": "weekly", "action": "follow"},
        ),
    ]
    for url, data in posts:
        assert w.a_client.post(url, data).status_code == 302, url
    return read.get_absolute_url(), ["1:02:03 of 9:00:00", "You follow this read"]


def home_page_reads(w: World) -> tuple[str, list[str]]:
    """ "This week" of a private club's read is on its members' home pages only."""
    club = w.make_club(name="Hidden Hall", visibility="private", join_policy="invite")
    read = read_create(club=club, book=w.book, starts_on=timezone.localdate(), created_by=w.carol)
    schedule_add(read=read, unit="part", title="Alice's hidden part", due_on=timezone.localdate())
    invite = invite_create(club=club, created_by=club.memberships.get().user)
    url = reverse("discussions:invite_accept", args=[club.slug, invite.token])
    assert w.a_client.post(url).status_code == 302
    return reverse("home"), ["This week: Alice&#x27;s hidden part"]


def _a_upvotes_carols_question(w: World):
    from discussions.services.questions import question_create

    club = w.make_club(members=(w.a, w.b, w.carol))
    w.make_meeting(club, title="Questions at Darlington Hall", book=w.book)
    question = question_create(club=club, book=w.book, author=w.carol, body="Why stay?")
    vote = reverse("discussions:question_vote", args=[club.slug, question.pk])
    assert w.a_client.post(vote, {"vote": "1"}).status_code == 302
    return club, question


def question_bank_page(w: World) -> tuple[str, list[str]]:
    club, _question = _a_upvotes_carols_question(w)
    bank = reverse("discussions:question_bank", args=[club.slug, w.book.slug])
    return bank, ['aria-pressed="true">Upvoted']


def question_page(w: World) -> tuple[str, list[str]]:
    _club, question = _a_upvotes_carols_question(w)
    return question.get_absolute_url(), ['aria-pressed="true">Upvoted']


def club_page(w: World) -> tuple[str, list[str]]:
    club = w.make_club(name="Open Hall Readers")
    assert w.a_client.post(reverse("discussions:club_join", args=[club.slug])).status_code == 302
    return club.get_absolute_url(), ["You are a member of this club", "Leave club"]


def home_page(w: World) -> tuple[str, list[str]]:
    club = w.make_club(name="Hidden Hall", visibility="private", join_policy="invite")
    w.make_meeting(club, title="Alice's private salon")
    invite = invite_create(club=club, created_by=club.memberships.get().user)
    url = reverse("discussions:invite_accept", args=[club.slug, invite.token])
    assert w.a_client.post(url).status_code == 302
    return reverse("home"), ["Alice&#x27;s private salon"]


def book_page_reading_status(w: World) -> tuple[str, list[str]]:
    """The "Your reading" card: A's status, read-through and own private shelf."""
    url = reverse("discussions:reading_status", args=[w.book.slug])
    data = {"status": "did-not-finish", "page": "88"}
    assert w.a_client.post(url, data).status_code == 302
    shelves = reverse("discussions:shelf_list")
    assert w.a_client.post(shelves, {"name": "Alice's butler shelf"}).status_code == 302
    return reverse("catalog:book_detail", args=[w.book.slug]), [
        "On your shelf: <strong>Did not finish</strong>",
        "stopped at page 88",
        "Alice&#x27;s butler shelf",
    ]


def book_page_imported_private_note(w: World) -> tuple[str, list[str]]:
    """A imports a Goodreads file with reviews kept private: the note is on A's card only."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Edition
    from discussions.exporting import GOODREADS_HEADERS
    from tests.conftest import after_commit

    Edition.objects.create(book=w.book, isbn13="9780571081097")
    row = dict.fromkeys(GOODREADS_HEADERS, "")
    row.update({"Title": w.book.title, "ISBN13": '="9780571081097"', "Exclusive Shelf": "read"})
    row.update({"My Review": "Alice wept at the pier.", "Private Notes": "Lent by Ana."})
    text = ",".join(GOODREADS_HEADERS) + "\n" + ",".join(row.values()) + "\n"
    upload = {"file": SimpleUploadedFile("export.csv", text.encode()), "reviews": "private"}
    with after_commit():
        response = w.a_client.post(reverse("discussions:library_import"), upload)
    assert response.status_code == 302
    return reverse("catalog:book_detail", args=[w.book.slug]), [
        "Your private note",
        "Alice wept at the pier.",
        "Lent by Ana.",
    ]


def profile_private_shelf(w: World) -> tuple[str, list[str]]:
    """A's private shelf and the book on it are on A's profile only."""
    shelves = reverse("discussions:shelf_list")
    assert w.a_client.post(shelves, {"name": "Secret sorrows"}).status_code == 302
    shelf = w.a.shelves.get(name="Secret sorrows")
    update = reverse("discussions:shelf_update", args=[shelf.pk])
    assert w.a_client.post(update, {"name": "Secret sorrows"}).status_code == 302  # private
    shelve = reverse("discussions:book_shelve", args=[w.book.slug])
    assert w.a_client.post(shelve, {"shelf": shelf.pk, "action": "add"}).status_code == 302
    return w.a.get_absolute_url(), ["Secret sorrows", "The Remains of the Day"]


def profile_page(w: World) -> tuple[str, list[str]]:
    data = {"display_name": A_NAME, "bio": "Butler stories.", "time_zone": ""}
    assert w.a_client.post(reverse("accounts:profile_edit"), data).status_code == 302
    return w.a.get_absolute_url(), ["Edit your profile", "Change password"]


def thread_page(w: World) -> tuple[str, list[str]]:
    thread = thread_for_book(book=w.book)
    carols = comment_create(thread=thread, author=w.carol, body="Carol starts.")
    follow = reverse("discussions:thread_follow", args=[thread.pk])
    assert w.a_client.post(follow, {"action": "follow"}).status_code == 302
    flag = reverse("discussions:comment_flag", args=[carols.pk])
    assert w.a_client.post(flag, {"reason": "spam", "note": ""}).status_code == 200
    return reverse("discussions:thread", args=[thread.pk]), ["Unfollow thread"]


def comment_permalink(w: World) -> tuple[str, list[str]]:
    thread = thread_for_book(book=w.book)
    carols = comment_create(thread=thread, author=w.carol, body="Carol starts.")
    reply = reverse("discussions:comment_reply", args=[carols.pk])
    assert w.a_client.post(reply, {"body": "A answers Carol."}).status_code == 302
    flag = reverse("discussions:comment_flag", args=[carols.pk])
    assert w.a_client.post(flag, {"reason": "spam", "note": ""}).status_code == 200
    # Nothing on a permalink is A's own but the header: the common markers cover it.
    return reverse("discussions:comment", args=[carols.pk]), []


def rota_page(w: World) -> tuple[str, list[str]]:
    """A holds a role and asked for a swap: only A is offered to keep it or give it up."""
    club = w.make_club(members=(w.a, w.b))
    meeting = w.make_meeting(club, title="Stevens at Darlington Hall", book=w.book)
    host = club.rota_roles.get(name="Host")
    url = reverse("discussions:rota_slot", args=[club.slug, meeting.pk, host.pk])
    for action in ("sign_up", "ask_swap"):
        assert w.a_client.post(url, {"action": action}).status_code == 302, action
    return reverse("discussions:club_rota", args=[club.slug]), ['value="keep"', 'value="give_up"']


def nominations_page(w: World) -> tuple[str, list[str]]:
    """A nominated a book and seconded Carol's: the counts and marks are A's alone."""
    club = w.make_club(members=(w.a, w.b, w.carol))
    carols = nomination_create(club=club, book=w.book, member=w.carol)
    create = reverse("discussions:nomination_create", args=[club.slug])
    other = w.make_book(title="Klara and the Sun")
    assert w.a_client.post(create, {"book": other.pk}).status_code == 302
    second = reverse("discussions:nomination_second", args=[club.slug, carols.pk])
    assert w.a_client.post(second).status_code == 302
    return reverse("discussions:nominations", args=[club.slug]), [
        "You seconded it.",
        "You have nominated 1 of 2.",
    ]


ROWS = [
    rota_page,
    nominations_page,
    book_page,
    book_community_page,
    book_page_reading_status,
    book_page_imported_private_note,
    meeting_page,
    read_page,
    question_bank_page,
    question_page,
    club_page,
    home_page,
    home_page_reads,
    profile_page,
    profile_private_shelf,
    thread_page,
    comment_permalink,
]


def _twice(client: Client, path: str) -> list[str]:
    pages = []
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.content.decode())
    return pages


def _csrf_cookie(client: Client) -> str | None:
    cookie = client.cookies.get("csrftoken")
    return cookie.value if cookie else None


def _a_markers(w: World, page: str) -> None:
    nav = account_nav(page)
    assert A_NAME in nav
    assert UNREAD_BADGE in nav, "A's unread-notification badge is missing"


def _no_trace_of_a(w: World, page: str, a_tokens: set[str], markers: list[str]) -> None:
    nav = account_nav(page)
    assert A_NAME not in nav
    assert A_USERNAME not in nav
    assert UNREAD_BADGE not in nav, "an unread badge for someone with no notifications"
    assert f'data-user-id="{w.a.pk}"' not in body_tag(page)
    for token in a_tokens:
        assert token not in page, "A's CSRF token (or its secret) is on someone else's page"
    for marker in markers:
        assert marker not in page, marker


def _tokens_are_the_readers_own(client: Client, pages: list[str]) -> None:
    secret = _csrf_cookie(client)
    for page in pages:
        for token in csrf_tokens(page):
            assert csrf_secret(token) == secret, "a CSRF token that is not this reader's"


@pytest.mark.parametrize("act", ROWS, ids=lambda act: act.__name__)
def test_a_members_own_state_stays_on_their_own_page(world, act):
    path, markers = act(world)

    a_pages = _twice(world.a_client, path)
    a_secret = _csrf_cookie(world.a_client)
    a_tokens = set().union(*(csrf_tokens(page) for page in a_pages))
    assert a_tokens, "A's page carries no CSRF token: the test could not see one leak"
    assert a_secret
    _tokens_are_the_readers_own(world.a_client, a_pages)
    for page in a_pages:
        _a_markers(world, page)
        for marker in markers:
            assert marker in page, f"A's own page lacks {marker!r}"

    b_client = Client()
    b_client.force_login(world.b)
    b_pages = _twice(b_client, path)
    _tokens_are_the_readers_own(b_client, b_pages)
    visitor = Client()
    visitor_pages = _twice(visitor, path)
    for page in b_pages + visitor_pages:
        _no_trace_of_a(world, page, a_tokens | {a_secret}, markers)
    for page in visitor_pages:
        assert "Log out" not in page


@pytest.mark.parametrize("act", ROWS, ids=lambda act: act.__name__)
def test_a_signed_in_page_names_its_reader_on_body(world, act):
    """The page script tells own comments from others' by <body data-user-id>."""
    path, _markers = act(world)
    for page in _twice(world.a_client, path):
        assert f'data-user-id="{world.a.pk}"' in body_tag(page)


def test_meeting_rows_really_belong_to_their_club(world):
    """Guards the meeting row: B is a member too, so B sees the same RSVP box A does."""
    path, _markers = meeting_page(world)
    b_client = Client()
    b_client.force_login(world.b)
    page = b_client.get(path).content.decode()
    assert "Your answer: <strong>none yet" in page
    assert "You have not recorded any progress" in page
    assert Meeting.objects.count() == 1
