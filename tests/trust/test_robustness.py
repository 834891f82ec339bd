"""Arbitrary input never causes a 500: a clear message or the right 4xx instead."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Text a hostile or careless client might send: anything, huge, control characters, NULs.
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=20_000),
    st.sampled_from(["\x00", "\ud800"[:0] + "\x00abc", "%00", "../../etc/passwd", "-1", "9" * 40]),
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
