"""Club reads (#17 item 1): a book, a dated schedule, "this week", the calendar, shifting."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import ClubRead, ReadFollow, ScheduledSection
from discussions.services.polls import ballot_cast, poll_close, poll_create
from discussions.services.reads import read_follow, schedule_add

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def read(public_club, make_read, book):
    return make_read(public_club, book=book, starts_on=days(-3))


def _url(read, name="read_detail"):
    return reverse(f"discussions:{name}", kwargs={"slug": read.club.slug, "pk": read.pk})


def _add(client, read, **data):
    return client.post(_url(read, "schedule_add"), data)


def test_an_organiser_starts_a_read_from_a_closed_polls_winner(
    client, organiser, public_club, book, make_book, club_member
):
    other = make_book(title="Klara and the Sun")
    poll = poll_create(
        club=public_club,
        created_by=organiser,
        closes_at=timezone.now() + datetime.timedelta(days=1),
        books=[book, other],
    )
    ballot_cast(poll=poll, voter=club_member, ranking=list(poll.candidates.filter(book=book)))
    poll_close(poll=poll)
    client.force_login(organiser)
    form = client.get(
        reverse("discussions:read_create", args=[public_club.slug]), {"poll": poll.pk}
    )
    assert f'<option value="{book.pk}" selected>' in form.content.decode()
    response = client.post(
        reverse("discussions:read_create", args=[public_club.slug]) + f"?poll={poll.pk}",
        {"book": book.pk, "starts_on": str(TODAY)},
    )
    read = ClubRead.objects.get()
    assert response.status_code == 302 and response["Location"] == read.get_absolute_url()
    assert read.poll == poll and read.book == book
    page = client.get(public_club.get_absolute_url()).content.decode()
    assert "Never Let Me Go" in page and read.get_absolute_url() in page


def test_an_organiser_builds_a_dated_schedule_and_members_see_this_week(
    client, organiser, club_member, read
):
    client.force_login(organiser)
    assert (
        _add(client, read, unit="chapters", first="1", last="6", due_on=str(days(-1))).status_code
        == 302
    )
    sunday = days(4)
    assert (
        _add(client, read, unit="chapters", first="7", last="12", due_on=str(sunday)).status_code
        == 302
    )
    client.force_login(club_member)
    page = client.get(_url(read)).content.decode()
    assert f"This week: Chapters 7–12, due {sunday:%A}" in page
    assert "Chapters 1–6" in page
    home = client.get("/").content.decode()
    assert f"This week: Chapters 7–12, due {sunday:%A}" in home
    club_page = client.get(read.club.get_absolute_url()).content.decode()
    assert f"This week: Chapters 7–12, due {sunday:%A}" in club_page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"unit": "chapters", "first": "1", "last": "5", "due_on": "{before}"},
            "before the read starts",
        ),
        (
            {"unit": "chapters", "first": "4", "last": "9", "due_on": "{later}"},
            "overlaps the previous one, which ends at chapter 6",
        ),
        (
            {"unit": "chapters", "first": "9", "last": "7", "due_on": "{later}"},
            "ends before it begins",
        ),
        (
            {"unit": "percent", "first": "10", "last": "140", "due_on": "{later}"},
            "A percentage runs from 0 to 100",
        ),
        (
            {"unit": "chapters", "first": "7", "last": "9", "due_on": "not a date"},
            "Enter a valid date",
        ),
        ({"unit": "part", "title": "", "due_on": "{later}"}, "Name the part"),
    ],
)
def test_bad_schedule_input_gets_a_plain_form_error_and_keeps_what_was_typed(
    client, organiser, read, data, error
):
    schedule_add(read=read, unit="chapters", first=1, last=6, due_on=days(1))
    client.force_login(organiser)
    data = {name: value.format(before=days(-10), later=days(8)) for name, value in data.items()}
    for headers in ({}, HTMX):
        response = client.post(_url(read, "schedule_add"), data, **headers)
        html = response.content.decode()
        assert response.status_code == 400
        assert error in html
        assert "constraint" not in html.lower()
        assert f'value="{data["due_on"]}"' in html or data["due_on"] == "not a date"
    assert ScheduledSection.objects.count() == 1


def test_a_page_range_beyond_the_reads_edition_is_refused(
    client, organiser, public_club, make_read
):
    read = make_read(public_club, edition_pages=300)
    client.force_login(organiser)
    response = _add(client, read, unit="pages", first="1", last="340", due_on=str(days(3)))
    assert response.status_code == 400
    assert "The read&#x27;s edition has 300 pages." in response.content.decode()


def test_the_schedule_is_in_the_club_calendar_as_all_day_entries(client, read, club_member):
    schedule_add(read=read, unit="chapters", first=1, last=6, due_on=days(2))
    schedule_add(read=read, unit="chapters", first=7, last=12, due_on=days(9))
    feed = client.get(reverse("discussions:club_calendar", args=[read.club.slug])).content.decode()
    assert feed.count("SUMMARY:Due: Chapters") == 2
    assert f"DTSTART;VALUE=DATE:{days(2):%Y%m%d}" in feed
    assert f"DTEND;VALUE=DATE:{days(3):%Y%m%d}" in feed


def test_the_printable_schedule_lists_each_section_and_its_date(client, read):
    schedule_add(read=read, unit="part", title="Part One", due_on=days(2))
    page = client.get(_url(read, "read_print")).content.decode()
    assert "Part One" in page and f"{days(2):%A}" in page


def test_shifting_moves_only_what_is_still_to_come_and_tells_followers(
    client, organiser, club_member, read, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    done = schedule_add(read=read, unit="chapters", first=1, last=6, due_on=days(-1))
    rest = schedule_add(read=read, unit="chapters", first=7, last=12, due_on=days(3))
    read_follow(read=read, user=club_member)
    leaver = make_user()
    read_follow(read=read, user=leaver)  # followed, then left the club: told nothing
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(read, "read_shift"))
    assert response.status_code == 302
    done.refresh_from_db()
    rest.refresh_from_db()
    assert done.due_on == days(-1) and rest.due_on == days(10)
    assert [m.to for m in mailoutbox] == [[club_member.email]]
    assert f"Chapters 7–12: due {days(10):%A}" in mailoutbox[0].body
    page = client.get(_url(read)).content.decode()
    assert f'due <time datetime="{days(10):%Y-%m-%d}"' in page


def test_members_follow_a_read_and_choose_their_digest(client, club_member, read):
    client.force_login(club_member)
    client.post(_url(read, "read_follow"), {"digest": "section", "action": "follow"})
    assert ReadFollow.objects.get(user=club_member).digest == "section"
    page = client.get(_url(read)).content.decode()
    assert "You follow this read and get a catch-up email: when a section is due." in page
    client.post(_url(read, "read_follow"), {"digest": "none", "action": "unfollow"})
    assert not ReadFollow.objects.exists()


def test_a_private_clubs_read_is_hidden_from_outsiders_everywhere(
    client, private_club, make_read, make_user
):
    read = make_read(private_club)
    schedule_add(read=read, unit="part", title="The Secret Part", due_on=days(1))
    outsider = make_user()
    for who in (None, outsider):
        if who:
            client.force_login(who)
        for name in ("read_detail", "read_print", "read_catch_up"):
            response = client.get(_url(read, name))
            assert response.status_code in (404, 302), name
            assert b"The Secret Part" not in response.content
        assert b"The Secret Part" not in client.get("/").content
        calendar = client.get(reverse("discussions:club_calendar", args=[private_club.slug]))
        assert calendar.status_code == 404


def test_the_read_page_costs_the_same_queries_however_long_the_schedule(
    client, club_member, read, django_assert_max_num_queries
):
    client.force_login(club_member)
    schedule_add(read=read, unit="chapters", first=1, last=2, due_on=days(1))
    client.get(_url(read))
    for n in range(3, 30, 2):
        schedule_add(read=read, unit="chapters", first=n, last=n + 1, due_on=days(n))
    with django_assert_max_num_queries(12):
        assert client.get(_url(read)).status_code == 200
