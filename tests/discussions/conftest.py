"""Discussions fixtures: books and their threads, clubs and meetings, a seed source."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Book, Source
from discussions.models import Club, Meeting, Membership
from discussions.services.clubs import club_create
from discussions.services.comments import comment_create, thread_for_book

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Many members per test: a deliberately slow hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ishiguro_catalog() -> dict[str, Book]:
    """Three Ishiguro novels, as the sample import files expect: one known by ISBN-13, one
    by ISBN-10 (the file gives only that), one by title and author only."""
    from catalog.models import Author, Authorship, Edition

    ishiguro = Author.objects.create(name="Kazuo Ishiguro", slug="kazuo-ishiguro")
    books = {}
    for slug, title, isbn in [
        ("never-let-me-go", "Never Let Me Go", "9781400078776"),
        ("klara", "Klara and the Sun", "9780571081097"),
        ("remains", "The Remains of the Day", ""),
    ]:
        books[slug] = Book.objects.create(title=title, slug=slug)
        Authorship.objects.create(book=books[slug], author=ishiguro)
        if isbn:
            Edition.objects.create(book=books[slug], isbn13=isbn, pages=300)
    return books


@pytest.fixture
def make_book(db):
    """make_book(title="", **fields) -> Book with a unique slug unless one is given."""

    def make(title: str = "", **overrides) -> Book:
        number = next(_numbers)
        fields = {"title": title or f"Book {number}", "slug": f"book-{number}"}
        fields.update(overrides)
        return Book.objects.create(**fields)

    return make


@pytest.fixture
def make_club(make_user):
    """make_club(organiser=None, members=(), **fields) -> Club with those memberships."""

    def make(organiser=None, members=(), **fields) -> Club:
        number = next(_numbers)
        organiser = organiser or make_user()
        fields.setdefault("name", f"Club {number}")
        club = club_create(creator=organiser, **fields)
        for user in members:
            Membership.objects.create(club=club, user=user)
        return club

    return make


@pytest.fixture
def make_meeting(make_book):
    def make(club: Club, **fields) -> Meeting:
        start = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=7))
        fields.setdefault("ends_at", start + datetime.timedelta(hours=2))
        fields.setdefault("book", make_book())
        fields.setdefault("title", "Discussion")
        fields.setdefault("time_zone", "Europe/London")
        return Meeting.objects.create(club=club, starts_at=start, **fields)

    return make


@pytest.fixture
def organiser(make_user):
    return make_user(username="organiser", email="organiser@example.org")


@pytest.fixture
def private_club(make_club, organiser):
    return make_club(
        organiser=organiser,
        name="Secret Readers",
        slug="secret-readers",
        visibility=Club.Visibility.PRIVATE,
        join_policy=Club.JoinPolicy.INVITE,
    )


@pytest.fixture
def public_club(make_club, organiser):
    return make_club(organiser=organiser, name="Open Shelf", slug="open-shelf")


@pytest.fixture
def book(make_book):
    return make_book(title="Never Let Me Go", slug="never-let-me-go")


@pytest.fixture
def thread(book):
    return thread_for_book(book=book)


@pytest.fixture
def library(db):
    return Source.objects.create(
        kind=Source.Kind.LIBRARY_CATALOG, title="Never Let Me Go", file="001_test.txt"
    )


@pytest.fixture
def community_url(book):
    return reverse("discussions:book_community", kwargs={"slug": book.slug})


@pytest.fixture
def post(thread, django_capture_on_commit_callbacks):
    """post(author, body, parent=None) -> Comment, through the service, with what its commit
    sets off (the followers' fan-out and their emails, run eagerly in tests)."""

    def make(author, body="A comment", parent=None):
        with django_capture_on_commit_callbacks(execute=True):
            return comment_create(thread=thread, author=author, body=body, parent=parent)

    return make


@pytest.fixture
def make_read(make_book):
    """make_read(club, starts_on=today, **fields) -> a ClubRead started by the club's
    first organiser."""
    from discussions.services.reads import read_create

    def make(club: Club, **fields):
        fields.setdefault("book", make_book())
        fields.setdefault("starts_on", timezone.localdate())
        creator = club.memberships.order_by("joined_at").first().user
        return read_create(club=club, created_by=creator, **fields)

    return make


@pytest.fixture
def club_member(make_user, public_club):
    """A member (not an organiser) of the public club."""
    user = make_user(username="mira")
    Membership.objects.create(club=public_club, user=user)
    return user
