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
from datetime import time as time_of_day
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
# Places the books' descriptions name (never a title or author word): search by description.
PLACES = ("Hailsham", "Kingsfield", "the Cottages", "Norfolk", "Littlehampton")
FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Ema", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai")
ZONES = ("", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo")

Facts = dict[str, str]


@dataclass(frozen=True)
class Sizes:
    members: int
    books: int
    clubs: int
    meetings: int
    comments: int  # every BIG_THREAD_SHARE-th comment goes to book 0's thread


SMALL = Sizes(members=200, books=20, clubs=5, meetings=20, comments=2_000)
QUICK = Sizes(members=1_000, books=100, clubs=20, meetings=200, comments=10_000)  # --quick
FULL = Sizes(members=5_000, books=500, clubs=100, meetings=1_000, comments=50_000)  # issue #7
BIG_THREAD_SHARE = 5  # 50,000 comments -> 10,000 in the big thread
MAX_DEPTH = 10  # levels, top-level comments included
# Rows point only at rows that exist at every size (the first SMALL ones), so a staged build
# (SMALL, then FULL) makes exactly the rows a direct build makes.
MEETINGS_PER_CLUB = 10
CLUB_MEMBERS = 30

# Members with a role in the run (indices into the deterministic member list).
PROFILE_MEMBER = 0
SIGNED_IN_MEMBER = 1
OUTAGE_READER = 2  # reads the page the Redis outage's comments must appear on
RATE_LIMITED_MEMBER = 99
WRITERS = range(100, 150)  # the 50 simulated members of the integrity load
# The email faults' thread (book MAIL_BOOK's): these members follow it with emails on, and
# every writer follows it with emails off (so posting there changes no one's follow), so
# each comment on it owes exactly one email to each of them.
MAIL_FOLLOWERS = range(150, 153)
MAIL_BOOK = 6


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
                email_notifications=rng.random() < 0.7 or index in MAIL_FOLLOWERS,
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
        "outage_reader": member_username(OUTAGE_READER),
        "rate_limited_member": member_username(RATE_LIMITED_MEMBER),
    }


def book_slug(index: int) -> str:
    return f"book-{index:04d}"


def author_slug(book_index: int) -> str:
    return f"author-{book_index // 2:04d}"  # an author writes two books


