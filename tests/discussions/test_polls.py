"""Next-book polls: the instant-runoff count, ballots, hidden results, closing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from discussions.models import Ballot, Candidate, Membership
from discussions.services.polls import ballot_cast, instant_runoff, poll_close, poll_create


def test_a_majority_of_first_choices_wins_in_round_one():
    result = instant_runoff(ballots=[["a"], ["a", "b"], ["b"]], candidates=["a", "b"])
    assert result.winner == "a" and len(result.rounds) == 1


def test_the_last_placed_candidates_votes_transfer():
    ballots = [["a"]] * 4 + [["b"]] * 3 + [["c", "b"]] * 2
    result = instant_runoff(ballots=ballots, candidates=["a", "b", "c"])
    assert [r.eliminated for r in result.rounds] == ["c", None]
    assert result.rounds[1].counts == {"a": 4, "b": 5}
    assert result.winner == "b"


def test_ballots_with_no_remaining_choice_are_exhausted():
    ballots = [["a"]] * 3 + [["b"]] * 2 + [["c"]] * 2
    result = instant_runoff(ballots=ballots, candidates=["a", "b", "c"])
    assert result.rounds[1].exhausted == 2
    assert result.winner == "a"


def test_ties_for_last_place_are_broken_by_earlier_rounds():
    # Round 2 ties b and c at 3 each; in round 1 b had fewer (2 against 3), so b goes,
    # although c was added later.
    ballots = [["a"]] * 6 + [["b"]] * 2 + [["c"]] * 3 + [["d", "b"]]
    result = instant_runoff(ballots=ballots, candidates=["a", "b", "c", "d"])
    assert result.rounds[1].counts == {"a": 6, "b": 3, "c": 3}
    assert [r.eliminated for r in result.rounds] == ["d", "b", None]
    assert result.winner == "a"


def test_ties_with_no_earlier_difference_eliminate_the_latest_added():
    ballots = [["a"]] * 2 + [["b"]] + [["c"]]
    result = instant_runoff(ballots=ballots, candidates=["a", "b", "c"])
    assert result.rounds[0].eliminated == "c"


def test_a_complete_tie_is_reported_not_broken():
    result = instant_runoff(ballots=[["a"], ["b"]], candidates=["a", "b"])
    assert result.winner is None and result.tied == ["a", "b"]


def test_no_ballots_means_no_winner():
    result = instant_runoff(ballots=[], candidates=["a", "b"])
    assert result.winner is None and result.tied == []


@given(
    st.lists(
        st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True),
        min_size=1,
        max_size=30,
    )
)
def test_the_count_always_ends_with_a_winner_or_a_tie_and_keeps_votes(ballots):
    result = instant_runoff(ballots=ballots, candidates=list("abcd"))
    assert (result.winner is not None) != bool(result.tied)
    for counted in result.rounds:
        assert sum(counted.counts.values()) + counted.exhausted == len(ballots)
    if result.winner is not None:
        final = result.rounds[-1].counts
        assert final[result.winner] * 2 > sum(final.values()) or len(final) == 1


@pytest.fixture
def poll(public_club, organiser, make_book):
    books = [make_book(title) for title in ("The Da Vinci Code", "Fun Home", "Rose Harbor")]
    return poll_create(
        club=public_club,
        created_by=organiser,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        books=books,
    )


def test_a_ballot_can_be_changed_until_the_poll_closes(poll, member):
    first, second, third = poll.candidates.all()
    ballot_cast(poll=poll, voter=member, ranking=[first, second])
    ballot_cast(poll=poll, voter=member, ranking=[third])
    ballot = Ballot.objects.get(poll=poll, voter=member)
    assert [c.candidate for c in ballot.choices.all()] == [third]
    poll_close(poll=poll)
    with pytest.raises(ValidationError):
        ballot_cast(poll=poll, voter=member, ranking=[first])


def test_members_rank_through_the_page_and_see_no_results_before_closing(client, poll, member):
    Membership.objects.create(club=poll.club, user=member)
    client.force_login(member)
    first, second, third = poll.candidates.all()
    url = reverse("discussions:poll_vote", args=[poll.club.slug, poll.pk])
    response = client.post(
        url, {f"rank_{first.pk}": "2", f"rank_{third.pk}": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Ballot saved" in response.content.decode()
    ballot = Ballot.objects.get(voter=member)
    assert [c.candidate_id for c in ballot.choices.all()] == [third.pk, first.pk]
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Results are shown when the poll closes" in page
    assert "Round 1" not in page


def test_duplicate_or_empty_rankings_are_rejected(client, poll, member):
    Membership.objects.create(club=poll.club, user=member)
    client.force_login(member)
    first, second, _ = poll.candidates.all()
    url = reverse("discussions:poll_vote", args=[poll.club.slug, poll.pk])
    response = client.post(url, {f"rank_{first.pk}": "1", f"rank_{second.pk}": "1"})
    assert response.status_code == 400 and b"different rank" in response.content
    assert client.post(url, {}).status_code == 400
    assert not Ballot.objects.exists()


def test_organisers_may_show_results_early(client, poll, member):
    Membership.objects.create(club=poll.club, user=member)
    ballot_cast(poll=poll, voter=member, ranking=[poll.candidates.first()])
    poll.show_results_early = True
    poll.save()
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Results so far" in page and "Round 1" in page


def test_closing_shows_rounds_and_offers_to_schedule_the_winner(client, poll, organiser, make_user):
    a, b, c = poll.candidates.all()
    for ranking in ([a], [a], [b], [b], [c, b]):
        voter = make_user()
        Membership.objects.create(club=poll.club, user=voter)
        ballot_cast(poll=poll, voter=voter, ranking=ranking)
    client.force_login(organiser)
    client.post(reverse("discussions:poll_close", args=[poll.club.slug, poll.pk]))
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Winner: <strong>Fun Home</strong>" in page
    assert "Round 2" in page
    schedule = reverse("discussions:meeting_create", args=[poll.club.slug])
    assert f"{schedule}?book={b.book.pk}" in page
    form = client.get(schedule, {"book": b.book.pk}).context["form"]
    assert form.initial["book"] == b.book


def test_members_suggest_books_when_allowed(client, poll, member, make_book):
    Membership.objects.create(club=poll.club, user=member)
    client.force_login(member)
    book = make_book("The Matarese Circle")
    url = reverse("discussions:poll_suggest", args=[poll.club.slug, poll.pk])
    client.post(url, {"book": book.pk})
    assert Candidate.objects.filter(poll=poll, book=book, suggested_by=member).exists()
    poll.allow_suggestions = False
    poll.save()
    other = make_book("Another")
    client.post(url, {"book": other.pk})
    assert not Candidate.objects.filter(poll=poll, book=other).exists()


def test_organiser_opens_a_poll_through_the_form(client, organiser, public_club, make_book):
    books = [make_book(), make_book()]
    client.force_login(organiser)
    closes = (timezone.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("discussions:poll_create", args=[public_club.slug]),
        {
            "title": "Spring pick",
            "closes_at": closes,
            "books": [b.pk for b in books],
            "allow_suggestions": "on",
        },
    )
    poll = public_club.polls.get()
    assert response.status_code == 302 and response.url == poll.get_absolute_url()
    assert poll.candidates.count() == 2
    past = client.post(
        reverse("discussions:poll_create", args=[public_club.slug]),
        {"title": "Too late", "closes_at": "2001-01-01T10:00", "books": [books[0].pk]},
    )
    assert past.status_code == 400 and b"must be in the future" in past.content


def test_voting_on_a_closed_poll_changes_nothing_and_says_why(client, poll, member):
    Membership.objects.create(club=poll.club, user=member)
    poll_close(poll=poll)
    client.force_login(member)
    first = poll.candidates.first()
    url = reverse("discussions:poll_vote", args=[poll.club.slug, poll.pk])
    response = client.post(url, {f"rank_{first.pk}": "1"}, follow=True)
    assert "ballots can no longer change" in response.content.decode()
    assert not Ballot.objects.exists()


def _cast(poll, make_user, rankings):
    for ranking in rankings:
        voter = make_user()
        Membership.objects.create(club=poll.club, user=voter)
        ballot_cast(poll=poll, voter=voter, ranking=ranking)


def test_the_results_explain_a_tie_broken_by_an_earlier_round(
    client, poll, organiser, make_user, make_book
):
    a, b, c = poll.candidates.order_by("pk")
    d = Candidate.objects.create(poll=poll, book=make_book("Klara and the Sun"))
    _cast(poll, make_user, [[a]] * 6 + [[b]] * 2 + [[c]] * 3 + [[d, b]])
    client.force_login(organiser)
    client.post(reverse("discussions:poll_close", args=[poll.club.slug, poll.pk]))
    page = " ".join(client.get(poll.get_absolute_url()).text.split())
    assert (
        "Fun Home and Rose Harbor tied for last place with 3 votes. In round 1, Fun Home had "
        "fewer (Fun Home 2, Rose Harbor 3), so it was eliminated."
    ) in page


def test_the_results_explain_a_tie_broken_by_the_order_books_were_added(
    client, poll, organiser, make_user
):
    a, b, c = poll.candidates.order_by("pk")
    _cast(poll, make_user, [[a], [a], [b], [c]])
    client.force_login(organiser)
    client.post(reverse("discussions:poll_close", args=[poll.club.slug, poll.pk]))
    page = " ".join(client.get(poll.get_absolute_url()).text.split())
    assert (
        "Fun Home and Rose Harbor tied for last place with 1 vote. With no earlier round to "
        "separate them, Rose Harbor, added to the poll last, was eliminated."
    ) in page
