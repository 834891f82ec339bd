"""Every database constraint a form can meet explains itself in plain words."""

import re

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint
from django.urls import reverse


def _constraints():
    for app in ("discussions", "catalog"):
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                yield pytest.param(model, constraint, id=constraint.name)


@pytest.mark.parametrize(("model", "constraint"), list(_constraints()))
def test_every_constraint_error_is_in_plain_words(model, constraint):
    if isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.condition:
        # Django words these itself: "Rating with this Book and User already exists."
        return
    assert isinstance(constraint, CheckConstraint | UniqueConstraint)
    message = constraint.get_violation_error_message()
    assert constraint.name not in message
    assert "Constraint" not in message


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_a_meeting_with_no_seats_is_refused_in_plain_words(
    organiser_client, public_club, make_meeting
):
    meeting = make_meeting(public_club, capacity=3)
    url = reverse("discussions:meeting_edit", args=[public_club.slug, meeting.pk])
    page = organiser_client.get(url)
    capacity_input = re.search(r'<input[^>]*name="capacity"[^>]*>', page.text).group()
    assert 'min="1"' in capacity_input
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(book=meeting.book.pk, capacity="0")
    response = organiser_client.post(url, data)
    assert response.status_code == 400
    assert "A meeting needs at least 1 seat" in response.text
    assert "meeting_capacity_positive" not in response.text
    assert "Constraint" not in response.text


def test_a_section_past_100_percent_is_refused_in_plain_words(
    organiser_client, public_club, make_meeting
):
    meeting = make_meeting(public_club)
    url = reverse("discussions:section_create", args=[public_club.slug, meeting.pk])
    response = organiser_client.post(
        url, {"title": "Part Four", "last_percent": "150"}, follow=True
    )
    assert "A percentage runs from 0 to 100." in response.text
    assert "section_percent_at_most_100" not in response.text
    assert not meeting.book.sections.exists()
    response = organiser_client.post(url, {"title": ""}, follow=True)
    assert "Title: This field is required." in response.text
