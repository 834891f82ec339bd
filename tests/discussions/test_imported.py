"""Community activity imported from the library catalog: idempotent, counted, not accounts."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from discussions.links import book_page_url
from discussions.models import AgeVote, Comment, Rating
from discussions.selectors import age_summary, rating_summary
from discussions.services import imported_activity_save
from discussions.services.ratings import rating_set


@dataclass
class LibraryComment:
    handle: str
    posted_on: datetime.date
    rating: Decimal | None
    body: str
    line: int


@dataclass
class LibraryAgeVote:
    handle: str
    posted_on: datetime.date
    rating: Decimal | None
    minimum_age: int


COMMENTS = [
    LibraryComment("modestgoddess", datetime.date(2014, 12, 27), Decimal(5), "Superb.", 40),
    LibraryComment("lbarkema", datetime.date(2014, 6, 19), Decimal("3.5"), "Intriguing.", 60),
    LibraryComment("pbedwards", datetime.date(2013, 12, 9), Decimal(1), "<b>Boring</b>", 90),
    LibraryComment("quiet", datetime.date(2013, 1, 1), None, "No stars.", 99),
]
AGE_VOTES = [
    LibraryAgeVote("imaginethat", datetime.date(2011, 2, 10), Decimal(5), 16),
    LibraryAgeVote("dida", datetime.date(2010, 1, 24), Decimal(3), 14),
]


@pytest.fixture
def imported(book, library):
    return imported_activity_save(book=book, source=library, comments=COMMENTS, age_votes=AGE_VOTES)


def test_import_creates_comments_ratings_and_votes(imported):
    assert imported == {
        "comments_created": 4,
        "comments_unchanged": 0,
        "ratings_created": 5,
        "ratings_unchanged": 0,
        "age_votes_created": 2,
        "age_votes_unchanged": 0,
    }
    comment = Comment.objects.get(imported_handle="modestgoddess")
    assert comment.author is None and comment.created_at.date() == datetime.date(2014, 12, 27)
    assert comment.source.file == "001_test.txt" and comment.is_imported


def test_second_import_creates_nothing(imported, book, library):
    again = imported_activity_save(
        book=book, source=library, comments=COMMENTS, age_votes=AGE_VOTES
    )
    assert again["comments_created"] == again["ratings_created"] == 0
    assert again["age_votes_created"] == 0 and again["comments_unchanged"] == 4
    assert Comment.objects.count() == 4 and Rating.objects.count() == 5


def test_imported_ratings_and_votes_count_in_the_aggregates(imported, book, member):
    rating_set(book=book, user=member, value=Decimal(4))
    ratings = rating_summary(book)
    assert ratings["count"] == 6 and ratings["imported"] == 5
    assert ratings["average"] == Decimal("3.6")
    assert age_summary(book)["consensus"] == 15


def test_the_page_says_which_figures_were_imported(imported, client, community_url):
    html = client.get(community_url).content.decode()
    assert "Includes 5 ratings imported from the library catalog." in html
    assert "Includes 2 votes imported from the library catalog." in html
    assert "imported from the library catalog" in html and "modestgoddess" in html


def test_imported_bodies_are_sanitised(imported):
    assert "<b>" not in Comment.objects.get(imported_handle="pbedwards").body_html


def test_signing_up_with_an_imported_handle_does_not_take_it_over(
    imported, make_user, book, client, community_url
):
    impostor = make_user(username="modestgoddess")
    rating_set(book=book, user=impostor, value=Decimal("0.5"))
    original = Rating.objects.get(imported_handle="modestgoddess")
    assert original.user is None and original.value == Decimal(5)
    assert Comment.objects.get(imported_handle="modestgoddess").author is None
    html = client.get(community_url).content.decode()
    assert 'href="/members/modestgoddess/"' not in html
    assert not AgeVote.objects.filter(user=impostor).exists()


def test_imported_handles_cannot_log_in(imported, client):
    assert not client.login(username="modestgoddess", password="")


def test_each_comment_shows_its_authors_rating(imported, member_client, member, book, post):
    rating_set(book=book, user=member, value=Decimal("2.5"))
    post(member, "My take")
    html = member_client.get(book_page_url(book) + "?sort=oldest").content.decode()
    assert "rated it 2½" in html and "rated it 5" in html and "rated it 3½" in html
