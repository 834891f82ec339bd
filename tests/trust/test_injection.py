"""Script and HTML injected through every user-writable field renders inert."""

from __future__ import annotations

import pytest

from tests.trust.inert import PAYLOADS, live_injections, our_script_srcs


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
