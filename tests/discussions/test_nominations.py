"""Nominations and a fair vote (#17 item 8): a quota per member, seconds that shortlist,
books already read refused, series warned, a feasibility panel, then the ranked-choice
poll on the shortlist with results hidden until it closes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Edition
from discussions.models import Nomination, Poll
from discussions.services.contributions import notice_create
from discussions.services.library import reading_status_set
from discussions.services.nominations import (
    nomination_create,
    nomination_second,
    nominations_to_ballot,
)
from discussions.services.ratings import age_vote_set


@pytest.fixture
def club_of(make_user, make_club):
    """A club (owner Olive) with members Ann and Ben."""
    olive = make_user(display_name="Olive")
    ann, ben = make_user(display_name="Ann"), make_user(display_name="Ben")
    club = make_club(organiser=olive, members=[ann, ben])
    return {"club": club, "olive": olive, "ann": ann, "ben": ben}


def page_of(client, club, **extra):
    return client.get(reverse("discussions:nominations", args=[club.slug]), **extra)


def nominate(client, club, book, **extra):
    url = reverse("discussions:nomination_create", args=[club.slug])
    return client.post(url, {"book": book.pk}, **extra)


def second(client, nomination, **extra):
    url = reverse("discussions:nomination_second", args=[nomination.club.slug, nomination.pk])
    return client.post(url, **extra)


def card_of(page: str, nomination) -> str:
    return page.split(f'id="nomination-{nomination.pk}"', 1)[1].split("</article>", 1)[0]


def test_a_member_nominates_a_book_and_the_page_lists_it(client, club_of, make_book):
    book = make_book("Klara and the Sun")
    client.force_login(club_of["ann"])
    assert nominate(client, club_of["club"], book).status_code == 302
    page = page_of(client, club_of["club"]).text
    assert "You nominated Klara and the Sun." in page
    assert "Nominated by Ann · 0 seconds" in page and "You have nominated 1 of 2." in page


def test_nominating_with_htmx_answers_with_the_list_only(client, club_of, make_book):
    client.force_login(club_of["ann"])
    response = nominate(client, club_of["club"], make_book("Piranesi"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="nominations">')
    assert "You nominated Piranesi." in response.text


def test_a_member_past_the_clubs_quota_is_refused_and_keeps_their_choice(
    client, club_of, make_book
):
    club = club_of["club"]
    club.nomination_quota = 1
    club.save()
    client.force_login(club_of["ann"])
    nominate(client, club, make_book("First"))
    wanted = make_book("Second")
    response = nominate(client, club, wanted)
    assert response.status_code == 400
    assert "You have nominated 1 book, the club&#x27;s limit for each member" in response.text
    assert f'<option value="{wanted.pk}" selected>' in response.text
    assert Nomination.objects.count() == 1


def test_a_book_the_club_has_already_read_is_refused_with_the_date(
    client, club_of, make_book, make_meeting
):
    book = make_book("Never Let Me Go")
    start = timezone.now() - datetime.timedelta(days=30)
    make_meeting(club_of["club"], book=book, starts_at=start)
    client.force_login(club_of["ann"])
    response = nominate(client, club_of["club"], book)
    assert response.status_code == 400
    assert "The club has already read Never Let Me Go (you met about it on " in response.text
    assert "nominate a book the club hasn&#x27;t read." in response.text
    assert not Nomination.objects.exists()
    assert list(club_of["club"].books_read()) == [book]


def test_a_cancelled_past_meeting_does_not_count_as_read(club_of, make_book, make_meeting):
    book = make_book()
    start = timezone.now() - datetime.timedelta(days=30)
    make_meeting(club_of["club"], book=book, starts_at=start, status="cancelled")
    assert nomination_create(club=club_of["club"], book=book, member=club_of["ann"])


def test_a_book_already_nominated_is_refused_with_a_pointer_to_second_it(
    client, club_of, make_book
):
    book = make_book("Piranesi")
    nomination_create(club=club_of["club"], book=book, member=club_of["ann"])
    client.force_login(club_of["ben"])
    response = nominate(client, club_of["club"], book)
    assert response.status_code == 400
    assert "Piranesi is already nominated: second it instead." in response.text


def test_a_later_book_in_a_series_warns_that_book_one_is_unread(client, club_of, make_book):
    first = make_book("The Fellowship of the Ring")
    middle = make_book("The Two Towers", preceded_by=first)
    last = make_book("The Return of the King", preceded_by=middle)
    client.force_login(club_of["ann"])
    page = client.get(reverse("discussions:nominations", args=[club_of["club"].slug]), follow=True)
    response = nominate(client, club_of["club"], last, follow=True)
    assert response.status_code == 200 and page.status_code == 200
    assert "the club has not read book 1, The Fellowship of the Ring." in response.text
    assert Nomination.objects.get().book == last


def test_seconds_put_a_nomination_on_the_ballot_but_not_ones_own(client, club_of, make_book):
    nomination = nomination_create(
        club=club_of["club"], book=make_book("Piranesi"), member=club_of["ann"]
    )
    client.force_login(club_of["ann"])
    response = second(client, nomination)
    assert response.status_code == 400
    assert "You nominated this book: another member has to second it." in response.text
    assert "needs 1 second to reach the ballot" in card_of(response.text, nomination)
    client.force_login(club_of["ben"])
    assert second(client, nomination).status_code == 302
    card = card_of(page_of(client, club_of["club"]).text, nomination)
    assert "1 second" in card and "on the ballot" in card and "You seconded it." in card


def test_the_feasibility_panel_weighs_length_notices_age_and_who_read_it(
    client, club_of, make_book, make_user
):
    club = club_of["club"]
    book = make_book("Middlemarch")
    Edition.objects.create(book=book, isbn13="9780141439549", pages=880)
    Edition.objects.create(book=book, isbn13="9780199536757", pages=960)
    notice_create(book=book, author=make_user(), category="violence")
    age_vote_set(book=book, user=make_user(), minimum_age=14)
    age_vote_set(book=book, user=make_user(), minimum_age=16)
    reading_status_set(user=club_of["ben"], book=book, status="read")
    reading_status_set(user=make_user(), book=book, status="read")  # not a member
    nomination = nomination_create(club=club, book=book, member=club_of["ann"])
    client.force_login(club_of["ann"])
    card = card_of(page_of(client, club).text, nomination)
    assert "880 pages: 220 pages a week over 4 weeks" in card
    assert "faster than the club's pace of 100" in card
    assert "Violence" in card
    assert "15+ (the community's median of 2 votes)" in card
    assert "1 member of the club" in card


def test_organisers_set_the_quota_seconds_and_pace_and_bad_numbers_are_plain_errors(
    client, club_of
):
    club = club_of["club"]
    client.force_login(club_of["olive"])
    url = reverse("discussions:nomination_settings", args=[club.slug])
    values = {
        "nomination_quota": "3",
        "seconds_needed": "2",
        "read_length_weeks": "6",
        "pages_per_week": "150",
    }
    assert client.post(url, values).status_code == 302
    club.refresh_from_db()
    assert (club.nomination_quota, club.seconds_needed, club.read_length_weeks) == (3, 2, 6)
    response = client.post(url, {**values, "pages_per_week": "0", "read_length_weeks": "x"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.text
    assert "Enter a whole number." in response.text
    assert 'value="0"' in response.text  # what they typed stays
    club.refresh_from_db()
    assert club.pages_per_week == 150


def test_members_cannot_change_the_settings(client, club_of):
    client.force_login(club_of["ann"])
    url = reverse("discussions:nomination_settings", args=[club_of["club"].slug])
    assert client.post(url, {"nomination_quota": "9"}).status_code == 403


def test_the_vote_runs_on_the_shortlist_with_results_hidden_until_it_closes(
    client, club_of, make_book
):
    club = club_of["club"]
    seconded = nomination_create(club=club, book=make_book("Piranesi"), member=club_of["ann"])
    nomination_second(nomination=seconded, member=club_of["ben"])
    unseconded = nomination_create(club=club, book=make_book("Lonely"), member=club_of["ben"])
    client.force_login(club_of["olive"])
    closes = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("discussions:nomination_ballot", args=[club.slug])
    response = client.post(url, {"title": "Spring pick", "closes_at": closes})
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == poll.get_absolute_url()
    assert [c.book.title for c in poll.candidates.all()] == ["Piranesi"]
    assert not poll.show_results_early and not poll.allow_suggestions
    page = client.get(poll.get_absolute_url()).text
    assert "Results are shown when the poll closes." in page
    assert "by eliminating the book added to the poll last" in page
    assert "the one nominated latest" in page
    seconded.refresh_from_db()
    unseconded.refresh_from_db()
    assert seconded.poll == poll and unseconded.poll is None
    # The unseconded book waits for the next round; the shortlisted one may be nominated again.
    assert "Lonely" in page_of(client, club).text


def test_opening_a_vote_with_nothing_shortlisted_is_refused(client, club_of, make_book):
    club = club_of["club"]
    nomination_create(club=club, book=make_book(), member=club_of["ann"])
    client.force_login(club_of["olive"])
    closes = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("discussions:nomination_ballot", args=[club.slug])
    response = client.post(url, {"title": "Next?", "closes_at": closes})
    assert response.status_code == 400
    assert "No nomination has 1 second yet, so the ballot would be empty." in response.text
    assert not Poll.objects.exists()


def test_the_nominator_or_an_organiser_withdraws_but_nobody_else(client, club_of, make_book):
    club = club_of["club"]
    nomination = nomination_create(club=club, book=make_book(), member=club_of["ann"])
    url = reverse("discussions:nomination_withdraw", args=[club.slug, nomination.pk])
    client.force_login(club_of["ben"])
    assert client.post(url).status_code == 403
    client.force_login(club_of["olive"])
    assert client.post(url).status_code == 302
    assert not Nomination.objects.exists()


def test_a_private_clubs_nominations_are_hidden_from_outsiders(
    client, make_user, make_club, make_book
):
    club = make_club(name="Hidden Readers", visibility="private", join_policy="invite")
    client.force_login(make_user())
    response = page_of(client, club)
    assert response.status_code == 404 and "Hidden Readers" not in response.text
    assert nominate(client, club, make_book()).status_code == 404


def test_the_nominations_page_takes_the_same_queries_for_more_books(
    client, club_of, make_book, make_user, django_assert_max_num_queries
):
    club = club_of["club"]
    client.force_login(club_of["ann"])
    nomination_create(club=club, book=make_book(), member=club_of["ann"])
    with django_assert_max_num_queries(12):
        page_of(client, club)
    for _ in range(8):
        book = make_book()
        Edition.objects.create(book=book, isbn13=f"97801414395{_:02d}"[:13], pages=300)
        age_vote_set(book=book, user=make_user(), minimum_age=12)
        nomination_create(club=club, book=book, member=club_of["olive"])
        club.nomination_quota += 1
        club.save()
    with django_assert_max_num_queries(12):
        assert page_of(client, club).text.count('class="card nomination"') == 9


def test_each_candidate_in_the_poll_shows_its_feasibility_panel(client, club_of, make_book):
    club = club_of["club"]
    book = make_book("Piranesi")
    Edition.objects.create(book=book, isbn13="9781526622426", pages=272)
    nomination = nomination_create(club=club, book=book, member=club_of["ann"])
    nomination_second(nomination=nomination, member=club_of["ben"])
    poll = nominations_to_ballot(
        club=club, created_by=club_of["olive"], closes_at=timezone.now() + datetime.timedelta(1)
    )
    client.force_login(club_of["ann"])
    page = client.get(poll.get_absolute_url()).text
    assert "272 pages: 68 pages a week over 4 weeks, within the club's pace of 100." in page


def test_nominating_too_fast_gets_a_429_and_saves_nothing(client, club_of, make_book, settings):
    settings.POST_RATE_LIMIT = "1/60"
    client.force_login(club_of["ann"])
    nominate(client, club_of["club"], make_book())
    response = nominate(client, club_of["club"], make_book())
    assert response.status_code == 429 and "You are posting too quickly" in response.text
    assert Nomination.objects.count() == 1
