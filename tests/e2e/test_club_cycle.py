"""In real Chromium (#17): one club runs a whole cycle, from nominations to the next round,
each member in a browser of their own, and each sees only what their position allows:
organiser or member, and how far into the book."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Book
from discussions.models import Meeting
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EARLY = "What are the exchanges for?"
QUESTION = "Why does Tommy rage in the field?"
DUE = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()


def open_as(browser, live_server, user):
    """A separate browser context (its own cookies, its own session), logged in."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, user)
    return page


def schedule_section(page, title, first, last):
    schedule = page.locator("#schedule")
    schedule.get_by_label("A new section of").select_option("percent")
    schedule.get_by_label("From").fill(str(first))
    schedule.get_by_label("To").fill(str(last))
    schedule.get_by_label("Title").fill(title)
    schedule.get_by_label("Due").fill(DUE)
    schedule.get_by_role("button", name="Add to the schedule").click()
    expect(schedule.locator(".section-list")).to_contain_text(title)


def ask(page, bank, body, section):
    page.goto(bank)
    page.get_by_label("Your question").fill(body)
    page.get_by_label("About").select_option(label=section)
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()


def group(page, section):
    """The question bank's group of questions about one section."""
    return page.locator(".question-group").filter(has=page.get_by_role("heading", name=section))


def record_progress(page, read_url, format_label, fields, expected):
    page.goto(read_url)
    progress = page.locator("#progress")
    progress.get_by_label(format_label).check()
    for label, value in fields.items():
        field = progress.get_by_label(label)
        if label == "Finished section":
            field.select_option(label=value)
        else:
            field.fill(value)
    progress.get_by_role("button", name="Save progress").click()
    expect(page.locator("#progress-status")).to_contain_text(expected)


