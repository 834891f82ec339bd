"""Script and HTML injected through every user-writable field renders inert."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from tests.conftest import after_commit
from tests.trust.inert import CONTROL_PAYLOADS, PAYLOADS, live_injections, our_script_srcs


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_inert(html: str, payload: str) -> None:
    findings = live_injections(html, trusted_script_srcs=our_script_srcs(html))
    assert not findings, f"payload {payload!r} came alive: {findings}"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_profile_fields_render_inert(make_user, client, payload):
    member = make_user()
    client.force_login(member)
    response = client.post(
        "/profile/", {"display_name": payload[:80], "bio": payload, "time_zone": ""}
    )
    assert response.status_code == 302
    for path in (member.get_absolute_url(), "/", "/profile/"):
        assert_inert(client.get(path).content.decode(), payload)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_shelf_names_render_inert(make_user, client, payload):
    """A shelf's name shows on its owner's profile (to everyone, when public), on the
    shelves page and on every book page's "Your reading" card."""
    from catalog.models import Book

    book = Book.objects.create(title="Hostile shelf test", slug="hostile-shelf")
    member = make_user()
    client.force_login(member)
    assert client.post("/shelves/", {"name": payload[:80], "is_public": "on"}).status_code == 302
    shelf = member.shelves.get(kind="custom")
    shelve = f"/books/{book.slug}/shelve/"
    assert client.post(shelve, {"shelf": shelf.pk, "action": "add"}).status_code == 302
    for path in (member.get_absolute_url(), "/shelves/", book.get_absolute_url()):
        assert_inert(client.get(path).content.decode(), payload)
    client.logout()
    assert_inert(client.get(member.get_absolute_url()).content.decode(), payload)


def test_the_checker_catches_live_payloads():
    """The checker itself must fail on what it is meant to catch."""
    for html in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" javascript:alert(1)">x</a>',
        "<svg onload=alert(1)></svg>",
    ]:
        assert live_injections(html, trusted_script_srcs=set()), html
    assert not live_injections(
        '<script src="/static/a.js"></script><p>&lt;script&gt;</p>',
        trusted_script_srcs={"/static/a.js"},
    )


