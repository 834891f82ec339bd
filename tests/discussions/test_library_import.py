"""Importing a Goodreads or StoryGraph export into a member's library."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Book
from discussions.models import (
    Comment,
    LibraryImport,
    MemberAddedBook,
    PrivateNote,
    Rating,
    ReadThrough,
    ShelfEntry,
)
from tests.discussions.conftest import ishiguro_catalog
from tests.trust.test_every_endpoint import row_counts

FIXTURES = Path(__file__).parent / "fixtures"
GOODREADS = (FIXTURES / "goodreads_library_export.csv").read_text()
STORYGRAPH = (FIXTURES / "storygraph_export.csv").read_text()


@pytest.fixture
def catalog(db):
    return ishiguro_catalog()


@pytest.fixture
def upload(member_client, django_capture_on_commit_callbacks):
    """upload(text, reviews="private") -> the response to posting it (the import runs)."""

    def send(text: str, reviews: str = "private", name: str = "export.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.post(
                reverse("discussions:library_import"),
                {"file": SimpleUploadedFile(name, text.encode()), "reviews": reviews},
            )
        if response.status_code != 302:
            return response
        return member_client.get(response["Location"])

    return send


def test_a_goodreads_export_fills_the_shelves_and_says_what_it_matched(
    member, catalog, upload, member_client
):
    response = upload(GOODREADS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Done" in html
    assert "<strong>3</strong> matched" in html
    assert "<strong>2</strong> added to the catalog" in html
    shelves = member_client.get(reverse("discussions:shelf_list")).content.decode()
    assert "favourites" in shelves and "fantasy" in shelves
    statuses = dict(
        ShelfEntry.objects.filter(user=member, is_status=True).values_list(
            "book__title", "shelf__kind"
        )
    )
    assert statuses["Never Let Me Go"] == "read"
    assert statuses["Klara and the Sun"] == "currently-reading"
    assert statuses["A Wizard of Earthsea (Earthsea Cycle, #1)"] == "to-read"
    assert statuses["An Artificial Night"] == "did-not-finish"
    finished = ReadThrough.objects.get(user=member, book=catalog["never-let-me-go"])
    assert str(finished.finished_on) == "2024-03-15"
    assert Rating.objects.get(user=member, book=catalog["remains"]).value == 4


def test_books_are_matched_by_isbn13_then_isbn10_then_title_and_author(member, catalog, upload):
    upload(GOODREADS)
    shelved = set(ShelfEntry.objects.filter(user=member).values_list("book__slug", flat=True))
    assert {"never-let-me-go", "klara", "remains"} <= shelved
    assert Book.objects.filter(title="Never Let Me Go").count() == 1
    assert Book.objects.filter(title="The Remains of the Day").count() == 1


def test_a_book_not_in_the_catalog_is_added_with_its_provenance_for_staff(member, catalog, upload):
    upload(GOODREADS)
    added = MemberAddedBook.objects.get(book__title="An Artificial Night")
    assert added.provenance == f"imported by {member.public_name} from Goodreads"
    assert added.added_by == member and not added.curated
    earthsea = Book.objects.get(title__startswith="A Wizard of Earthsea")
    assert earthsea.editions.get().isbn13 == "9780061120084"
    assert earthsea.authors.get().name == "Ursula K. Le Guin"


def test_importing_the_same_file_twice_changes_nothing(member, catalog, upload):
    upload(GOODREADS, reviews="public")
    before = row_counts()
    response = upload(GOODREADS, reviews="public")
    after = row_counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    # Only the second import's own record is new.
    assert changed == {"discussions.libraryimport": (1, 2)}
    assert "<strong>5</strong> already in your library" in response.content.decode()


def test_a_malformed_csv_leaves_no_rows_and_names_the_line(member, catalog, upload):
    lines = GOODREADS.splitlines()
    lines[3] = lines[3].replace("2023/11/02", "2023/13/45")
    before = row_counts()
    response = upload("\n".join(lines) + "\n")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 4, column “Date Read”" in html
    assert "2023/13/45" in html
    assert row_counts() == before


def test_a_row_with_missing_fields_is_refused_with_its_line_and_first_missing_column(
    member, upload
):
    lines = GOODREADS.splitlines()
    lines[2] = "52210,Klara and the Sun,Kazuo Ishiguro,Kazuo Ishiguro,"
    response = upload("\n".join(lines) + "\n")
    assert response.status_code == 400
    assert "Line 3, column “ISBN”: this row has 5 fields; the header has 24." in (
        response.content.decode()
    )
    assert not LibraryImport.objects.exists()


def test_a_file_that_is_neither_export_is_refused_in_plain_words(member, upload):
    response = upload("name,stars\nDune,5\n")
    assert response.status_code == 400
    assert "not a Goodreads or StoryGraph export" in response.content.decode()


def test_the_whole_file_is_saved_at_once_or_not_at_all(member, catalog, upload, monkeypatch):
    """A failure at the very end of saving (every row written) leaves nothing from the file."""
    from discussions.services import library_import

    real = library_import._Library.save

    def failing(self):
        real(self)
        raise RuntimeError("disk full")

    monkeypatch.setattr(library_import._Library, "save", failing)
    before = row_counts()
    response = upload(GOODREADS)
    assert "Nothing was imported" in response.content.decode()
    after = row_counts()
    assert {k for k in before if before[k] != after[k]} == {"discussions.libraryimport"}


def test_storygraph_ratings_are_rounded_to_half_stars_and_the_summary_says_so(
    member, catalog, upload
):
    response = upload(STORYGRAPH)
    html = response.content.decode()
    assert "Line 2: 4.25 stars kept as 4.5" in html
    assert Rating.objects.get(user=member, book=catalog["never-let-me-go"]).value == 4.5
    read = ReadThrough.objects.get(user=member, book=catalog["never-let-me-go"])
    assert (str(read.started_on), str(read.finished_on)) == ("2024-01-05", "2024-01-20")
    assert MemberAddedBook.objects.get(book__title="Piranesi").provenance.endswith(
        "from StoryGraph"
    )
    assert ShelfEntry.objects.get(
        user=member, book=catalog["remains"], is_status=True
    ).shelf.kind == ("currently-reading")


def test_reviews_kept_private_show_only_to_their_writer_with_spoilers_hidden(
    member, catalog, upload, member_client, client, make_user
):
    upload(GOODREADS, reviews="private")
    assert not Comment.objects.filter(author=member).exists()
    page = member_client.get(catalog["never-let-me-go"].get_absolute_url()).content.decode()
    assert "Your private note" in page
    assert '<details class="spoiler">' in page and "Hailsham is not a school." in page
    remains = member_client.get(catalog["remains"].get_absolute_url()).content.decode()
    assert "Borrowed from Ana." in remains
    client.force_login(make_user())
    assert "Hailsham is not a school." not in (
        client.get(catalog["never-let-me-go"].get_absolute_url()).content.decode()
    )


def test_reviews_made_public_become_comments_with_spoiler_markup(member, catalog, upload, client):
    upload(GOODREADS, reviews="public")
    comment = Comment.objects.get(author=member, thread__book=catalog["remains"])
    assert comment.body.startswith(">! Stevens never says it.")
    page = client.get(catalog["never-let-me-go"].get_absolute_url()).content.decode()
    assert "Quiet and devastating." in page
    # The private notes column stays private.
    assert PrivateNote.objects.get(user=member, book=catalog["remains"]).body == (
        "Borrowed from Ana."
    )


def test_another_members_import_is_not_found(member, catalog, upload, client, make_user):
    upload(GOODREADS)
    library_import = LibraryImport.objects.get(user=member)
    client.force_login(make_user())
    assert client.get(library_import.get_absolute_url()).status_code == 404


def test_the_progress_partial_is_polled_until_the_import_is_done(member, member_client):
    running = LibraryImport.objects.create(
        user=member, format="goodreads", status="matching", total_rows=200, processed_rows=100
    )
    response = member_client.get(running.get_absolute_url(), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-hx-trigger="every 1s"' in html
    assert "100 of 200" in html and 'value="45"' in html
    full = member_client.get(running.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in full  # without JavaScript
    running.status = "done"
    running.save()
    assert "every 1s" not in member_client.get(running.get_absolute_url()).content.decode()


def test_an_import_waits_for_the_one_still_running(member, upload):
    LibraryImport.objects.create(user=member, format="goodreads", status="saving")
    response = upload(GOODREADS)
    assert response.status_code == 400
    assert "still running" in response.content.decode()


def test_the_import_pages_have_few_queries(member, member_client, django_assert_max_num_queries):
    for _ in range(5):
        LibraryImport.objects.create(user=member, format="goodreads", status="done")
    with django_assert_max_num_queries(12):
        assert member_client.get(reverse("discussions:library_import")).status_code == 200
    with django_assert_max_num_queries(12):
        member_client.get(LibraryImport.objects.first().get_absolute_url())
