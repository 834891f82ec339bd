"""The club described by the seed documents."""

import datetime
import io

import pytest

from catalog.models import Source
from discussions.models import Candidate, Club, Meeting, Poll
from discussions.services.seeding import club_seed_from_documents

TEASER = (
    "Young clones in love, young clones in great distress, young clones trying to come "
    "to terms with their place in the world -- or fight against it."
)


@pytest.fixture
def seed_arguments(make_book, db):
    library = Source.objects.create(
        kind=Source.Kind.LIBRARY_CATALOG, title="Multnomah County Library catalog", file="001.txt"
    )
    blog = Source.objects.create(kind=Source.Kind.REVIEW_BLOG, title="Review blog", file="002.txt")
    titles = ["The Da Vinci Code", "Fun Home", "The Matarese Circle", "Rose Harbor in Bloom"]
    return {
        "book": make_book("Never Let Me Go"),
        "library_source": library,
        "discussion_date": datetime.date(2014, 10, 21),
        "teaser": TEASER,
        "blog_source": blog,
        "candidate_books": [make_book(title) for title in titles],
    }


def test_seeding_creates_the_library_club_meeting_and_poll(seed_arguments):
    created = club_seed_from_documents(**seed_arguments)
    assert created == {"clubs": 1, "meetings": 1, "polls": 1, "candidates": 4}
    club = Club.objects.get()
    assert "Multnomah County Library" in club.name and club.is_public
    meeting = Meeting.objects.get()
    assert meeting.description == TEASER
    assert meeting.book.title == "Never Let Me Go"
    assert meeting.time_zone == "America/Los_Angeles"
    # 18:30 Pacific Daylight Time on 21 October 2014.
    assert meeting.starts_at == datetime.datetime(2014, 10, 22, 1, 30, tzinfo=datetime.UTC)
    assert meeting.local_starts_at.date() == datetime.date(2014, 10, 21)
    assert meeting.has_ended()
    assert meeting.source == seed_arguments["library_source"]
    poll = Poll.objects.get()
    assert poll.source == seed_arguments["blog_source"]
    assert [c.book.title for c in poll.candidates.all()] == [
        "The Da Vinci Code",
        "Fun Home",
        "The Matarese Circle",
        "Rose Harbor in Bloom",
    ]


def test_seeding_twice_creates_nothing_more(seed_arguments):
    club_seed_from_documents(**seed_arguments)
    again = club_seed_from_documents(**seed_arguments)
    assert again == {"clubs": 0, "meetings": 0, "polls": 0, "candidates": 0}
    assert (Club.objects.count(), Meeting.objects.count(), Poll.objects.count()) == (1, 1, 1)
    assert Candidate.objects.count() == 4


def test_the_seeded_meeting_page_shows_as_past_with_its_teaser(client, seed_arguments):
    club_seed_from_documents(**seed_arguments)
    club_page = client.get(Club.objects.get().get_absolute_url()).content.decode()
    assert "Book discussion: Never Let Me Go" in club_page
    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()
    assert "Young clones in love" in page
    assert "From Multnomah County Library catalog" in page


@pytest.mark.django_db
def test_importing_the_seed_documents_seeds_the_library_club():
    from django.core.management import call_command

    from discussions.models import Club

    call_command("import_seeds", verbosity=0)
    club = Club.objects.get(slug="mcl-book-discussion")
    meeting = club.meetings.get()
    assert meeting.book.slug == "never-let-me-go"
    assert meeting.starts_at.date().isoformat() == "2014-10-22"  # 18:30 in Portland is UTC+1 day
    assert "Join the discussion on October 21, 2014" in meeting.description
    assert meeting.source.kind == "library_catalog"
    poll = club.polls.get()
    assert sorted(c.book.title for c in poll.candidates.all()) == [
        "Fun Home",
        "Rose Harbor in Bloom",
        "The Da Vinci Code",
        "The Matarese Circle",
    ]
    assert poll.source.kind == "review_blog"

    out = io.StringIO()
    call_command("import_seeds", stdout=out)
    assert "Nothing changed" in out.getvalue()
