"""What every browser test does the same way: sign a member in through the real form."""

from playwright.sync_api import expect

PASSWORD = "correct horse battery"  # make_user's


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
