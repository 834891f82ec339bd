"""In real Chromium the nastiest payloads stay text: no dialog opens, no injected element."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.trust.inert import PAYLOADS
from tests.trust.test_injection import hostile_world
from tests.trust.test_keyboard import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NASTIEST = [
    "</script><script>alert('xss-close')</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-mxss')>",
    "![img](x\" onerror=\"alert('xss-md-img'))",
    # Every payload at once, in every field.
    "\n".join(PAYLOADS),
]
INJECTED = (
    "[onerror],[onload],[onclick],[onmouseover],[onfocus],iframe,object,embed,"
    'script:not([src]):not([type="application/ld+json"]),'
    '[href^="javascript:" i],[src^="javascript:" i],[action^="javascript:" i]'
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("payload", NASTIEST, ids=["close", "mxss", "md-img", "all"])
def test_pages_holding_hostile_text_open_no_dialog_and_grow_no_injected_element(
    page, client, live_server, make_user, payload
):
    world = hostile_world(make_user, payload)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, client, live_server, world["author"])

    # One more through the real comment form, as a member would post it.
    page.goto("/books/never-let-me-go/")
    page.locator("#comment-form textarea").fill(payload)
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator("#comment-list > li.comment").first).to_be_visible()

    for path in world["pages"]:
        if "/admin/" in path:
            continue
        page.goto(path)
        injected = page.evaluate(
            "(s) => [...document.querySelectorAll(s)].map((e) => e.outerHTML.slice(0, 120))",
            INJECTED,
        )
        assert not injected, f"{path}: {injected}"
    assert not dialogs, dialogs
