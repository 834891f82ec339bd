"""What every browser test does the same way: sign a member in through the real form."""

import re

from django.core import mail
from playwright.sync_api import expect

PASSWORD = "correct horse battery"  # make_user's


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def sign_up(page, username: str, password: str = "a long enough passphrase 42") -> None:
    """Sign up through the real form and confirm the address from the email."""
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("form").filter(has=page.locator("input[name=password1]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.get_by_text(re.compile("verif", re.I)).first).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
