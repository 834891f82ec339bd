"""A member who uses only the keyboard can rate, vote, comment, reply and RSVP.

No mouse and no `.click()`: Tab, Shift+Tab, Enter, Space, arrow keys and typing.
Every stop must show where the focus is (`:focus-visible`).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, client, live_server, user) -> None:
    """Sign-in is not part of the walk: reuse a session made on the server side."""
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def tab_to(page, selector: str, *, limit: int = 120, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert page.evaluate("() => document.activeElement.matches(':focus-visible')"), (
                f"{selector} has focus but shows no focus indicator"
            )
            return
    raise AssertionError(f"{selector} cannot be reached with {key}")


def test_a_keyboard_user_rates_votes_comments_and_replies_on_the_book_page(
    page, client, live_server, make_user
):
    from catalog.models import Book
    from discussions.models import AgeVote, Comment, Rating

    book = Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    member = make_user(display_name="Kathy")
    sign_in(page, client, live_server, member)
    page.goto(f"/books/{book.slug}/")

    # Stars: Tab into the radio group (first star), arrows move and choose.
    tab_to(page, "#ratings input[name=value]")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#ratings .my-rating")).to_have_text("3½ stars")
    assert Rating.objects.get(user=member, book=book).value == 3.5
    # The saved rating re-renders the stars; the keyboard user keeps their place.
    expect(page.locator("#ratings input[value='3.5']")).to_be_focused()

    # Age: the select takes typed text; Enter on the button submits.
    tab_to(page, "#age select[name=minimum_age]")
    page.keyboard.type("12")
    tab_to(page, "#age button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#age .my-age")).to_have_text("Your vote: 12+")
    assert AgeVote.objects.get(user=member, book=book).minimum_age == 12

    # A comment: type it, Tab to the button, Enter.
    tab_to(page, "#comment-form textarea")
    page.keyboard.type("Hailsham is haunting.")
    tab_to(page, "#comment-form button[type=submit]")
    page.keyboard.press("Enter")
    top = page.locator("#comment-list > li.comment").first
    expect(top.locator(".comment-body")).to_contain_text("Hailsham is haunting.")
    comment = Comment.objects.get(author=member, parent=None)

    # A reply: Shift+Tab back up to the new comment's Reply link, Enter opens the form.
    tab_to(page, f"#c{comment.pk} .comment-actions a[href$='/reply/']", backwards=True)
    page.keyboard.press("Enter")
    expect(top.locator(".reply-form textarea")).to_be_visible()
    tab_to(page, ".reply-form textarea")
    page.keyboard.type("Replying to myself.")
    tab_to(page, ".reply-form button[type=submit]")
    page.keyboard.press("Space")
    expect(top.locator("ol.replies > li.comment .comment-body")).to_contain_text(
        "Replying to myself."
    )
    assert Comment.objects.get(parent=comment).body == "Replying to myself."


def test_a_keyboard_user_rsvps_going_on_a_meeting_page(page, client, live_server, make_user):
    from catalog.models import Book
    from discussions.models import RSVP, Membership
    from discussions.services.clubs import club_create
    from discussions.services.meetings import meeting_create

    organiser, member = make_user(), make_user()
    club = club_create(creator=organiser, name="Open Shelf")
    Membership.objects.create(club=club, user=member)
    start = timezone.now() + datetime.timedelta(days=7)
    meeting = meeting_create(
        club=club,
        book=Book.objects.create(title="Klara and the Sun", slug="klara"),
        created_by=organiser,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        time_zone="UTC",
        title="Klara night",
    )
    sign_in(page, client, live_server, member)
    page.goto(meeting.get_absolute_url())

    tab_to(page, "#rsvp button[name=response][value=going]")
    page.keyboard.press("Enter")
    expect(page.locator("#rsvp-status")).to_contain_text("Going")
    assert RSVP.objects.get(meeting=meeting, user=member).response == RSVP.Response.GOING