def build_books(seed: int, sizes: Sizes) -> Facts:
    """Books with an author each and a description naming a place; their filing titles and
    search text (and, on PostgreSQL, search vector) as the importer sets them."""
    from catalog.models import Author, Authorship, Book, Description
    from catalog.models.book import book_search_vector, filing_title

    existing = Book.objects.count()
    authors, books, names, descriptions = [], [], {}, {}
    for index in range(existing, sizes.books):
        rng = row_rng(seed, "book", index)
        author_rng = row_rng(seed, "author", index // 2)
        name = f"{author_rng.choice(FIRST_NAMES)} {author_rng.choice(WORDS).title()}son"
        names[index] = name
        if index % 2 == 0 or index == existing:
            authors.append(Author(name=name, slug=author_slug(index), sort_name=name))
        title = f"The {' '.join(rng.sample(WORDS, rng.randint(1, 4))).title()}"
        text_rng = row_rng(seed, "description", index)
        place = text_rng.choice(PLACES)
        words = " ".join(text_rng.choice(WORDS) for _ in range(text_rng.randint(40, 120)))
        descriptions[index] = f"Growing up at {place}: {words}. Years later, {place} again."
        books.append(
            Book(
                title=title,
                slug=book_slug(index),
                sort_title=filing_title(title),  # bulk_create skips Book.save()
                first_published_year=rng.randint(1850, 2024),
                search_names=name,
                search_text=descriptions[index],
            )
        )
    existing_authors = set(Author.objects.values_list("slug", flat=True))
    _in_batches(Author, [a for a in authors if a.slug not in existing_authors])
    _in_batches(Book, books)
    author_ids = dict(Author.objects.values_list("slug", "pk"))
    _in_batches(
        Authorship,
        [
            Authorship(book=book, author_id=author_ids[author_slug(index)])
            for index, book in enumerate(books, start=existing)
        ],
    )
    _in_batches(
        Description,
        [
            Description(book=book, kind=Description.Kind.SUMMARY, text=descriptions[index])
            for index, book in enumerate(books, start=existing)
        ],
    )
    # bulk_create skips Book.save(), which derives the vector from the row's columns.
    Book.objects.filter(search_vector__isnull=True).update(search_vector=book_search_vector())
    # Book 0 holds the big comment thread (build_comments); book 1 is an ordinary book page.
    first = Book.objects.get(slug=book_slug(1))
    return {
        "book": first.slug,
        "book_title": first.title,
        "search": WORDS[0],
        "description_search": PLACES[0].lower(),
    }


def club_slug(index: int) -> str:
    return f"club-{index:03d}"


def build_clubs_and_meetings(seed: int, sizes: Sizes) -> Facts:
    """Public open clubs with an organiser and members; ten meetings each, with RSVPs."""
    from bookclub.accounts.models import User
    from catalog.models import Book
    from discussions.models import RSVP, Club, Meeting, Membership

    member_ids = dict(
        User.objects.filter(
            username__in=[member_username(i) for i in range(SMALL.members)]
        ).values_list("username", "pk")
    )
    book_ids = dict(
        Book.objects.filter(slug__in=[book_slug(i) for i in range(SMALL.books)]).values_list(
            "slug", "pk"
        )
    )
    existing = Club.objects.count()
    clubs, memberships = [], []
    for index in range(existing, sizes.clubs):
        rng = row_rng(seed, "club", index)
        clubs.append(
            Club(
                name=f"{rng.choice(WORDS).title()} Readers {index}",
                slug=club_slug(index),
                description=" ".join(rng.choice(WORDS) for _ in range(20)),
                created_at=EPOCH + timedelta(days=index),
            )
        )
    _in_batches(Club, clubs)
    for club, index in zip(clubs, range(existing, sizes.clubs), strict=True):
        rng = row_rng(seed, "club-members", index)
        chosen = rng.sample(range(SMALL.members), CLUB_MEMBERS)
        if index == 0:  # the signed-in member and the integrity writers RSVP in club 0
            chosen += [i for i in (SIGNED_IN_MEMBER, *WRITERS) if i not in chosen]
        for position, member in enumerate(chosen):
            role = Membership.Role.ORGANISER if position == 0 else Membership.Role.MEMBER
            memberships.append(
                Membership(club=club, user_id=member_ids[member_username(member)], role=role)
            )
    _in_batches(Membership, memberships)

    club_ids = dict(Club.objects.values_list("slug", "pk"))
    existing = Meeting.objects.count()
    # A month from today, not a fixed date: every meeting must still be open to RSVPs on
    # the day the bench runs (a fixed date would turn them into past meetings one by one).
    today = datetime.now(UTC).date()
    first_meeting_day = datetime.combine(today + timedelta(days=30), time_of_day(18), tzinfo=UTC)
    meetings = []
    for index in range(existing, sizes.meetings):
        rng = row_rng(seed, "meeting", index)
        starts = first_meeting_day + timedelta(days=index % 365)
        meetings.append(
            Meeting(
                club_id=club_ids[club_slug(index // MEETINGS_PER_CLUB)],
                book_id=book_ids[book_slug(rng.randrange(SMALL.books))],
                title=f"Meeting {index}: {rng.choice(WORDS)}",
                description=" ".join(rng.choice(WORDS) for _ in range(30)),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                time_zone=rng.choice(ZONES[1:]),
                place="The library",
                capacity=20,
            )
        )
    _in_batches(Meeting, meetings)
    members_of: dict[int, list[int]] = {}
    for club_id, user_id in Membership.objects.values_list("club_id", "user_id"):
        members_of.setdefault(club_id, []).append(user_id)
    rsvps = []
    for meeting, index in zip(meetings, range(existing, sizes.meetings), strict=True):
        rng = row_rng(seed, "rsvps", index)
        for user_id in rng.sample(sorted(members_of[meeting.club_id]), 5):
            response = rng.choice([RSVP.Response.GOING, RSVP.Response.MAYBE])
            rsvps.append(RSVP(meeting=meeting, user_id=user_id, response=response))
    _in_batches(RSVP, rsvps)
    first = Meeting.objects.filter(club__slug=club_slug(0)).order_by("pk").first()
    return {"club": club_slug(0), "meeting": str(first.pk)}


def build_comments(seed: int, sizes: Sizes) -> Facts:
    """Threaded comments on the first SMALL books; book 0 holds the big thread.

    Primary keys are assigned here (comment i has id i + 1) so each comment's materialised
    path and root are known before the bulk insert; reply counts are then recomputed from
    the rows in one statement, as the app keeps them (descendants at any depth).
    """
    from django.db import connection
    from django.utils.html import escape

    from bookclub.accounts.models import User
    from catalog.models import Book
    from discussions.models import Comment, Thread
    from discussions.models.threads import PATH_STEP

    books = dict(
        Book.objects.filter(slug__in=[book_slug(i) for i in range(SMALL.books)]).values_list(
            "slug", "pk"
        )
    )
    threads = {t.book_id: t.pk for t in Thread.objects.filter(book_id__in=books.values())}
    Thread.objects.bulk_create([Thread(book_id=pk) for pk in books.values() if pk not in threads])
    threads = {t.book_id: t.pk for t in Thread.objects.filter(book_id__in=books.values())}
    authors = dict(
        User.objects.filter(
            username__in=[member_username(i) for i in range(SMALL.members)]
        ).values_list("username", "pk")
    )
    # Per thread, the comments a new one may answer: (id, path, root id).
    open_parents: dict[int, list[tuple[int, str, int]]] = {pk: [] for pk in threads.values()}
    for pk, thread_id, path, root_id in Comment.objects.values_list(
        "pk", "thread_id", "path", "root_id"
    ).order_by("pk"):
        if len(path) // PATH_STEP < MAX_DEPTH:
            open_parents[thread_id].append((pk, path, root_id))
    existing = Comment.objects.count()
    comments = []
    for index in range(existing, sizes.comments):
        rng = row_rng(seed, "comment", index)
        book = 0 if index % BIG_THREAD_SHARE == 0 else 1 + rng.randrange(SMALL.books - 1)
        thread_id = threads[books[book_slug(book)]]
        pk = index + 1
        candidates = open_parents[thread_id]
        parent = (
            candidates[rng.randrange(len(candidates))]
            if candidates and rng.random() < 0.6
            else None
        )
        path = (parent[1] if parent else "") + f"{pk:0{PATH_STEP}d}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        comments.append(
            Comment(
                id=pk,
                thread_id=thread_id,
                parent_id=parent[0] if parent else None,
                root_id=parent[2] if parent else pk,
                path=path,
                author_id=authors[member_username(rng.randrange(SMALL.members))],
                body=body,
                body_html=f"<p>{escape(body)}</p>",
                created_at=EPOCH + timedelta(minutes=index),
            )
        )
        if len(path) // PATH_STEP < MAX_DEPTH:
            candidates.append((pk, path, parent[2] if parent else pk))
    _in_batches(Comment, comments)
    with connection.cursor() as cursor:
        table = Comment._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
        cursor.execute(RECOUNT_REPLIES.format(table=table))
    return {"big_thread_book": book_slug(0)}


# Replies at any depth below each comment, recomputed from the rows (also used by verify).
SECTIONS_PER_READ = 10


def build_reads(seed: int, sizes: Sizes) -> Facts:
    """One read per club, of one of the first books, with ten weekly sections of six
    chapters (the first due in two days, so "This week" shows); the sections belong to the
    book and are made once per book, as organisers would share them."""
    from catalog.models import Book
    from discussions.models import Club, ClubRead, ReadingSection, ScheduledSection

    today = datetime.now(UTC).date()
    book_ids = [Book.objects.get(slug=book_slug(index)).pk for index in range(SMALL.books)]
    have_sections = set(ReadingSection.objects.values_list("book_id", flat=True))
    _in_batches(
        ReadingSection,
        [
            ReadingSection(
                book_id=book_id,
                position=number,
                title=f"Chapters {6 * number - 5}–{6 * number}",
                last_chapter=6 * number,
            )
            for book_id in book_ids
            if book_id not in have_sections
            for number in range(1, SECTIONS_PER_READ + 1)
        ],
    )
    existing = ClubRead.objects.count()
    club_ids = dict(Club.objects.values_list("slug", "pk"))
    reads = [
        ClubRead(
            club_id=club_ids[club_slug(index)],
            book_id=book_ids[row_rng(seed, "read", index).randrange(SMALL.books)],
            starts_on=today - timedelta(days=5),
        )
        for index in range(existing, sizes.clubs)
    ]
    _in_batches(ClubRead, reads)
    sections_of: dict[int, list[int]] = {}
    for book_id, pk in ReadingSection.objects.order_by("position").values_list("book_id", "pk"):
        sections_of.setdefault(book_id, []).append(pk)
    _in_batches(
        ScheduledSection,
        [
            ScheduledSection(
                read=read, section_id=section_id, due_on=today + timedelta(days=2 + 7 * week)
            )
            for read in reads
            for week, section_id in enumerate(sections_of[read.book_id])
        ],
    )
    first = ClubRead.objects.filter(club__slug=club_slug(0)).order_by("pk").first()
    return {"read": str(first.pk)}


RECOUNT_REPLIES = """
UPDATE {table} AS c SET reply_count = sub.n
FROM (
    SELECT a.id, COUNT(d.id) AS n
    FROM {table} a
    LEFT JOIN {table} d
      ON d.root_id = a.root_id AND d.id <> a.id AND d.path LIKE a.path || '%%'
    GROUP BY a.id
) AS sub
WHERE sub.id = c.id AND c.reply_count <> sub.n
"""


def build_mail_follows(seed: int, sizes: Sizes) -> Facts:
    """Who follows the email faults' thread: the same rows at every size."""
    from bookclub.accounts.models import User
    from discussions.models import Follow, Thread

    thread = Thread.objects.get(book__slug=book_slug(MAIL_BOOK))
    wanted = {member_username(i): True for i in MAIL_FOLLOWERS}
    wanted.update({member_username(i): False for i in WRITERS})
    users = User.objects.filter(username__in=wanted).exclude(follows__thread=thread)
    Follow.objects.bulk_create(
        [Follow(thread=thread, user=user, email=wanted[user.username]) for user in users]
    )
    return {"mail_book": book_slug(MAIL_BOOK)}


# In dependency order; clubs and meetings need members and books, comments need all three.
BUILDERS: list[Callable[[int, Sizes], Facts]] = [
    build_members,
    build_books,
    build_clubs_and_meetings,
    build_reads,
    build_comments,
    build_mail_follows,
]


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
