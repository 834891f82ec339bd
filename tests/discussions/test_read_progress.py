"""Progress in any format (#17 item 2): chapters, own-edition pages, percentages and
audiobook times all map onto a read's sections, and one gate hides what is ahead."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import ReadingProgress
from discussions.services.comments import comment_create, thread_for_meeting
from discussions.services.meetings import progress_record
from discussions.services.reads import schedule_add
from discussions.services.spoilers import FINISHED, is_safe_for, reader_position

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTICE = "you haven't reached it yet"


@pytest.fixture
def read(public_club, make_read, book):
    """A read whose page numbers follow a 300-page edition, in two page ranges and a
    chapter range."""
    read = make_read(public_club, book=book, edition_pages=300)
    today = timezone.localdate()
    schedule_add(read=read, unit="pages", first=1, last=150, due_on=today)
    schedule_add(read=read, unit="pages", first=151, last=300, due_on=today)
    return read


@pytest.fixture
def chapters(public_club, make_read, make_book):
    read = make_read(public_club, book=make_book(title="The Buried Giant"))
    today = timezone.localdate()
    schedule_add(read=read, unit="chapters", first=1, last=6, due_on=today)
    schedule_add(read=read, unit="chapters", first=7, last=12, due_on=today)
    return read


def _post(client, read, **data):
    url = reverse("discussions:read_progress", kwargs={"slug": read.club.slug, "pk": read.pk})
    return client.post(url, data)


def _sections(read):
    return [s.section for s in read.schedule.in_order()]


def test_a_member_who_has_not_started_is_safe_for_nothing_tagged(club_member, chapters):
    position = reader_position(club_member, chapters)
    assert not position.has_started
    assert not any(is_safe_for(position, section) for section in _sections(chapters))
    assert is_safe_for(position, None)


@pytest.mark.parametrize(
    ("data", "safe"),
    [
        ({"format": "page", "page": "160", "edition_pages": "320"}, 1),  # half of their edition
        ({"format": "page", "page": "290", "edition_pages": "300"}, 1),
        ({"format": "page", "page": "300", "edition_pages": "300"}, 2),
        ({"format": "percent", "percent": "49"}, 0),
        ({"format": "percent", "percent": "50"}, 1),
        ({"format": "audio", "audio": "5:00:00", "audio_length": "10:00:00"}, 1),
        ({"format": "audio", "audio": "4:59:59", "audio_length": "10:00:00"}, 0),
        ({"format": "audio", "audio": "10:00:00", "audio_length": "10:00:00"}, 2),
    ],
)
def test_pages_percentages_and_audiobook_times_map_onto_the_schedule(
    client, club_member, read, data, safe
):
    client.force_login(club_member)
    assert _post(client, read, **data).status_code == 302
    position = reader_position(club_member, read)
    assert [is_safe_for(position, s) for s in _sections(read)] == [True] * safe + [False] * (
        2 - safe
    )


def test_a_chapter_opens_the_sections_it_finishes(client, club_member, chapters):
    client.force_login(club_member)
    assert _post(client, chapters, format="chapter", chapter="8").status_code == 302
    first, second = _sections(chapters)
    position = reader_position(club_member, chapters)
    assert is_safe_for(position, first) and not is_safe_for(position, second)
    _post(client, chapters, format="chapter", chapter="12")
    assert is_safe_for(reader_position(club_member, chapters), second)


def test_a_finished_section_is_a_position_too(client, club_member, chapters):
    client.force_login(club_member)
    first, second = _sections(chapters)
    assert _post(client, chapters, format="section", section=str(second.pk)).status_code == 302
    assert reader_position(club_member, chapters).through == second.position


def test_a_new_format_replaces_the_old_one(client, club_member, read):
    client.force_login(club_member)
    _post(client, read, format="percent", percent="100")
    assert reader_position(club_member, read).through == FINISHED
    _post(client, read, format="page", page="10", edition_pages="320")
    progress = ReadingProgress.objects.get(user=club_member)
    assert (progress.percent, progress.page, progress.edition_pages) == (None, 10, 320)
    page = client.get(read.get_absolute_url()).content.decode()
    assert "You have read: <strong>page 10 of 320</strong>" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"format": "page", "page": "400", "edition_pages": "320"},
            "Page 400 is past the end of your edition (320 pages).",
        ),
        ({"format": "percent", "percent": "140"}, "100 is the end of the book"),
        (
            {"format": "audio", "audio": "11:00:00", "audio_length": "10:00:00"},
            "That time is past the end of the audiobook.",
        ),
        ({"format": "audio", "audio": "soon", "audio_length": "10:00:00"}, "hours:minutes:seconds"),
        ({"format": "chapter", "chapter": "13"}, "The book ends at chapter 12."),
        ({"format": "page", "page": ""}, "Give the page you have reached."),
        ({"format": "chapter", "chapter": "-1"}, "A chapter number is at least 0."),
    ],
)
def test_progress_past_the_end_gets_a_clear_form_error_and_keeps_the_input(
    client, club_member, chapters, data, error
):
    read = chapters
    client.force_login(club_member)
    for headers in ({}, HTMX):
        url = reverse("discussions:read_progress", kwargs={"slug": read.club.slug, "pk": read.pk})
        response = client.post(url, data, **headers)
        html = response.content.decode()
        assert response.status_code == 400
        assert error in html
        assert "constraint" not in html.lower()
        for name, value in data.items():
            if name != "format" and value:
                assert f'value="{value}"' in html, name
    assert not ReadingProgress.objects.exists()


def test_the_database_refuses_a_page_past_the_edition_in_plain_words(club_member, book):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="past the end of your edition"):
        progress_record(user=club_member, book=book, page=400, edition_pages=320)


def test_meeting_comments_tagged_with_a_section_open_at_the_members_chapter(
    client, club_member, chapters, make_meeting, organiser
):
    first, second = _sections(chapters)
    meeting = make_meeting(chapters.club, book=chapters.book, section=second)
    thread = thread_for_meeting(meeting=meeting)
    comment_create(thread=thread, author=organiser, body="The she-dragon Querig", section=second)
    client.force_login(club_member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert NOTICE in page  # not started: collapsed
    _post(client, chapters, format="chapter", chapter="12")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The she-dragon Querig" in page and NOTICE not in page


def test_the_progress_form_answers_htmx_with_its_own_part_of_the_page(client, club_member, read):
    client.force_login(club_member)
    url = reverse("discussions:read_progress", kwargs={"slug": read.club.slug, "pk": read.pk})
    response = client.post(url, {"format": "percent", "percent": "30"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="progress"')
    assert "You have read: <strong>30%</strong>" in html


def test_visitors_and_outsiders_cannot_record_progress(client, make_user, read):
    url = reverse("discussions:read_progress", kwargs={"slug": read.club.slug, "pk": read.pk})
    assert client.post(url, {"format": "percent", "percent": "30"}).status_code == 302
    client.force_login(make_user())
    assert client.post(url, {"format": "percent", "percent": "30"}).status_code == 403
    assert not ReadingProgress.objects.exists()
