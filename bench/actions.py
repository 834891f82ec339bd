"""Write actions simulated members perform, each able to verify its own writes afterwards.

A write action knows where to POST, what to send (carrying a unique token so the write can
be found again), when an answer acknowledges the write, and how to check the database for
"every acknowledged write is there exactly once, nothing half-applied". To add one (comment,
reply, rating, RSVP), subclass WriteAction and list an instance in bench/config.py.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from bench import dataset
from bench.web import Reply

Facts = dict[str, str]


@dataclass
class Attempt:
    """One write a simulated member tried, as the member saw it."""

    action: str
    member: str
    token: str
    seq: int  # per member, increasing: a member's writes are sequential
    port: int
    started: float  # seconds since the load began
    seconds: float
    status: int | None  # None: no answer at all (connection error or timeout)
    error: str = ""
    acknowledged: bool = False
    signed_out: bool = False  # answered with a redirect to the log-in page


@dataclass
class Verification:
    checked: int
    problems: list[str] = field(default_factory=list)


class WriteAction(ABC):
    name: str = ""
    weight: int = 1  # relative frequency in the integrity load
    form_path: str = ""  # GET before writing: sets the CSRF cookie and proves the session works

    def prepare(self, facts: Facts) -> None:  # noqa: B027 - optional hook, nothing by default
        """Runs in-process before the load (e.g. to pick rows to answer to)."""

    def request(
        self, facts: Facts, member: str, token: str, rng: random.Random
    ) -> tuple[str, dict[str, str]]:
        """Where to POST and what, for one write; override when the path varies per write."""
        return self.path(facts, member), self.fields(facts, member, token, rng)

    def busy_spot(
        self, facts: Facts, member: str, token: str, rng: random.Random
    ) -> tuple[str, dict[str, str]] | None:
        """A worst case to show beside the action, every write on one spot; None: no such case."""
        return None

    @abstractmethod
    def path(self, facts: Facts, member: str) -> str: ...

    @abstractmethod
    def fields(self, facts: Facts, member: str, token: str, rng: random.Random) -> dict[str, str]:
        """Form fields for one write; the token must end up stored so verify() can find it."""

    def acknowledged(self, reply: Reply) -> bool:
        """A 2xx/3xx that is not a bounce to the login page acknowledges the write."""
        if reply.status is None or not 200 <= reply.status < 400:
            return False
        return "/accounts/login/" not in reply.location

    @abstractmethod
    def verify(self, attempts: list[Attempt]) -> Verification:
        """Check the database against what members were told (runs in-process, ORM)."""


class ProfileEdit(WriteAction):
    """A member saves their profile: display name and bio both carry the write's token."""

    name = "profile edit"
    form_path = "/profile/"
    zones = ("", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")

    def path(self, facts: Facts, member: str) -> str:
        return "/profile/"

    def fields(self, facts: Facts, member: str, token: str, rng: random.Random) -> dict[str, str]:
        fields = {
            "display_name": f"B {token}",
            "bio": f"Bench bio {token} end",
            "time_zone": rng.choice(self.zones),
        }
        if rng.random() < 0.5:
            fields["email_notifications"] = "on"
        return fields

    @staticmethod
    def _token(text: str, prefix: str, suffix: str = "") -> str | None:
        if not text.startswith(prefix) or not text.endswith(suffix):
            return None
        return text[len(prefix) : len(text) - len(suffix)]

    def verify(self, attempts: list[Attempt]) -> Verification:
        from bookclub.accounts.models import User

        by_member: dict[str, list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            by_member[attempt.member].append(attempt)
        rows = User.objects.filter(username__in=by_member).values_list(
            "username", "display_name", "bio"
        )
        result = Verification(checked=sum(a.acknowledged for a in attempts))
        run_id = attempts[0].token.split("-")[0] if attempts else ""
        strays = User.objects.filter(bio__contains=f"Bench bio {run_id}-").exclude(
            username__in=by_member
        )
        for username in strays.values_list("username", flat=True)[:5]:
            result.problems.append(f"{username}: holds a write some other member sent")
        for username, display_name, bio in rows:
            mine = {a.token: a for a in by_member[username]}
            name_token = self._token(display_name, "B ")
            bio_token = self._token(bio, "Bench bio ", " end")
            if name_token != bio_token:
                result.problems.append(
                    f"{username}: half-applied write (name {name_token}, bio {bio_token})"
                )
                continue
            acked = [a for a in mine.values() if a.acknowledged]
            last = max(acked, key=lambda a: a.seq) if acked else None
            stored = mine.get(bio_token) if bio_token else None
            # A token of an earlier load (the Redis outage's load runs after the first one)
            # stands as long as this load acknowledged nothing newer: checked just below.
            if bio_token and stored is None and bio_token.startswith(f"{run_id}-"):
                result.problems.append(f"{username}: stored token {bio_token} was never sent")
            elif last and (stored is None or stored.seq < last.seq):
                result.problems.append(f"{username}: acknowledged write {last.token} is lost")
            elif stored and not stored.acknowledged and stored.status is not None:
                # No answer at all may hide a commit; an explicit error answer may not.
                result.problems.append(
                    f"{username}: write {stored.token} answered {stored.status} but was saved"
                )
        return result


class MeetingRSVP(WriteAction):
    """A member answers going / maybe / can't go for club 0's first meeting (20 seats).

    RSVPs carry no text, so "exactly once" is one row per member, and the member's final
    answer must match their last acknowledged one; the seats and the waitlist must be what
    the rows say (never over capacity, nobody waiting while a seat is free, positions unique).
    """

    name = "meeting RSVP"
    form_path = "/clubs/{club}/meetings/{meeting}/"
    answers = ("going", "going", "maybe", "not_going")

    def __init__(self) -> None:
        self._sent: dict[str, str] = {}  # token -> the answer sent with it
        self._meeting_pk = ""

    def path(self, facts: Facts, member: str) -> str:
        return "/clubs/{club}/meetings/{meeting}/rsvp/".format(**facts)

    def fields(self, facts: Facts, member: str, token: str, rng: random.Random) -> dict[str, str]:
        answer = rng.choice(self.answers)
        self._sent[token] = answer  # one writer per token; dict writes are atomic
        self._meeting_pk = facts["meeting"]
        return {"response": answer}

    def verify(self, attempts: list[Attempt]) -> Verification:
        from discussions.models import RSVP, Meeting

        result = Verification(checked=sum(a.acknowledged for a in attempts))
        if not attempts:
            return result
        meeting = Meeting.objects.get(pk=int(self._meeting_pk))
        # Only this run's answers count: the throughput phase RSVPs too, as another member.
        rows = list(meeting.rsvps.select_related("user"))
        going = [r for r in rows if r.response == RSVP.Response.GOING]
        waiting = [r for r in rows if r.response == RSVP.Response.WAITLISTED]
        if meeting.capacity is not None and len(going) > meeting.capacity:
            result.problems.append(f"{len(going)} going for {meeting.capacity} seats")
        if waiting and meeting.capacity is not None and len(going) < meeting.capacity:
            result.problems.append(f"{len(waiting)} waiting while {len(going)} seats are taken")
        positions = [r.waitlist_position for r in waiting]
        if None in positions or len(set(positions)) != len(positions):
            result.problems.append(f"waitlist positions not unique: {sorted(map(str, positions))}")
        if any(r.waitlist_position is not None for r in rows if r not in waiting):
            result.problems.append("a member not waiting holds a waitlist position")
        final = {r.user.username: r.response for r in rows}
        by_member: dict[str, list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            by_member[attempt.member].append(attempt)
        for member, tried in by_member.items():
            acked = [a for a in tried if a.acknowledged]
            if not acked:
                continue
            last = max(acked, key=lambda a: a.seq)
            later = [a for a in tried if a.seq > last.seq and a.status is None]
            allowed = {self._sent[last.token]} | {self._sent[a.token] for a in later}
            if "going" in allowed:
                allowed.add(RSVP.Response.WAITLISTED)
            if final.get(member) not in allowed:
                result.problems.append(
                    f"{member}: stored {final.get(member)}, "
                    f"last acknowledged {self._sent[last.token]}"
                )
        return result


class BookRating(WriteAction):
    """A member rates one of a few books in half stars, changing their rating as they go.

    Ratings carry no text, so "exactly once" is one row per member and book, holding the
    member's last acknowledged value for it; and what readers are shown (each book's cached
    average and count) must equal the recomputation from the rows.
    """

    name = "rating"
    form_path = "/books/{book}/"
    books = [dataset.book_slug(index) for index in range(1, 6)]
    values = [str(Decimal(n) / 2) for n in range(1, 11)]  # as the form's choices spell them

    def __init__(self) -> None:
        self._sent: dict[str, tuple[str, str]] = {}  # token -> (book, value) sent with it

    def request(
        self, facts: Facts, member: str, token: str, rng: random.Random
    ) -> tuple[str, dict[str, str]]:
        book = rng.choice(self.books)
        fields = self.fields(facts, member, token, rng)
        self._sent[token] = (book, fields["value"])  # one writer per token
        return f"/books/{book}/rate/", fields

    def path(self, facts: Facts, member: str) -> str:
        return f"/books/{self.books[0]}/rate/"

    def fields(self, facts: Facts, member: str, token: str, rng: random.Random) -> dict[str, str]:
        return {"value": rng.choice(self.values)}

    def verify(self, attempts: list[Attempt]) -> Verification:
        from catalog.models import Book
        from catalog.views import book_page_versions
        from discussions.models import Rating
        from discussions.selectors import rating_summary, shared_community

        result = Verification(checked=sum(a.acknowledged for a in attempts))
        if not attempts:
            return result
        stored = {
            (username, slug): value
            for username, slug, value in Rating.objects.filter(
                user__username__in={a.member for a in attempts}, book__slug__in=self.books
            ).values_list("user__username", "book__slug", "value")
        }
        by_member_book: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            by_member_book[(attempt.member, self._sent[attempt.token][0])].append(attempt)
        for (member, book), tried in by_member_book.items():
            acked = [a for a in tried if a.acknowledged]
            if not acked:
                continue
            last = max(acked, key=lambda a: a.seq)
            later = [a for a in tried if a.seq > last.seq and a.status is None]
            allowed = {Decimal(self._sent[a.token][1]) for a in [last, *later]}
            if stored.get((member, book)) not in allowed:
                result.problems.append(
                    f"{member} on {book}: stored {stored.get((member, book))}, "
                    f"last acknowledged {self._sent[last.token][1]}"
                )
        for book in Book.objects.filter(slug__in=self.books):
            versions = book_page_versions(book.slug)
            shown = shared_community(book, versions=versions)["ratings"]
            recomputed = rating_summary(book)
            for figure in ("average", "count"):
                if shown[figure] != recomputed[figure]:
                    result.problems.append(
                        f"{book.slug}: readers are shown {figure} {shown[figure]}, "
                        f"the rows give {recomputed[figure]}"
                    )
        return result


class CommentPost(WriteAction):
    """A top-level comment or a reply in the big thread; the body carries the token.

    Checked: each acknowledged token is in exactly one comment, no write answered with an
    error (429, 503, ...) was stored, and every reply count in the thread equals the number
    of replies below that comment recomputed from the rows.
    """

    name = "comment or reply"
    weight = 2
    form_path = "/books/{big_thread_book}/"
    book_fact = "big_thread_book"
    body_prefix = "Bench comment"  # two words: the token is the body's third

    def __init__(self) -> None:
        self._parents: list[int] = []
        self._thread_id = 0

    def prepare(self, facts: Facts) -> None:
        from discussions.models import Comment, Thread

        thread = Thread.objects.get(book__slug=facts[self.book_fact])
        self._thread_id = thread.pk
        self._parents = list(
            Comment.objects.filter(thread=thread, path__regex=r"^.{0,80}$")
            .order_by("pk")
            .values_list("pk", flat=True)[:5000]
        )

    def path(self, facts: Facts, member: str) -> str:
        return "/books/{big_thread_book}/comments/".format(**facts)

    def fields(self, facts: Facts, member: str, token: str, rng: random.Random) -> dict[str, str]:
        words = " ".join(rng.choice(("river", "night", "glass", "letters")) for _ in range(12))
        return {"body": f"{self.body_prefix} {token} {words}"}

    def request(
        self, facts: Facts, member: str, token: str, rng: random.Random
    ) -> tuple[str, dict[str, str]]:
        fields = self.fields(facts, member, token, rng)
        if self._parents and rng.random() < 0.5:
            return self._reply_path(rng), fields
        return self.path(facts, member), fields

    def _reply_path(self, rng: random.Random) -> str:
        return f"/comments/{rng.choice(self._parents)}/reply/"

    def busy_spot(
        self, facts: Facts, member: str, token: str, rng: random.Random
    ) -> tuple[str, dict[str, str]] | None:
        """Every post a reply to one comment: each waits for the others' locks on its ancestors."""
        if not self._parents:
            return None
        return self._reply_path(rng), self.fields(facts, member, token, rng)

    def verify(self, attempts: list[Attempt]) -> Verification:
        from collections import Counter

        from django.db import connection

        from discussions.models import Comment

        result = Verification(checked=sum(a.acknowledged for a in attempts))
        if not attempts:
            return result
        run_id = attempts[0].token.split("-")[0]
        stored = Counter(
            body.split()[2]
            for body in Comment.objects.filter(
                body__startswith=f"{self.body_prefix} {run_id}-"
            ).values_list("body", flat=True)
        )
        for attempt in attempts:
            count = stored.get(attempt.token, 0)
            if attempt.acknowledged and count != 1:
                result.problems.append(f"{attempt.token}: acknowledged, stored {count} times")
            elif not attempt.acknowledged and attempt.status is not None and count:
                result.problems.append(f"{attempt.token}: answered {attempt.status} but stored")
        with connection.cursor() as cursor:
            cursor.execute(
                REPLY_COUNT_MISMATCHES.format(table=Comment._meta.db_table), [self._thread_id]
            )
            wrong = cursor.fetchone()[0]
        if wrong:
            result.problems.append(f"{wrong} reply counts differ from the rows below them")
        return result


class FollowedComment(CommentPost):
    """A top-level comment on the email faults' thread: each owes one email to each of its
    followers with emails on (bench.dataset.MAIL_FOLLOWERS), and to nobody else."""

    name = "comment on a followed thread"
    weight = 1  # each owes an email per follower: a worker on this machine sends ~10-20/s
    form_path = "/books/{mail_book}/"
    book_fact = "mail_book"
    body_prefix = "Mail comment"

    def prepare(self, facts: Facts) -> None:
        super().prepare(facts)
        self._parents = []  # no replies: a reply would owe its parent's author an email too

    def path(self, facts: Facts, member: str) -> str:
        return "/books/{mail_book}/comments/".format(**facts)

    def stored(self, run_id: str) -> list[int]:
        """The comments of one load (run id) that were stored, acknowledged or not."""
        from discussions.models import Comment

        return list(
            Comment.objects.filter(
                thread_id=self._thread_id, body__startswith=f"{self.body_prefix} {run_id}-"
            ).values_list("pk", flat=True)
        )


REPLY_COUNT_MISMATCHES = """
SELECT COUNT(*) FROM (
    SELECT a.id, a.reply_count, COUNT(d.id) AS n
    FROM {table} a
    LEFT JOIN {table} d
      ON d.root_id = a.root_id AND d.id <> a.id AND d.path LIKE a.path || '%%'
    WHERE a.thread_id = %s
    GROUP BY a.id, a.reply_count
) AS counted WHERE counted.reply_count <> counted.n
"""
