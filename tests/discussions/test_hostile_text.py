"""Control characters and line breaks in what members type: refused or made one line at the
form, and harmless in feeds and calendars even when an older row holds them."""

import datetime
import xml.dom.minidom

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from discussions.models import Club, Meeting, ReadingSection

INJECTION = "Meet 1\rATTENDEE;CN=x:mailto:evil@example.com"


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def _meeting_post(book, **overrides):
    year = timezone.now().year + 1
    data = {
        "book": book.pk,
        "title": "Part one",
        "starts": f"{year}-10-28T18:30",
        "ends": f"{year}-10-28T20:00",
        "time_zone": "Europe/London",
    }
    data.update(overrides)
    return data


def _ics_lines(response) -> list[str]:
    assert response.status_code == 200
    return response.content.decode().split("\r\n")


@pytest.mark.parametrize("breaking", ["\r", "\n", "\r\n"])
def test_a_line_break_in_a_meeting_title_never_starts_a_calendar_line(
    organiser_client, public_club, make_book, breaking
):
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    title = INJECTION.replace("\r", breaking)
    response = organiser_client.post(url, _meeting_post(make_book(), title=title))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.title == "Meet 1 ATTENDEE;CN=x:mailto:evil@example.com"
    for name, args in (
        ("discussions:meeting_ics", [public_club.slug, meeting.pk]),
        ("discussions:club_calendar", [public_club.slug]),
    ):
        lines = _ics_lines(organiser_client.get(reverse(name, args=args)))
        assert not [line for line in lines if line.startswith("ATTENDEE")]
        assert not [line for line in lines if "\r" in line or "\n" in line]


def test_a_line_break_in_a_club_name_is_made_one_line(organiser_client):
    response = organiser_client.post(
        reverse("discussions:club_create"),
        {"name": INJECTION, "description": "", "visibility": "public", "join_policy": "open"},
    )
    assert response.status_code == 302
    assert Club.objects.get(slug__startswith="meet-1").name == (
        "Meet 1 ATTENDEE;CN=x:mailto:evil@example.com"
    )


def test_calendars_stay_whole_for_rows_stored_before_the_forms_refused_breaks(
    client, public_club, make_meeting
):
    Club.objects.filter(pk=public_club.pk).update(name=INJECTION.replace("\r", "\n"))
    meeting = make_meeting(
        public_club, title="Night\nATTENDEE:mailto:x@example.com", place="Room\r2\x01"
    )
    for name, args in (
        ("discussions:meeting_ics", [public_club.slug, meeting.pk]),
        ("discussions:club_calendar", [public_club.slug]),
    ):
        response = client.get(reverse(name, args=args))
        lines = _ics_lines(response)
        assert not [line for line in lines if line.startswith("ATTENDEE")]
        calendar = Calendar.from_ical(response.content)
        assert "\x01" not in response.content.decode()
        assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Night ATTENDEE:mailto:x@example.com"


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x1b", "\x7f", "\x85", "\x9b"])
@pytest.mark.parametrize("field", ["name", "description"])
def test_control_characters_in_a_club_are_refused_in_plain_words(organiser_client, control, field):
    data = {"name": "Open Shelf", "description": "We read.", "visibility": "public"}
    data["join_policy"] = "open"
    data[field] = f"Open{control}Shelf"
    response = organiser_client.post(reverse("discussions:club_create"), data)
    assert response.status_code == 400
    assert "invisible control character" in response.text
    assert not Club.objects.filter(name__startswith="Open").exists()


@pytest.mark.parametrize("field", ["title", "description", "place"])
def test_control_characters_in_a_meeting_are_refused(
    organiser_client, public_club, make_book, field
):
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    response = organiser_client.post(url, _meeting_post(make_book(), **{field: "Part\x1bone"}))
    assert response.status_code == 400
    assert "invisible control character (U+001B)" in response.text
    assert not Meeting.objects.exists()


def test_a_control_character_in_a_section_title_is_refused(
    organiser_client, public_club, make_meeting
):
    meeting = make_meeting(public_club)
    url = reverse("discussions:section_create", args=[public_club.slug, meeting.pk])
    response = organiser_client.post(url, {"title": "Part\x0bTwo"}, follow=True)
    assert "invisible control character" in response.text
    assert not ReadingSection.objects.exists()


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x1b"])
def test_the_atom_feed_survives_control_characters_already_stored(
    client, public_club, make_meeting, control
):
    Club.objects.filter(pk=public_club.pk).update(
        name=f"Open{control}Shelf", description=f"We{control}read"
    )
    meeting = make_meeting(
        public_club,
        title=f"Part{control}One",
        description=f"Bring{control}snacks",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    meeting.section = ReadingSection.objects.create(
        book=meeting.book, position=1, title=f"Chapter{control}1"
    )
    meeting.save()
    response = client.get(reverse("discussions:club_feed", args=[public_club.slug]))
    assert response.status_code == 200
    document = xml.dom.minidom.parseString(response.content)
    titles = [node.firstChild.data for node in document.getElementsByTagName("title")]
    assert "OpenShelf: upcoming meetings" in titles
    assert any(title.startswith("PartOne") for title in titles)
