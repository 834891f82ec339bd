"""A meeting's agenda and recap (#17 items 5 and 7): built from the question bank, the
busiest threads and saved quotes, edited by organisers, printed, read by members; the
recap starts from the agenda and the notes, and publishing it tells those who went."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from discussions.models import RSVP, Membership, Notification, ReadingProgress, ReadingSection
from discussions.services.comments import comment_create, thread_for_meeting
from discussions.services.contributions import quote_create
from discussions.services.questions import question_create, question_pin, question_vote
from discussions.services.rsvps import rsvp_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user):
    return make_user(display_name="Mira Member")


@pytest.fixture
def club(make_club, organiser, member):
    return make_club(organiser=organiser, members=[member], name="Open Shelf", slug="open-shelf")


@pytest.fixture
def meeting(club, make_meeting, book, member):
    section = ReadingSection.objects.create(book=book, position=1, title="Part One")
    # The member has read the section: the agenda about it is no spoiler for them.
    ReadingProgress.objects.create(user=member, book=book, section=section)
    return make_meeting(club, book=book, section=section, title="Part One night")


def url(name, meeting):
    return reverse(f"discussions:{name}", args=[meeting.club.slug, meeting.pk])


def ask(meeting, author, body):
    return question_create(
        club=meeting.club, book=meeting.book, author=author, body=body, section=meeting.section
    )


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_members_agenda_starts_from_pinned_and_top_voted_questions_threads_and_quotes(
    client, member, organiser, meeting
):
    quiet = ask(meeting, member, "A quiet question")
    loud = ask(meeting, member, "A loud question")
    pinned = ask(meeting, member, "The pinned question")
    question_vote(question=loud, user=member, vote=True)
    question_pin(question=pinned, by=organiser, pinned=True)
    comment_create(thread=quiet.thread, author=organiser, body="An answer")
    talk = comment_create(
        thread=thread_for_meeting(meeting=meeting), author=member, body="Hailsham's games"
    )
    comment_create(thread=talk.thread, author=organiser, body="Yes", parent=talk)
    quote_create(book=meeting.book, author=member, text="Memories fade.", location="p. 12")
    page = as_user(client, member).get(url("agenda_detail", meeting)).content.decode()
    assert page.index("The pinned question") < page.index("A loud question")
    assert page.index("A loud question") < page.index("A quiet question")
    assert "(pinned)" in page
    assert "&quot;A quiet question&quot;: 1 answers" in page
    assert "Mira Member: &quot;Hailsham&#x27;s games&quot;: 1 replies" in page
    assert "&quot;Memories fade.&quot; (p. 12), saved by Mira Member" in page
    assert "Edit agenda" not in page


def test_organisers_edit_the_agenda_and_members_read_it_as_saved(
    client, member, organiser, meeting
):
    ask(meeting, member, "Drafted question")
    as_user(client, organiser)
    edit = client.get(url("agenda_edit", meeting)).content.decode()
    assert "Drafted question" in edit
    response = client.post(url("agenda_edit", meeting), {"body": "1. Tea\n2. Part One"})
    assert response.status_code == 302
    page = as_user(client, member).get(url("agenda_detail", meeting)).content.decode()
    assert "1. Tea<br>2. Part One" in page
    assert "A draft from the question bank" not in page
    assert client.post(url("agenda_edit", meeting), {"body": "Mine now"}).status_code == 403
    fresh = as_user(client, organiser).get(url("agenda_edit", meeting) + "?rebuild=1")
    assert "Drafted question" in fresh.content.decode()


def test_an_overlong_agenda_is_refused_in_plain_words_and_keeps_the_text(
    client, organiser, meeting
):
    text = "Agenda " * 2000
    response = as_user(client, organiser).post(url("agenda_edit", meeting), {"body": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "An agenda can be at most 10,000 characters." in page
    assert text.strip() in page


def test_the_print_view_is_the_agenda_alone_with_print_css(client, member, organiser, meeting):
    from django.contrib.staticfiles import finders

    as_user(client, organiser).post(url("agenda_edit", meeting), {"body": "Printed item"})
    response = as_user(client, member).get(url("agenda_print", meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Printed item" in page
    assert "site-header" not in page and "Log out" not in page
    css = Path(finders.find("bookclub/site.css")).read_text()
    assert "@media print" in css and ".site-header" in css[css.index("@media print") :]


def test_the_agenda_is_for_members_only_and_a_private_clubs_is_hidden(
    client, make_user, private_club, organiser, make_meeting, meeting
):
    outsider = make_user()
    as_user(client, outsider)
    assert client.get(url("agenda_detail", meeting)).status_code == 403
    hidden = make_meeting(private_club, title="Hidden gathering")
    for name in ("agenda_detail", "agenda_print", "agenda_edit"):
        response = client.get(url(name, hidden))
        assert response.status_code == 404
        assert b"Hidden gathering" not in response.content
    client.logout()
    assert client.get(url("agenda_detail", hidden))["Location"].startswith("/accounts/login/")


def test_organisers_take_the_notes_and_members_read_them(client, member, organiser, meeting):
    as_user(client, organiser)
    response = client.post(url("meeting_notes", meeting), {"notes": "Kathy won the vote."})
    assert response.status_code == 302
    page = as_user(client, member).get(url("agenda_detail", meeting)).content.decode()
    assert "Kathy won the vote." in page
    assert client.post(url("meeting_notes", meeting), {"notes": "Mine"}).status_code == 403
    long_notes = "n" * 20_001
    refused = as_user(client, organiser).post(url("meeting_notes", meeting), {"notes": long_notes})
    assert refused.status_code == 400
    assert "The notes can be at most 20,000 characters." in refused.content.decode()
    assert long_notes in refused.content.decode()


def end(meeting):
    meeting.starts_at = timezone.now() - datetime.timedelta(days=1)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    return meeting


@pytest.fixture
def ended(meeting):
    return end(meeting)


def test_after_the_meeting_the_recap_starts_from_the_agenda_and_the_notes(client, organiser, ended):
    as_user(client, organiser)
    client.post(url("agenda_edit", ended), {"body": "1. The gallery"})
    client.post(url("meeting_notes", ended), {"notes": "Nobody liked Madame."})
    page = client.get(ended.get_absolute_url()).content.decode()
    recap_form = page[page.index('id="recap"') :]
    assert "1. The gallery" in recap_form
    assert "Nobody liked Madame." in recap_form
    assert "Publish recap" in recap_form


def test_publishing_the_recap_tells_those_who_went_once_and_offers_the_next_round(
    client, organiser, make_user, club, meeting, django_capture_on_commit_callbacks
):
    went, stayed_home, left = make_user(), make_user(), make_user()
    for user in (went, stayed_home, left):
        Membership.objects.create(club=club, user=user)
    rsvp_set(meeting=meeting, user=went, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=left, response=RSVP.Response.GOING)
    rsvp_set(meeting=meeting, user=stayed_home, response=RSVP.Response.NOT_GOING)
    ended = end(meeting)
    Membership.objects.filter(club=club, user=left).delete()
    as_user(client, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("meeting_recap", ended), {"recap": "We met and talked."})
    assert response.status_code == 302
    told = Notification.objects.filter(kind=Notification.Kind.RECAP)
    assert set(told.values_list("recipient_id", flat=True)) == {went.pk}
    assert [m.to for m in mail.outbox] == [[went.email]]
    assert "We met and talked." in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Recap published; those who went were told." in page
    assert f'href="{reverse("discussions:poll_create", args=[club.slug])}"' in page
    assert "Open the next nomination round" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("meeting_recap", ended), {"recap": "We met, talked and ate."})
    assert told.count() == 1 and len(mail.outbox) == 1
    as_user(client, went)
    assert "Recap out: Part One night" in client.get("/notifications/").content.decode()


def test_a_recap_before_the_meeting_ends_is_refused_in_plain_words(client, organiser, meeting):
    as_user(client, organiser)
    response = client.post(url("meeting_recap", meeting), {"recap": "Too early"}, follow=True)
    assert "Post the recap after the meeting has ended." in response.content.decode()
    assert not Notification.objects.filter(kind=Notification.Kind.RECAP).exists()


def test_the_agenda_page_costs_the_same_queries_however_much_there_is(
    client, member, organiser, meeting, django_assert_max_num_queries
):
    as_user(client, member)
    client.get(url("agenda_detail", meeting))
    for number in range(8):
        question = ask(meeting, member, f"Question {number}")
        comment_create(thread=question.thread, author=organiser, body="An answer")
        quote_create(book=meeting.book, author=member, text=f"Quote {number}")
    with django_assert_max_num_queries(12):
        page = client.get(url("agenda_detail", meeting)).content.decode()
    assert "Question 0" in page and "Quote 7" in page


def test_a_member_who_has_not_reached_the_section_is_asked_before_the_agenda_shows(
    client, make_user, organiser, meeting
):
    behind = make_user(display_name="Bea Behind")
    Membership.objects.create(club=meeting.club, user=behind)
    ask(meeting, organiser, "Why does Tommy rage in the field?")
    as_user(client, behind)

    for name in ("agenda_detail", "agenda_print"):
        page = client.get(url(name, meeting)).content.decode()
        assert "you haven't reached it yet" in page
        assert "Why does Tommy rage" not in page
        shown = client.get(url(name, meeting) + "?show=1").content.decode()
        assert "Why does Tommy rage" in shown

    as_user(client, organiser)
    assert "Why does Tommy rage" in client.get(url("agenda_detail", meeting)).content.decode()
