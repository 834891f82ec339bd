"""Numbers past what a column holds are a 400 with the field's error, never a 500,
on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import Membership, Poll, ReadingProgress

HUGE = ["3000000000", str(2**63), "99999999999999999999"]


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.mark.parametrize("page", HUGE)
def test_a_reading_page_past_any_book_is_a_field_error(
    client, member, public_club, make_meeting, page
):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    client.force_login(member)
    url = reverse("discussions:meeting_progress", args=[public_club.slug, meeting.pk])
    response = client.post(url, {"page": page}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Page reached" in response.text and "at most" in response.text
    assert not ReadingProgress.objects.exists()


@pytest.mark.parametrize("pk", HUGE)
def test_a_poll_candidate_id_past_any_row_is_a_field_error(
    organiser_client, public_club, make_book, pk
):
    book = make_book()
    closes = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("discussions:poll_create", args=[public_club.slug])
    response = organiser_client.post(
        url, {"title": "Next?", "closes_at": closes, "books": [str(book.pk), pk]}
    )
    assert response.status_code == 400
    assert "is not one of the available choices" in response.text
    assert not Poll.objects.exists()


@pytest.mark.parametrize("capacity", HUGE)
def test_a_capacity_past_the_column_is_a_field_error(
    organiser_client, public_club, make_book, capacity
):
    year = timezone.now().year + 1
    url = reverse("discussions:meeting_create", args=[public_club.slug])
    response = organiser_client.post(
        url,
        {
            "book": make_book().pk,
            "title": "Part one",
            "starts": f"{year}-10-28T18:30",
            "ends": f"{year}-10-28T20:00",
            "time_zone": "Europe/London",
            "capacity": capacity,
        },
    )
    assert response.status_code == 400
    assert "at most 100,000 seats" in response.text


@pytest.mark.parametrize("last_page", HUGE)
def test_a_section_page_past_the_column_is_refused(
    organiser_client, public_club, make_meeting, last_page
):
    meeting = make_meeting(public_club)
    url = reverse("discussions:section_create", args=[public_club.slug, meeting.pk])
    response = organiser_client.post(
        url, {"title": "Part Two", "last_page": last_page}, follow=True
    )
    assert response.status_code == 200
    assert "at the latest" in response.text