def test_a_club_runs_a_whole_cycle_and_each_member_sees_only_what_their_position_allows(
    browser, live_server, make_user
):
    # The catalog has no page for adding books (they come from imports): the ORM arranges it.
    Book.objects.create(title="Never Let Me Go", slug="never-let-me-go")
    Book.objects.create(title="Klara and the Sun", slug="klara-and-the-sun")
    olive = make_user(username="olive", display_name="Olive", time_zone="Europe/London")
    ann, ben, cat = (make_user(username=n.lower(), display_name=n) for n in ("Ann", "Ben", "Cat"))
    org = open_as(browser, live_server, olive)
    a, b, c = (open_as(browser, live_server, u) for u in (ann, ben, cat))

    # Olive starts the club; Ann, Ben and Cat join it.
    org.goto("/clubs/new/")
    org.get_by_label("Name").fill("Hailsham Readers")
    org.get_by_label("Description").fill("We read slowly and talk a lot.")
    org.get_by_role("button", name="Create club").click()
    expect(org.get_by_role("heading", name="Hailsham Readers")).to_be_visible()
    club_url = org.url
    for page in (a, b, c):
        page.goto(club_url)
        page.get_by_role("button", name="Join club").click()
        expect(page.locator("#membership")).to_contain_text("You are a member")

    # Nominate and second: nobody may second their own nomination.
    nominations = club_url + "nominations/"
    for page, title in ((a, "Never Let Me Go"), (b, "Klara and the Sun")):
        page.goto(nominations)
        page.get_by_label("Book to nominate").select_option(label=title)
        page.get_by_role("button", name="Nominate").click()
        expect(page.get_by_text(f"You nominated {title}.")).to_be_visible()
    c.goto(nominations)
    c.get_by_role("button", name="Second Never Let Me Go").click()
    expect(c.get_by_text("You seconded it.", exact=True)).to_be_visible()
    a.goto(nominations)
    expect(a.get_by_role("button", name="Second Never Let Me Go")).to_have_count(0)
    a.get_by_role("button", name="Second Klara and the Sun").click()
    expect(a.get_by_text("You seconded it.", exact=True)).to_be_visible()
    expect(a.get_by_role("button", name="Open the vote")).to_have_count(0)  # organisers only

    # Olive opens the vote; each member ranks the books; results stay hidden until it closes.
    org.goto(nominations)
    org.get_by_role("button", name="Open the vote").click()
    expect(org.get_by_role("heading", name="What should we read next?")).to_be_visible()
    poll_url = org.url
    for page, first, second in ((a, "1", "2"), (b, "2", "1"), (c, "1", "")):
        page.goto(poll_url)
        ballot = page.locator("#ballot")
        ballot.get_by_label("Never Let Me Go").select_option(first)
        if second:
            ballot.get_by_label("Klara and the Sun").select_option(second)
        ballot.get_by_role("button", name="Cast ballot").click()
        expect(page.locator("#ballot")).to_contain_text("Ballot saved.")
        expect(page.get_by_text("Results are shown when the poll closes.")).to_be_visible()
    expect(a.get_by_role("button", name="Close poll now")).to_have_count(0)
    org.goto(poll_url)
    org.get_by_role("button", name="Close poll now").click()
    expect(org.locator(".poll-winner")).to_have_text("Winner: Never Let Me Go")
    a.goto(poll_url)
    expect(a.locator(".poll-winner")).to_have_text("Winner: Never Let Me Go")
    expect(a.get_by_role("link", name="Start reading Never Let Me Go")).to_have_count(0)

    # Olive starts the read from the winner, schedules its two sections and a meeting.
    org.get_by_role("link", name="Start reading Never Let Me Go").click()
    org.get_by_role("button", name="Start the read").click()
    expect(
        org.get_by_role("heading", name="Hailsham Readers reads Never Let Me Go")
    ).to_be_visible()
    read_url = org.url.split("#")[0]
    schedule_section(org, "Part One", 0, 40)
    schedule_section(org, "Part Two", 41, 90)
    org.get_by_role("link", name="Schedule a meeting on a section").click()
    org.get_by_label("Section").select_option(label="Never Let Me Go: Part Two")
    org.get_by_label("Title").fill("Part Two night")
    start = timezone.localdate() + datetime.timedelta(days=10)
    org.get_by_label("Starts").fill(f"{start.isoformat()}T18:30")
    org.get_by_label("Ends").fill(f"{start.isoformat()}T20:00")
    org.get_by_label("Time zone").select_option("Europe/London")
    org.get_by_role("button", name="Schedule meeting").click()
    expect(org.get_by_role("heading", name="Part Two night", exact=True)).to_be_visible()
    meeting_url = org.url.split("#")[0]

    # Three members record progress in three formats, at three different positions.
    for page, how, fields, shown in (
        (a, "A section", {"Finished section": "Part One"}, "finished Part One"),
        (b, "A page of my edition", {"Page reached": "280", "Pages in my edition": "300"}, "280"),
        (
            c,
            "A time in the audiobook",
            {"Time reached": "1:00:00", "Audiobook length": "10:00:00"},
            "1:00:00 of 10:00:00",
        ),
    ):
        record_progress(page, read_url, how, fields, shown)
    expect(b.locator("#progress-status")).to_contain_text("page 280 of 300")

    # Ann asks about Part One: Ben, past it, reads it in full; Cat, at 10%, sees the gate.
    bank = club_url + "books/never-let-me-go/questions/"
    ask(a, bank, EARLY, "Part One")
    b.goto(bank)
    expect(group(b, "Part One")).to_contain_text(EARLY)
    expect(b.get_by_text(EARLY)).to_be_visible()
    c.goto(bank)
    expect(group(c, "Part One").locator(".spoiler-gate")).to_contain_text(
        "About Part One — you haven't reached it yet."
    )
    expect(c.get_by_text(EARLY)).to_be_hidden()

    # Ben, at 93%, past Part Two's 90%, asks about it; Ann and Cat, before it, vote for it
    # behind the gate. The organiser pins it.
    ask(b, bank, QUESTION, "Part Two")
    expect(b.get_by_text(QUESTION)).to_be_visible()
    for page in (a, c):
        page.goto(bank)
        later = group(page, "Part Two")
        expect(later.locator(".spoiler-gate")).to_contain_text(
            "About Part Two — you haven't reached it yet."
        )
        expect(page.get_by_text(QUESTION)).to_be_hidden()
        later.get_by_role("button", name="Upvote").click()
        expect(later.get_by_role("button", name="Upvoted")).to_be_visible()
    expect(a.get_by_role("button", name="Pin")).to_have_count(0)  # organisers only
    org.goto(bank)
    group(org, "Part Two").get_by_role("button", name="Pin").click()
    expect(org.locator(".question.is-pinned")).to_contain_text("2 votes")

    # The meeting's page (about Part Two) gates it the same way.
    for page in (a, b, c):
        page.goto(meeting_url)
    expect(b.locator("#questions")).to_contain_text(QUESTION)
    for page in (a, c):
        expect(page.locator("#questions .spoiler-gate")).to_contain_text("About Part Two")
        expect(page.get_by_text(QUESTION)).to_be_hidden()

    # Ben answers it in the question's thread.
    b.goto(bank)
    group(b, "Part Two").get_by_role("link", name="0 answers").click()
    b.get_by_role("textbox", name="Comment").fill("Because he knows, long before Kathy does.")
    b.get_by_role("button", name="Post comment").click()
    expect(b.locator("#comment-list")).to_contain_text("long before Kathy")

    # The agenda, drafted from the bank, prints the pinned question without the site around it.
    org.goto(meeting_url)
    org.get_by_role("link", name="Agenda", exact=True).click()
    expect(org.locator(".agenda-body")).to_contain_text(QUESTION)
    org.get_by_role("link", name="Print view").click()
    org.emulate_media(media="print")
    expect(org.locator(".agenda-sheet .agenda-body")).to_contain_text(QUESTION)
    expect(org.locator(".no-print")).to_be_hidden()
    org.emulate_media(media="screen")

    # Rota: Ann takes Host and asks for a swap; Cat takes it over; Ben sees who hosts.
    rota = club_url + "rota/"
    a.goto(rota)
    a.get_by_role("button", name="Sign up as host").click()
    expect(a.get_by_text("You are host for Part Two night.")).to_be_visible()
    a.get_by_role("button", name="Ask for a swap").click()
    expect(a.get_by_text("asks for a swap")).to_be_visible()
    c.goto(rota)
    c.get_by_role("button", name="Take it over").click()
    expect(c.get_by_text("You took over host for Part Two night.")).to_be_visible()
    b.goto(rota)
    host = b.get_by_role("row").filter(has=b.get_by_role("rowheader", name="Host"))
    expect(host).to_contain_text("Cat")
    expect(host.get_by_role("button", name="Take it over")).to_have_count(0)

    # The meeting is held. There is no page for moving the clock: the ORM puts it in the past.
    ended = timezone.now() - datetime.timedelta(hours=1)
    Meeting.objects.update(starts_at=ended - datetime.timedelta(hours=2), ends_at=ended)

    # Olive publishes the recap; members read it, without the form.
    org.goto(meeting_url)
    org.get_by_role("textbox", name="Recap").fill("We talked about Tommy, the field and the tapes.")
    org.get_by_role("button", name="Publish recap").click()
    expect(org.locator("#recap")).to_contain_text("the field and the tapes")
    a.goto(meeting_url)
    expect(a.locator("#recap")).to_contain_text("the field and the tapes")
    expect(a.get_by_role("button", name="Publish recap")).to_have_count(0)
    expect(a.get_by_role("link", name="Open the next nomination round")).to_have_count(0)

    # The next round opens on an empty slate; a book the club has read cannot come back.
    org.goto(meeting_url)
    org.get_by_role("link", name="Open the next nomination round").click()
    expect(org.get_by_role("heading", name="Open a next-book poll")).to_be_visible()
    expect(org.get_by_role("button", name="Open poll")).to_be_visible()
    c.goto(nominations)
    expect(c.get_by_text("Nothing nominated yet.")).to_be_visible()
    c.get_by_label("Book to nominate").select_option(label="Never Let Me Go")
    c.get_by_role("button", name="Nominate").click()
    expect(c.get_by_role("alert")).to_contain_text("The club has already read Never Let Me Go")
    c.get_by_label("Book to nominate").select_option(label="Klara and the Sun")
    c.get_by_role("button", name="Nominate").click()
    expect(c.get_by_text("You nominated Klara and the Sun.")).to_be_visible()
    for page in (org, a, b, c):
        page.context.close()
