"""The bench database: recreated from scratch, then filled deterministically in bulk.

Every row is derived from (seed, family, index) alone, so building to 200 members and later
to 5,000 gives exactly the rows a direct build to 5,000 gives, and two runs give the same data.
Each model family has one builder `build_<family>(seed, sizes) -> facts`, listed in BUILDERS in
dependency order; a builder creates only the rows missing below its size, in batches. Facts are
names the pages and actions refer to ("/members/{member}/").
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import psycopg

from bench.environment import DATABASE_NAME, database_url

BATCH = 1000
PASSWORD = "bench-reader-password"  # every bench member's password
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

WORDS = (
    "river",
    "night",
    "garden",
    "winter",
    "glass",
    "letters",
    "orchard",
    "silent",
    "harbour",
    "paper",
    "lantern",
    "northern",
    "salt",
    "clock",
    "daughter",
    "empire",
    "island",
)
FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Ema", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai")
ZONES = ("", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo")

Facts = dict[str, str]


@dataclass(frozen=True)
class Sizes:
    members: int
    books: int


SMALL = Sizes(members=200, books=20)  # first measurement of queries per page
QUICK = Sizes(members=1_000, books=100)  # --quick
FULL = Sizes(members=5_000, books=500)  # issue #7

# Members with a role in the run (indices into the deterministic member list).
PROFILE_MEMBER = 0
SIGNED_IN_MEMBER = 1
RATE_LIMITED_MEMBER = 99
WRITERS = range(100, 150)  # the 50 simulated members of the integrity load


def member_username(index: int) -> str:
    return f"member{index:05d}"


def row_rng(seed: int, family: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{family}:{index}")


def recreate_database() -> None:
    """Drop and create the bench database (never any other)."""
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


@cache
def password_hash() -> str:
    """One real hash shared by every member: hashing 5,000 times would take minutes."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def _in_batches(model, rows) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


def build_members(seed: int, sizes: Sizes) -> Facts:
    """Members with a verified primary email, so they can log in (allauth: mandatory)."""
    from allauth.account.models import EmailAddress

    from bookclub.accounts.models import User

    existing = User.objects.count()
    users = []
    for index in range(existing, sizes.members):
        rng = row_rng(seed, "member", index)
        username = member_username(index)
        users.append(
            User(
                username=username,
                email=f"{username}@bench.bookclub.test",
                password=password_hash(),
                display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(WORDS).title()}",
                bio=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30))),
                time_zone=rng.choice(ZONES),
                email_notifications=rng.random() < 0.7,
                date_joined=EPOCH + timedelta(minutes=index * 7),
            )
        )
    _in_batches(User, users)  # PostgreSQL hands back the new primary keys
    addresses = [
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    ]
    _in_batches(EmailAddress, addresses)
    return {
        "member": member_username(PROFILE_MEMBER),
        "signed_in_member": member_username(SIGNED_IN_MEMBER),
        "rate_limited_member": member_username(RATE_LIMITED_MEMBER),
    }


def book_slug(index: int) -> str:
    return f"book-{index:04d}"


def build_books(seed: int, sizes: Sizes) -> Facts:
    from catalog.models import Book

    existing = Book.objects.count()
    books = []
    for index in range(existing, sizes.books):
        rng = row_rng(seed, "book", index)
        words = rng.sample(WORDS, rng.randint(1, 4))
        books.append(Book(title=f"The {' '.join(words).title()}", slug=book_slug(index)))
    _in_batches(Book, books)
    return {"book": book_slug(0)}


# In dependency order; clubs and meetings need members and books, comments need all three.
BUILDERS: list[Callable[[int, Sizes], Facts]] = [build_members, build_books]


def build(sizes: Sizes, *, seed: int, log=print) -> Facts:
    """Fill the database up to `sizes` and return the facts pages and actions refer to."""
    facts: Facts = {}
    for builder in BUILDERS:
        started = time.monotonic()
        facts.update(builder(seed, sizes))
        log(f"  {builder.__name__}: {time.monotonic() - started:.1f}s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return facts
