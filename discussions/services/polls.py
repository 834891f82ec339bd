"""Next-book polls: candidates, ranked ballots, and the instant-runoff count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from discussions.models import Ballot, BallotChoice, Candidate, Poll

K = TypeVar("K")


@dataclass
class Round(Generic[K]):
    counts: dict[K, int]
    exhausted: int
    eliminated: K | None = None
    # When several tied for last place: who, and what decided it. `decided_in` is the
    # earlier round (1-based) whose counts separated them, with those counts; None means
    # they were level in every earlier round and the candidate added last went.
    tied: list[K] = field(default_factory=list)
    decided_in: int | None = None
    decided_counts: list[tuple[K, int]] = field(default_factory=list)

    @property
    def tied_votes(self) -> int | None:
        return self.counts[self.tied[0]] if self.tied else None


@dataclass
class RunoffResult(Generic[K]):
    rounds: list[Round[K]] = field(default_factory=list)
    winner: K | None = None
    tied: list[K] = field(default_factory=list)


def instant_runoff(*, ballots: list[list[K]], candidates: list[K]) -> RunoffResult[K]:
    """Count ranked ballots by instant runoff.

    Each round gives every ballot to its highest-ranked candidate still standing;
    a candidate with more than half of those votes wins, otherwise the last-placed
    candidate is eliminated. Ties for last place are broken by the earlier rounds'
    counts, then by eliminating the candidate added to the poll last (the original
    shortlist beats late suggestions). If every remaining candidate is tied, the
    result is a tie and organisers choose.
    """
    result: RunoffResult[K] = RunoffResult()
    remaining = list(candidates)
    while remaining:
        standing = set(remaining)
        counts = dict.fromkeys(remaining, 0)
        exhausted = 0
        for ranking in ballots:
            top = next((choice for choice in ranking if choice in standing), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        current = Round(counts=counts, exhausted=exhausted)
        result.rounds.append(current)
        active = sum(counts.values())
        if active == 0:
            return result
        leader = max(remaining, key=lambda c: counts[c])
        if counts[leader] * 2 > active or len(remaining) == 1:
            result.winner = leader
            return result
        lowest = min(counts.values())
        losers = [c for c in remaining if counts[c] == lowest]
        if len(losers) == len(remaining):
            result.tied = list(remaining)
            return result
        if len(losers) > 1:
            current.tied = list(losers)
        for number in range(len(result.rounds) - 1, 0, -1):
            earlier = result.rounds[number - 1]
            fewest = min(earlier.counts[c] for c in losers)
            narrowed = [c for c in losers if earlier.counts[c] == fewest]
            if len(losers) > 1 and len(narrowed) == 1:
                current.decided_in = number
                current.decided_counts = [(c, earlier.counts[c]) for c in losers]
            losers = narrowed
        current.eliminated = losers[-1]
        remaining.remove(current.eliminated)
    return result


@transaction.atomic
def poll_create(
    *,
    club,
    created_by,
    closes_at: datetime,
    books: list,
    title: str = "",
    allow_suggestions: bool = True,
    show_results_early: bool = False,
) -> Poll:
    """Open a poll with the given candidate books."""
    poll = Poll(
        club=club,
        created_by=created_by,
        closes_at=closes_at,
        allow_suggestions=allow_suggestions,
        show_results_early=show_results_early,
    )
    if title:
        poll.title = title
    poll.full_clean()
    poll.save()
    for book in books:
        Candidate.objects.get_or_create(poll=poll, book=book)
    return poll


def candidate_suggest(*, poll: Poll, book, suggested_by, by_organiser: bool = False) -> Candidate:
    """Add a book to an open poll (members only if the poll allows suggestions)."""
    if poll.is_closed():
        raise ValidationError("This poll has closed.")
    if not (poll.allow_suggestions or by_organiser):
        raise PermissionDenied("Only organisers can add books to this poll.")
    try:
        with transaction.atomic():
            candidate, _ = Candidate.objects.get_or_create(
                poll=poll, book=book, defaults={"suggested_by": suggested_by}
            )
    except IntegrityError:
        candidate = Candidate.objects.get(poll=poll, book=book)
    return candidate


@transaction.atomic
def ballot_cast(*, poll: Poll, voter, ranking: list[Candidate]) -> Ballot:
    """Replace the voter's ranking (first = favourite). One choice is a ranking of one."""
    if poll.is_closed():
        raise ValidationError("This poll has closed; ballots can no longer change.")
    if not ranking:
        raise ValidationError("Rank at least one book.")
    ids = [candidate.pk for candidate in ranking]
    if len(set(ids)) != len(ids):
        raise ValidationError("Rank each book at most once.")
    if any(candidate.poll_id != poll.pk for candidate in ranking):
        raise ValidationError("That book is not in this poll.")
    ballot, _ = Ballot.objects.get_or_create(poll=poll, voter=voter)
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, candidate=candidate, rank=rank)
        for rank, candidate in enumerate(ranking, start=1)
    )
    ballot.save(update_fields=["updated_at"])
    return ballot


def poll_close(*, poll: Poll) -> Poll:
    if poll.closed_at is None:
        poll.closed_at = min(timezone.now(), poll.closes_at)
        poll.save(update_fields=["closed_at"])
    return poll


def poll_count(*, poll: Poll) -> RunoffResult[Candidate]:
    """The instant-runoff count of a poll's ballots, with Candidate objects as keys."""
    candidates = list(poll.candidates.select_related("book"))
    by_id = {candidate.pk: candidate for candidate in candidates}
    rankings: dict[int, list[Candidate]] = {}
    for choice in BallotChoice.objects.filter(ballot__poll=poll).order_by("ballot_id", "rank"):
        rankings.setdefault(choice.ballot_id, []).append(by_id[choice.candidate_id])
    return instant_runoff(ballots=list(rankings.values()), candidates=candidates)
