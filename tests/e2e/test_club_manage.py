"""In real Chromium: an organiser copies an invite link with one click (site.js, no inline
script), and is not offered stepping down while she is the only organiser."""

import pytest
from playwright.sync_api import expect

from discussions.models import Invite
from discussions.services.clubs import club_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_copy_button_puts_the_whole_invite_link_on_the_clipboard(
    browser, live_server, make_user
):
    organiser = make_user(username="olive")
    club = club_create(creator=organiser, name="Hailsham Readers")
    invite = Invite.objects.create(club=club, created_by=organiser)
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", "olive")
        page.fill("input[name=password]", "correct horse battery")
        page.get_by_role("main").get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        page.goto(f"/clubs/{club.slug}/manage/")
        row = page.get_by_role("row", name="olive")
        expect(row).to_contain_text("The only organiser")
        expect(row.get_by_role("button")).to_have_count(0)

        field = page.get_by_role("textbox", name="Invite link")
        link = field.input_value()
        assert link.endswith(invite.get_absolute_url())
        # The field is wide enough to show the whole link.
        assert field.evaluate("(el) => el.scrollWidth <= el.clientWidth")
        page.get_by_role("button", name="Copy link").click()
        expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
        assert page.evaluate("() => navigator.clipboard.readText()") == link
        assert not errors, errors
    finally:
        context.close()
