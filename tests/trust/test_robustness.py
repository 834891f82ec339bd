"""Arbitrary input never causes a 500: a clear message or the right 4xx instead."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# C0 and C1 controls, DEL and the line breaks a single-line field must never keep.
controls = st.characters(codec="utf-8", categories=["Cc"], include_characters="\u2028\u2029")
control_text = st.lists(st.one_of(st.text(max_size=8), controls), min_size=1, max_size=12).map(
    "".join
)

# Text a hostile or careless client might send: anything, huge, control characters, NULs.
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=20_000),
    control_text,
    st.sampled_from(
        [
            "\x00",
            "\ud800"[:0] + "\x00abc",
            "%00",
            "../../etc/passwd",
            "-1",
            "9" * 40,
            "Meet 1\rATTENDEE;CN=x:mailto:evil@example.com",
            "Meet 2\nATTENDEE;CN=x:mailto:evil@example.com",
            "a\r\nEND:VEVENT",
            "\x01\x0b\x1b\x7f\x85\x9b",
        ]
    ),
)
fuzz = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@fuzz
@given(display_name=nasty_text, bio=nasty_text, time_zone=nasty_text)
def test_profile_form_answers_every_input_without_a_server_error(
    member_client, display_name, bio, time_zone
):
    response = member_client.post(
        "/profile/", {"display_name": display_name, "bio": bio, "time_zone": time_zone}
    )
    assert response.status_code in {200, 302, 400}


@pytest.mark.django_db
@fuzz
@given(username=nasty_text)
def test_profile_urls_with_any_name_answer_404_or_200(client, username):
    response = client.get(f"/members/{quote(username, safe='')}/")
    assert response.status_code in {404, 400}


@pytest.mark.django_db
def test_invalid_utf8_in_a_form_post_is_stored_as_replacement_characters(member_client, member):
    response = member_client.post(
        "/profile/",
        data=b"display_name=%ff%fe&bio=%c3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "\ufffd\ufffd"
    assert member.bio == "\ufffd("


@pytest.mark.django_db
def test_a_nul_character_in_the_address_is_a_400_with_a_reason(client):
    response = client.get("/members/%00/")
    assert response.status_code == 400
    assert b"NUL character" in response.content
    assert client.get("/", {"q": "a\x00b"}).status_code == 400


# Everything a form field or query parameter might be sent: plausible values, junk, extremes.
# Integers either side of what 32- and 64-bit columns hold (PostgreSQL's integer and
# bigint, SQLite's one integer type), and far past both.
column_edges = st.sampled_from(
    [2**31 - 1, 2**31, 3_000_000_000, 2**63 - 1, 2**63, -(2**63) - 1, 10**20]
).map(str)

field_value = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    column_edges,
    control_text,
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "0.5",
            "5.5",
            "1e309",
            "NaN",
            "inf",
            "2026-02-30T25:61",
            "2026-03-29T01:30",
            "9999-12-31T23:59",
            "0001-01-01T00:00",
            "Europe/London",
            "Mars/Olympus_Mons",
            "../UTC",
            "going",
            "waitlisted",
            "title",
            "-year",
            "\x00",
        ]
    ),
)
small = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def fuzz_world(make_user, settings):
    """A book with a thread, a club with a meeting and a poll; the member is its organiser."""
    import datetime

    from django.utils import timezone

    from catalog.models import Book
    from discussions.services.clubs import club_create
    from discussions.services.comments import comment_create, thread_for_book
    from discussions.services.meetings import meeting_create
    from discussions.services.polls import poll_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.POST_RATE_LIMIT = "100000/60"
    member = make_user()
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    other = Book.objects.create(title="Klara and the Sun", slug="klara")
    thread = thread_for_book(book=book)
    comment_create(thread=thread, author=member, body="Hailsham")
    club = club_create(creator=member, name="Open Shelf")
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = meeting_create(
        club=club,
        book=book,
        created_by=member,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="UTC",
        title="Discussion",
    )
    poll = poll_create(club=club, created_by=member, closes_at=start, books=[book, other])
    return {"member": member, "book": book, "thread": thread, "meeting": meeting, "poll": poll}


def assert_handled(response, allowed=frozenset({200, 302, 400, 403, 404, 405, 429})):
    assert response.status_code in allowed, response.status_code
    assert response.status_code < 500


@pytest.mark.django_db
@small
@given(q=field_value, subject=field_value, genre=field_value, sort=field_value, page=field_value)
def test_catalog_query_parameters_never_cause_a_server_error(
    client, fuzz_world, q, subject, genre, sort, page
):
    assert_handled(client.get("/search/", {"q": q, "page": page}))
    params = {"subject": subject, "genre": genre, "sort": sort, "page": page}
    assert_handled(client.get("/books/", params))
    assert_handled(client.get("/books/", params, HTTP_HX_REQUEST="true"))
    assert_handled(client.get("/clubs/", {"q": q}))


@pytest.mark.django_db
@small
@given(sort=field_value, page=field_value)
def test_thread_sort_and_page_never_cause_a_server_error(client, fuzz_world, sort, page):
    thread, book = fuzz_world["thread"], fuzz_world["book"]
    for path in (thread.get_absolute_url(), f"/books/{book.slug}/community/"):
        assert_handled(client.get(path, {"sort": sort, "page": page}))
        assert_handled(client.get(path, {"sort": sort, "page": page}, HTTP_HX_REQUEST="true"))


@pytest.mark.django_db
@small
@given(value=field_value, minimum_age=field_value, response=field_value, withdraw=field_value)
def test_ratings_age_votes_and_rsvps_answer_bad_values_with_a_400(
    client, fuzz_world, value, minimum_age, response, withdraw
):
    from discussions.forms.community import RatingForm

    client.force_login(fuzz_world["member"])
    slug = fuzz_world["book"].slug
    meeting = fuzz_world["meeting"]
    rated = client.post(f"/books/{slug}/rate/", {"value": value, "withdraw": withdraw})
    assert_handled(rated, {302, 400})
    valid_rating = RatingForm({"value": value, "withdraw": withdraw}).is_valid()
    assert (rated.status_code == 302) == valid_rating
    aged = client.post(f"/books/{slug}/age/", {"minimum_age": minimum_age, "withdraw": withdraw})
    assert_handled(aged, {302, 400})
    rsvp = client.post(meeting.get_absolute_url() + "rsvp/", {"response": response})
    assert_handled(rsvp, {302})
    assert_handled(
        client.post(
            meeting.get_absolute_url() + "rsvp/", {"response": response}, HTTP_HX_REQUEST="true"
        ),
        {200, 400},
    )


@pytest.mark.django_db
@small
@given(ranks=st.lists(field_value, min_size=0, max_size=4), extra=field_value)
def test_poll_ballots_with_any_ranks_never_cause_a_server_error(client, fuzz_world, ranks, extra):
    poll = fuzz_world["poll"]
    client.force_login(fuzz_world["member"])
    data = {
        f"rank_{candidate.pk}": rank
        for candidate, rank in zip(poll.candidates.order_by("pk"), ranks, strict=False)
    }
    data[f"rank_{extra}"] = extra  # a candidate that does not exist
    assert_handled(client.post(poll.get_absolute_url() + "vote/", data), {302, 400})
    assert_handled(client.post(poll.get_absolute_url() + "suggest/", {"book": extra}), {302})


@pytest.mark.django_db
@small
@given(
    starts=field_value,
    ends=field_value,
    time_zone=field_value,
    capacity=field_value,
    book=field_value,
    section=field_value,
    online_url=field_value,
)
def test_meeting_form_answers_any_dates_capacity_and_zone_without_a_server_error(
    client, fuzz_world, starts, ends, time_zone, capacity, book, section, online_url
):
    meeting = fuzz_world["meeting"]
    client.force_login(fuzz_world["member"])
    data = {
        "book": book,
        "section": section,
        "title": "Fuzzed",
        "starts": starts,
        "ends": ends,
        "time_zone": time_zone,
        "capacity": capacity,
        "online_url": online_url,
    }
    club_url = meeting.club.get_absolute_url()
    assert_handled(client.post(club_url + "meetings/new/", data), {302, 400})
    assert_handled(client.post(meeting.get_absolute_url() + "edit/", data), {302, 400})
    # A NUL anywhere in the address is the site-wide 400; anything else preselects or not.
    assert_handled(client.get(club_url + "meetings/new/", {"book": book}), {200, 400})


@pytest.mark.django_db
@small
@given(raw=nasty_text)
def test_any_isbn_in_the_address_redirects_or_says_why_not(client, fuzz_world, raw):
    response = client.get("/isbn/" + quote(raw, safe=""))
    assert_handled(response, {301, 302, 400, 404})


@pytest.mark.django_db
@small
# Ids no object of the small world can have (it holds a handful of rows from 1 up).
@given(
    pk=st.one_of(
        st.just(0), st.integers(min_value=10**6, max_value=10**40), st.sampled_from([-1, 2**63])
    )
)
def test_bogus_huge_and_negative_ids_in_every_route_are_404(client, fuzz_world, pk):
    from tests.trust.test_every_endpoint import fill, own_patterns

    client.force_login(fuzz_world["member"])
    slug = fuzz_world["meeting"].club.slug
    for name, pattern in own_patterns():
        route = str(pattern.pattern)
        if "<int:pk>" not in route:
            continue
        path = fill(route, {"slug": slug, "pk": str(pk)})
        response = client.get(path)
        # Routes that only take POST say so; the rest find nothing.
        assert response.status_code in {404, 405}, (name, path, response.status_code)


@pytest.mark.django_db
def test_line_breaks_in_names_and_titles_never_break_notification_emails(
    client, make_user, django_capture_on_commit_callbacks
):
    """Mail headers cannot hold line breaks; member-written names and titles can."""
    import datetime

    from django.core import mail
    from django.utils import timezone

    from catalog.models import Book
    from discussions.models import Membership
    from discussions.services.clubs import club_create
    from discussions.services.comments import comment_create, thread_for_book
    from discussions.services.meetings import meeting_create, meeting_update
    from discussions.services.rsvps import rsvp_set

    author, replier = make_user(), make_user()
    client.force_login(author)
    client.post(
        "/profile/",
        {
            "display_name": "Kathy\r\nBcc: x@example.org",
            "time_zone": "",
            "email_notifications": "on",
        },
    )
    author.refresh_from_db()
    assert author.display_name == "Kathy Bcc: x@example.org"
    author.display_name = "Kathy\nH."  # written before names were cleaned
    author.save()
    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    comment = comment_create(thread=thread_for_book(book=book), author=replier, body="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        with_reply = client.post(f"/comments/{comment.pk}/reply/", {"body": "Agreed"})
    assert with_reply.status_code == 302
    assert len(mail.outbox) == 1
    club = club_create(creator=replier, name="Open\nShelf")
    Membership.objects.create(club=club, user=author)
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = meeting_create(
        club=club,
        book=book,
        created_by=replier,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="UTC",
        title="Line\nbreak",
    )
    rsvp_set(meeting=meeting, user=author, response="going")
    with django_capture_on_commit_callbacks(execute=True):
        changes = meeting_update(meeting=meeting, title="Moved\r\nnight", place="Library")
    assert changes
    assert len(mail.outbox) == 2, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject, message.subject


@pytest.mark.django_db
def test_a_page_number_past_the_database_offset_limit_is_an_empty_page(client, fuzz_world):
    for path in (fuzz_world["thread"].get_absolute_url(), "/books/never-let-me-go/community/"):
        for page in ("461168601842738792", str(2**63), "9" * 40):
            response = client.get(path, {"page": page}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200, (path, page)


@pytest.mark.django_db
@small
@given(page=field_value, percent=field_value, section=field_value)
# Past PostgreSQL's integer, then past SQLite's: each once for certain, with nothing else wrong.
@example(page="3000000000", percent="", section="")
@example(page=str(2**63), percent="", section="")
def test_reading_progress_answers_any_numbers_with_a_400_not_a_500(
    client, fuzz_world, page, percent, section
):
    meeting = fuzz_world["meeting"]
    client.force_login(fuzz_world["member"])
    data = {"page": page, "percent": percent, "section": section}
    url = meeting.get_absolute_url() + "progress/"
    assert_handled(client.post(url, data), {302, 400})
    assert_handled(client.post(url, data, HTTP_HX_REQUEST="true"), {200, 400})


@pytest.mark.django_db
@small
@given(books=st.lists(field_value, min_size=1, max_size=3), title=nasty_text)
@example(books=[str(2**63)], title="Next?")
@example(books=["99999999999999999999"], title="Next\x1b?")
def test_a_poll_with_any_candidate_ids_and_title_never_causes_a_server_error(
    client, fuzz_world, books, title
):
    import datetime

    from django.utils import timezone

    meeting = fuzz_world["meeting"]
    client.force_login(fuzz_world["member"])
    closes = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": title, "closes_at": closes, "books": [fuzz_world["book"].pk, *books]}
    url = meeting.club.get_absolute_url() + "polls/new/"
    assert_handled(client.post(url, data), {302, 400})


@pytest.mark.django_db
@small
@given(title=nasty_text, last_page=field_value, last_percent=field_value, message=nasty_text)
@example(title="Part Two", last_page="3000000000", last_percent="", message="Hi\x00there")
@example(title="Part\x0bTwo", last_page=str(2**63), last_percent="", message="Hi\x1b")
def test_sections_and_join_requests_answer_any_input_without_a_server_error(
    client, fuzz_world, make_user, title, last_page, last_percent, message
):
    from discussions.models import Club

    meeting = fuzz_world["meeting"]
    client.force_login(fuzz_world["member"])
    data = {"title": title, "last_page": last_page, "last_percent": last_percent}
    assert_handled(client.post(meeting.get_absolute_url() + "sections/", data), {302})
    club = meeting.club
    Club.objects.filter(pk=club.pk).update(join_policy=Club.JoinPolicy.REQUEST)
    client.force_login(make_user())
    url = club.get_absolute_url() + "join/"
    assert_handled(client.post(url, {"message": message}), {302, 400})
    assert_handled(client.post(url, {"message": message}, HTTP_HX_REQUEST="true"), {200, 400})


@pytest.mark.django_db
@small
@given(name=nasty_text, description=nasty_text, title=nasty_text, place=nasty_text)
@example(name="Open\x01Shelf", description="We\x0bread", title="Meet\x1b", place="Room 2")
@example(
    name="Meet 1\rATTENDEE;CN=x:mailto:evil@example.com",
    description="a\r\nb",
    title="Meet 2\nATTENDEE;CN=x:mailto:evil@example.com",
    place="a\r\nEND:VEVENT",
)
def test_whatever_a_club_and_meeting_form_accept_every_feed_and_calendar_can_serve(
    client, fuzz_world, name, description, title, place
):
    """Every feed and calendar is a sink for the forms' text: what a form stores, each one
    must still serve whole (an .ics line per property, Atom that parses)."""
    from xml.etree import ElementTree

    from icalendar import Calendar

    meeting = fuzz_world["meeting"]
    club = meeting.club
    client.force_login(fuzz_world["member"])
    club_data = {"name": name, "description": description}
    club_data.update(visibility="public", join_policy="open")
    assert_handled(client.post("/clubs/new/", club_data), {302, 400})
    edit = {
        "book": fuzz_world["book"].pk,
        "title": title,
        "place": place,
        "description": description,
        "starts": meeting.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends": meeting.local_ends_at.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": meeting.time_zone,
    }
    assert_handled(client.post(meeting.get_absolute_url() + "edit/", edit), {302, 400})
    for created in type(club).objects.all():
        feed = client.get(created.get_absolute_url() + "meetings.atom")
        assert_handled(feed, {200})
        ElementTree.fromstring(feed.content)
        calendar = client.get(created.get_absolute_url() + "calendar.ics")
        assert_handled(calendar, {200})
        Calendar.from_ical(calendar.content)
        lines = calendar.content.decode().split("\r\n")
        assert not [line for line in lines if line.startswith(("ATTENDEE", "END:VEVENT\r"))]
    ics = client.get(meeting.get_absolute_url() + "calendar.ics")
    assert_handled(ics, {200})
    assert not [line for line in ics.content.decode().split("\r\n") if "\r" in line]