def hostile_world(make_user, payload: str) -> dict:
    """Every user-writable field of every feature holds `payload`; returns the pages it shows on."""
    import datetime

    from django.utils import timezone

    from catalog.models import Book
    from discussions.models import Club, Membership, RotaRole
    from discussions.services import agenda, comments, contributions, meetings, questions, reads
    from discussions.services.clubs import club_create
    from discussions.services.nominations import nomination_create
    from discussions.services.polls import poll_create
    from discussions.services.rota import rota_sign_up

    # Fields keep their length limits (PostgreSQL enforces them): long payloads are cut.
    short, medium = payload[:80], payload[:500]
    author = make_user(display_name=short, bio=medium)
    reader = make_user(display_name="Reader")
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    thread = comments.thread_for_book(book=book)
    with after_commit():
        comment = comments.comment_create(
            thread=thread, author=reader, body=f"@{author.username} hi"
        )
        reply = comments.comment_create(thread=thread, author=author, body=payload, parent=comment)
        edited = comments.comment_create(thread=thread, author=author, body="first draft")
        comments.comment_edit(comment=edited, editor=author, body=payload)
        comments.comment_create(thread=thread, author=author, body=f"@{reader.username} {payload}")
    comments.comment_flag(comment=comment, reporter=author, reason="other", note=medium)
    contributions.summary_create(book=book, author=author, body=payload)
    contributions.notice_create(book=book, author=author, category="other", note=medium)
    contributions.quote_create(book=book, author=author, text=payload, location=short)
    club = club_create(creator=author, name=short, description=payload)
    Membership.objects.create(club=club, user=reader)
    section = meetings.section_add(book=book, title=short)
    start = timezone.now() + datetime.timedelta(days=7)
    fields = {
        "club": club,
        "book": book,
        "created_by": author,
        "title": short,
        "time_zone": "Europe/London",
        "description": payload,
        "place": short,
    }
    upcoming = meetings.meeting_create(
        **fields, section=section, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    past = meetings.meeting_create(
        **fields,
        starts_at=start - datetime.timedelta(days=30),
        ends_at=start - datetime.timedelta(days=29),
    )
    meetings.meeting_post_recap(meeting=past, recap=payload)
    question = questions.question_create(
        club=club, book=book, author=author, body=payload[:1000], section=section
    )
    with after_commit():
        comments.comment_create(thread=question.thread, author=reader, body=payload)
    bank = f"/clubs/{club.slug}/books/{book.slug}/questions/"
    agenda.agenda_save(meeting=upcoming, by=author, body=payload)
    agenda.notes_save(meeting=upcoming, by=author, notes=payload)
    agenda_pages = [upcoming.get_absolute_url() + page for page in ("agenda/", "agenda/print/")]
    agenda_pages.append(past.get_absolute_url() + "agenda/edit/")
    poll = poll_create(club=club, created_by=author, closes_at=start, books=[book], title=short)
    read = reads.read_create(
        club=club, book=book, starts_on=timezone.localdate(), created_by=author, poll=poll
    )
    reads.schedule_add(read=read, unit="part", title=short, due_on=timezone.localdate())
    # The rota names its roles and holders; nominations name their books and nominators.
    role = RotaRole.objects.create(club=club, name=short[:60], position=9)
    rota_sign_up(meeting=upcoming, role=role, member=author)
    nomination_create(club=club, book=Book.objects.create(title="Klara", slug="k"), member=author)
    assert Club.objects.filter(name=short).exists()
    library = hostile_library(author, club, book, payload)
    return {
        "author": author,
        "reader": reader,
        "pages": [
            "/",
            "/books/never-let-me-go/",
            "/books/never-let-me-go/community/",
            thread.get_absolute_url(),
            comment.get_absolute_url(),
            reply.get_absolute_url(),
            f"/comments/{edited.pk}/history/",
            f"/comments/{edited.pk}/edit/",
            "/clubs/",
            "/clubs/?" + urlencode({"q": short}),
            "/search/?" + urlencode({"q": short}),
            club.get_absolute_url(),
            upcoming.get_absolute_url(),
            past.get_absolute_url(),
            bank,
            question.get_absolute_url(),
            *agenda_pages,
            poll.get_absolute_url(),
            author.get_absolute_url(),
            "/notifications/",
            "/admin/discussions/comment/",
            f"/admin/discussions/comment/{comment.pk}/change/",
            "/admin/discussions/flag/",
            read.get_absolute_url(),
            read.get_absolute_url() + "print/",
            read.get_absolute_url() + "catch-up/",
            club.get_absolute_url() + "rota/",
            club.get_absolute_url() + "nominations/",
            *library["pages"],
        ],
        "feeds": [
            *library["feeds"],
            club.get_absolute_url() + "meetings.atom",
            club.get_absolute_url() + "calendar.ics",
            upcoming.get_absolute_url() + "calendar.ics",
        ],
    }


def hostile_library(author, club, book, payload: str) -> dict:
    """The payload in an imported Goodreads file (title, author, shelf, review, notes), a
    private note, lists (title, description, notes) and a club list."""
    import csv
    import io

    from discussions.exporting import GOODREADS_HEADERS
    from discussions.models import LibraryImport, PrivateNote
    from discussions.services.library_import import library_import_run, library_import_start
    from discussions.services.lists import book_list_create, list_item_add

    short, medium = payload[:80], payload[:500]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GOODREADS_HEADERS)
    row = dict.fromkeys(GOODREADS_HEADERS, "")
    row.update(
        {
            "Title": f"Hostile {short}",
            "Author": short,
            "Bookshelves": short.replace(",", " "),
            "Exclusive Shelf": "read",
            "Date Read": "2024/01/02",
            "My Review": payload,
            "Private Notes": medium,
        }
    )
    writer.writerow([row[name] for name in GOODREADS_HEADERS])
    with after_commit():
        started = library_import_start(
            user=author, file_name="export.csv", content=out.getvalue(), reviews="public"
        )
    assert library_import_run(import_id=started.pk).status == LibraryImport.Status.DONE, (
        LibraryImport.objects.get(pk=started.pk).error
    )
    PrivateNote.objects.create(user=author, book=book, body=payload)
    own = book_list_create(owner=author, title=short, description=payload[:2000])
    list_item_add(book_list=own, book=book, note=payload[:2000], added_by=author)
    shared = book_list_create(club=club, title=short, description=medium)
    list_item_add(book_list=shared, book=book, note=medium, added_by=author)
    imported = LibraryImport.objects.get(pk=started.pk)
    created = imported.user.shelves.get(kind="read").entries.get().book
    return {
        "pages": [
            created.get_absolute_url(),
            imported.get_absolute_url(),
            "/library/import/",
            "/library/stats/",
            "/shelves/",
            "/lists/",
            own.get_absolute_url(),
            shared.get_absolute_url(),
            club.get_absolute_url() + "books-read/",
            "/admin/discussions/memberaddedbook/",
        ],
        "feeds": [
            own.get_absolute_url() + "feed.atom",
            shared.get_absolute_url() + "feed.atom",
            club.get_absolute_url() + "books-read.atom",
        ],
    }


