"""The export, read the way a member reads it: unzip the download and look inside."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Author, Authorship, Edition
from discussions.exporting import GOODREADS_HEADERS
from discussions.models import Membership, ReadingProgress
from discussions.services.comments import comment_create, thread_for_book, thread_for_meeting
from discussions.services.contributions import notice_create, notice_second, quote_create
from discussions.services.library import reading_status_set, shelf_book_add, shelf_create
from discussions.services.polls import ballot_cast, poll_create
from discussions.services.ratings import age_vote_set, rating_set
from discussions.services.rsvps import rsvp_set

pytestmark = pytest.mark.django_db

EXPORT = reverse("discussions:library_export")


def _download(client) -> tuple[list[dict], dict, list[str]]:
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(bundle.namelist()) == ["bookclub_archive.json", "goodreads_library_export.csv"]
    text = bundle.read("goodreads_library_export.csv").decode()
    reader = csv.DictReader(io.StringIO(text))
    return list(reader), json.loads(bundle.read("bookclub_archive.json")), reader.fieldnames


@pytest.fixture
def stevens(make_user):
    return make_user(username="stevens", display_name="Mr Stevens", email="stevens@example.org")


@pytest.fixture
def kenton(make_user):
    return make_user(username="kenton", display_name="Miss Kenton", email="kenton@example.org")


@pytest.fixture
def remains(make_book):
    book = make_book(title="The Remains of the Day", first_published_year=1989)
    author = Author.objects.create(
        name="Kazuo Ishiguro", slug="ishiguro", sort_name="Ishiguro, Kazuo"
    )
    Authorship.objects.create(book=book, author=author)
    Edition.objects.create(
        book=book, isbn13="9780571200733", publisher="Faber", pages=258, year=1999
    )
    return book


def test_the_csv_has_goodreads_columns_shelves_ratings_and_dates(
    client, stevens, remains, make_book
):
    favourites = shelf_create(user=stevens, name="Butler Favourites")
    shelf_book_add(shelf=favourites, book=remains)
    reading_status_set(user=stevens, book=remains, status="read", on=datetime.date(2023, 4, 2))
    reading_status_set(user=stevens, book=remains, status="read", on=datetime.date(2024, 6, 9))
    rating_set(book=remains, user=stevens, value="3.5")
    reading_status_set(user=stevens, book=make_book(title="Nocturnes"), status="to-read")
    client.force_login(stevens)

    rows, _, headers = _download(client)

    assert headers == GOODREADS_HEADERS
    by_title = {row["Title"]: row for row in rows}
    row = by_title["The Remains of the Day"]
    assert row["Author"] == "Kazuo Ishiguro" and row["Author l-f"] == "Ishiguro, Kazuo"
    assert row["ISBN13"] == '="9780571200733"' and row["ISBN"] == '="0571200737"'
    assert row["My Rating"] == "4"  # Goodreads has whole stars: 3.5 rounds up
    assert row["Average Rating"] == "3.50"
    assert row["Publisher"] == "Faber" and row["Number of Pages"] == "258"
    assert row["Original Publication Year"] == "1989"
    assert row["Date Read"] == "2024/06/09"
    assert row["Read Count"] == "2"
    assert row["Exclusive Shelf"] == "read"
    assert row["Bookshelves"] == "butler-favourites"
    assert row["Bookshelves with positions"] == "butler-favourites (#1)"
    assert row["Date Added"] == timezone.localdate().strftime("%Y/%m/%d")
    assert by_title["Nocturnes"]["Exclusive Shelf"] == "to-read"
    assert by_title["Nocturnes"]["My Rating"] == "0"


def test_the_archive_holds_what_the_member_wrote_and_chose_and_nothing_of_others(
    client, stevens, kenton, remains, make_club, make_meeting, make_book
):
    club = make_club(organiser=kenton, members=(stevens,), name="Darlington Hall")
    meeting = make_meeting(club, book=remains, title="Salisbury")
    thread = thread_for_book(book=remains)
    hers = comment_create(thread=thread, author=kenton, body="Kenton's private musing.")
    comment_create(thread=thread, author=stevens, body="Stevens replies with dignity.", parent=hers)
    rating_set(book=remains, user=stevens, value="4.5")
    rating_set(book=remains, user=kenton, value="1")
    age_vote_set(book=remains, user=stevens, minimum_age=14)
    notice = notice_create(book=remains, author=kenton, category="other", note="Kenton's notice.")
    notice_second(notice=notice, user=stevens)
    notice_create(book=remains, author=stevens, category="violence", note="Stevens' notice.")
    quote_create(book=remains, author=stevens, text="What dignity is.", location="p. 33")
    rsvp_set(meeting=meeting, user=stevens, response="going")
    ReadingProgress.objects.create(user=stevens, book=remains, page=57)
    poll = poll_create(
        club=club,
        created_by=kenton,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        books=[remains, make_book(title="Nocturnes")],
    )
    ballot_cast(poll=poll, voter=stevens, ranking=list(poll.candidates.order_by("pk"))[:1])
    private = shelf_create(user=stevens, name="Private thoughts", is_public=False)
    shelf_book_add(shelf=private, book=remains)
    stevens.email_notifications = False
    stevens.save()
    client.force_login(stevens)

    _, archive, _ = _download(client)

    assert archive["member"]["username"] == "stevens"
    assert archive["notification_preferences"]["email_notifications"] is False
    (comment,) = archive["comments"]
    assert comment["body"] == "Stevens replies with dignity."
    assert comment["in_reply_to"] == "Miss Kenton"  # other members: display names only
    assert archive["ratings"] == [
        {
            "book": {"title": remains.title, "slug": remains.slug},
            "stars": "4.5",
            "created_at": archive["ratings"][0]["created_at"],
        }
    ]
    assert archive["age_votes"][0]["minimum_age"] == 14
    assert [n["note"] for n in archive["notices"]] == ["Stevens' notice."]
    assert archive["notices_agreed_with"][0]["category"] == "other"
    assert archive["quotes"][0]["text"] == "What dignity is."
    assert archive["rsvps"][0]["response"] == "going"
    assert archive["reading_progress"][0]["progress"].startswith("page 57")
    assert archive["poll_ballots"][0]["choices"][0]["book"]["title"] == remains.title
    shelves = {s["name"]: s for s in archive["shelves"]}
    assert shelves["Private thoughts"]["public"] is False
    assert shelves["Private thoughts"]["books"][0]["title"] == remains.title
    text = json.dumps(archive)
    for theirs in (
        "Kenton's private musing.",
        "Kenton's notice.",
        "kenton@example.org",
        '"kenton"',
    ):
        assert theirs not in text


def test_nothing_from_a_club_the_member_has_left(
    client, stevens, kenton, remains, make_club, make_meeting
):
    club = make_club(organiser=kenton, members=(stevens,), name="Left Behind Readers")
    meeting = make_meeting(club, book=remains, title="The farewell meeting")
    comment_create(
        thread=thread_for_meeting(meeting=meeting), author=stevens, body="Said in the club."
    )
    rsvp_set(meeting=meeting, user=stevens, response="going")
    Membership.objects.filter(club=club, user=stevens).delete()
    client.force_login(stevens)

    _, archive, _ = _download(client)

    text = json.dumps(archive)
    assert "Said in the club." not in text
    assert "The farewell meeting" not in text and "Left Behind Readers" not in text
    assert archive["rsvps"] == [] and archive["clubs"] == []


def test_only_a_signed_in_member_exports_and_only_by_post(client, member):
    response = client.post(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(member)
    assert client.get(EXPORT).status_code == 405
    rows, archive, _ = _download(client)
    assert rows == [] and archive["member"]["username"] == member.username


def test_the_shelves_page_offers_the_export(client, member):
    client.force_login(member)
    page = client.get(reverse("discussions:shelf_list")).content.decode()
    assert f'action="{EXPORT}"' in page and "Download my data" in page