def assert_json_ld_intact(html: str, payload: str) -> None:
    """Each JSON-LD block parses as JSON: the payload never closed the script early."""

    class Blocks(HTMLParser):
        inside = False
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
            if self.inside:
                self.found.append("")

        def handle_endtag(self, tag):
            self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.found[-1] += data

    parser = Blocks()
    parser.found = []
    parser.feed(html)
    for block in parser.found:
        json.loads(block)  # raises if the payload broke out of the block


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS + CONTROL_PAYLOADS)
def test_every_user_writable_field_renders_inert_on_every_page(make_user, client, payload):
    world = hostile_world(make_user, payload)
    staff = make_user(is_staff=True, is_superuser=True)
    # The author sees every page (and the edit form); the member their notifications,
    # where the author's name and reply appear; staff the moderation queue.
    visits = [("the author", world["author"], p) for p in world["pages"] if "/admin/" not in p]
    visits += [("a member", world["reader"], "/notifications/")]
    visits += [("staff", staff, p) for p in world["pages"] if "/admin/" in p]
    shown_on = set()
    for label, viewer, path in visits:
        client.force_login(viewer)
        response = client.get(path)
        assert response.status_code == 200, (label, path, response.status_code)
        html = response.content.decode()
        # The admin also loads Django's own translation catalogue (same origin).
        trusted = our_script_srcs(html) | {"/admin/jsi18n/"}
        findings = live_injections(html, trusted_script_srcs=trusted)
        assert not findings, f"{payload!r} came alive on {path} for {label}: {findings}"
        assert_json_ld_intact(html, payload)
        if "xss-" in html:
            shown_on.add(path)
    if "xss-" in payload:
        # The check is only worth something if the payload really reached the pages.
        must_show = {world["pages"][i] for i in (1, 3, 11, 12, 13, 14, 15, 16, 20, 21)}
        assert must_show <= shown_on, sorted(must_show - shown_on)
    for path in world["feeds"]:
        response = client.get(path)
        assert response.status_code == 200, path
        content_type = response["Content-Type"]
        assert "html" not in content_type, (path, content_type)
        assert response["X-Content-Type-Options"] == "nosniff"
        if path.endswith(".atom"):
            root = ElementTree.fromstring(response.content)
            # The payload is text inside Atom elements, never markup of its own.
            tags = {element.tag.split("}")[-1] for element in root.iter()}
            assert tags <= ATOM_TAGS, (payload, tags - ATOM_TAGS)
        else:
            assert_calendar_intact(response.content, payload)


def assert_calendar_intact(body: bytes, payload: str) -> None:
    """Stored text stays inside its own iCalendar property: no line of the file was
    started by the payload, no control character is left, and the file parses."""
    from icalendar import Calendar

    text = body.decode()
    lines = text.split("\r\n")
    assert not [n for n in lines if "\r" in n or "\n" in n], (payload, "bare line break")
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in lines if line[:1] not in " \t"}
    assert names <= ICALENDAR_NAMES, (payload, names - ICALENDAR_NAMES)
    assert not [c for c in text if ord(c) < 32 and c not in "\r\n\t"], (payload, "control")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert events, payload
    assert len(events) == lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT"), payload
    assert "SUMMARY:forged" not in lines, payload


# Every property name our calendars write; anything else was started by member text.
ICALENDAR_NAMES = {
    "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "UID",
    "DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED", "SEQUENCE", "STATUS", "SUMMARY", "URL",
    "DESCRIPTION", "LOCATION", "TZID", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "RRULE",
    "RDATE", "X-LIC-LOCATION", "COMMENT", "TRANSP", "",
}  # fmt: skip


ATOM_TAGS = {
    "feed", "title", "link", "id", "updated", "subtitle", "entry", "published", "summary",
    "author", "name", "uri", "content",
}  # fmt: skip
