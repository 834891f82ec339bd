"""Catalog pages as a visitor sees them."""

import json
import re

import pytest
from django.urls import reverse

from catalog.apps import catalog_changed
from catalog.models import Award, Book, Character

BOOK_URL = "/books/never-let-me-go/"


def jsonld_of(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_book_page_shows_every_section_with_its_source(client, seeded):
    response = client.get(BOOK_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1>Never Let Me Go</h1>",
        "Kazuo Ishiguro",
        "9781400043392",
        "9780571224135",
        "Alfred A. Knopf",
        "PR6059.S5 N48 2005",
        "Miss Emily",
        "Marie-Claude",
        "Arthur C. Clarke Award",
        "Watashi wo Hanasanaide",
        "Carey Mulligan",
        "Louis Menand",
        "The New Yorker",
        "reads for a glimpse at humanity",
        "Books on Tour",
        "The Student&#x27;s Novel",
        "When We Were Orphans",
        "from the library catalog",
        "from the encyclopedia article",
        "from the book-recommendation site",
        "from the review blog",
        "from the book-review blog",
        'id="community"',
    ]:
        assert text in html, text


def test_book_page_includes_the_community_slot_near_the_end(client, seeded):
    html = client.get(BOOK_URL).content.decode()
    assert html.index('id="community"') < html.index('id="sources"')


def test_book_page_json_ld_describes_the_book(client, seeded):
    data = jsonld_of(client.get(BOOK_URL).content.decode())
    assert data["@type"] == "Book" and data["name"] == "Never Let Me Go"
    assert data["author"][0]["name"] == "Kazuo Ishiguro"
    assert data["isbn"] in {"9781400043392", "9780571224135"}
    examples = {example["isbn"]: example for example in data["workExample"]}
    assert examples["9781400043392"]["publisher"]["name"] == "Alfred A. Knopf"
    assert examples["9781400043392"]["numberOfPages"] == 288
    assert examples["9780571224135"]["datePublished"] == "2005-04-05"
    assert "Science fiction" in data["genre"]
    assert {"@type": "Thing", "name": "Cloning"} in data["about"]
    assert any(c["name"] == "Kathy" for c in data["character"])
    assert any("Man Booker Prize" in award for award in data["award"])
    assert data["sameAs"] == ["https://en.wikipedia.org/wiki/Never_Let_Me_Go_(novel)"]


def test_json_ld_cannot_close_its_script_element(client, seeded):
    Book.objects.filter(slug="never-let-me-go").update(title="</script><script>alert(1)</script>")
    html = client.get(BOOK_URL).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert jsonld_of(html)["name"] == "</script><script>alert(1)</script>"


def _add_many(book: Book, count: int) -> None:
    Character.objects.bulk_create(
        Character(book=book, name=f"Extra {n}", description="x", position=100 + n)
        for n in range(count)
    )
    Award.objects.bulk_create(
        Award(book=book, name=f"Prize {n}", result=Award.Result.LISTED, position=100 + n)
        for n in range(count)
    )


def test_book_page_query_count_is_constant(
    client, seeded, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(40) as uncached:
        client.get(BOOK_URL)
    with django_assert_max_num_queries(12) as cached:
        client.get(BOOK_URL)
    assert len(cached.captured_queries) < len(uncached.captured_queries) - 15, "catalog is cached"
    _add_many(Book.objects.get(slug="never-let-me-go"), 50)
    catalog_changed()  # bulk_create sends no signals: bulk writers announce their change
    # The catalog changed: the next request rebuilds the page, in no more queries than before.
    with django_assert_max_num_queries(len(uncached.captured_queries)):
        response = client.get(BOOK_URL)
    assert "Extra 49" in response.content.decode()
    with django_assert_num_queries(len(cached.captured_queries)):
        assert "Extra 49" in client.get(BOOK_URL).content.decode()


def test_an_admin_edit_shows_on_the_cached_book_page_at_once(client, seeded):
    assert "Kathy H" in client.get(BOOK_URL).content.decode()
    character = Book.objects.get(slug="never-let-me-go").characters.get(name__startswith="Kathy")
    character.name = "Kathy H. (narrator)"
    character.save()
    assert "Kathy H. (narrator)" in client.get(BOOK_URL).content.decode()


def test_a_sparse_book_page_renders(client, seeded):
    response = client.get("/books/the-da-vinci-code/")
    assert response.status_code == 200
    assert "Dan Brown" in response.content.decode()
    assert "on the reading list under “Coming up”" in response.content.decode()
    data = jsonld_of(response.content.decode())
    assert data["name"] == "The Da Vinci Code" and data["author"][0]["name"] == "Dan Brown"
    assert "isbn" not in data and "workExample" not in data


def test_unknown_book_is_a_404(client, seeded):
    assert client.get("/books/no-such-book/").status_code == 404


def test_author_page_lists_their_works(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/authors/kazuo-ishiguro/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The Buried Giant" in html and "Never Let Me Go" in html
    assert "The Da Vinci Code" not in html


@pytest.mark.parametrize(
    "form", ["9781400043392", "978-1-4000-4339-2", "1400043395", "1-4000-4339-5", "0-571-22413-x"]
)
def test_isbn_urls_redirect_to_the_book_in_any_form(client, seeded, form):
    response = client.get(f"/isbn/{form}")
    assert response.status_code == 302
    assert response["Location"] == BOOK_URL


def test_isbn_url_with_spaces_and_trailing_slash_redirects(client, seeded):
    response = client.get("/isbn/978%201400%20043392/")
    assert response.status_code == 302 and response["Location"] == BOOK_URL


def test_unknown_isbn_is_a_404_with_a_search_box(client, seeded):
    response = client.get("/isbn/9780000000002")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No book in the catalog has the ISBN 9780000000002" in html
    assert 'name="q"' in html


@pytest.mark.parametrize(
    ("raw", "message"), [("1400043396", "wrong check digit"), ("not-an-isbn", "characters")]
)
def test_malformed_isbn_is_a_400_with_a_clear_message(client, seeded, raw, message):
    response = client.get(f"/isbn/{raw}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_book_list_shows_every_book_and_filters_by_subject(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:book_list"))
    html = response.content.decode()
    assert "12 books" in html and "The Handmaid’s Tale" in html
    response = client.get(reverse("catalog:book_list"), {"subject": "cloning"})
    html = response.content.decode()
    assert "1 book" in html and "Never Let Me Go" in html and "Fun Home" not in html


def test_book_list_files_titles_without_their_leading_article(client, seeded):
    html = client.get("/books/").content.decode()
    assert html.index("The Buried Giant") < html.index("Fun Home") < html.index("A Pale View")


def test_book_list_filters_by_genre_and_sorts(client, seeded):
    html = client.get("/books/", {"genre": "speculative-fiction"}).content.decode()
    assert "Never Let Me Go" in html and "Nocturnes" not in html
    html = client.get("/books/", {"sort": "-title"}).content.decode()
    assert html.index("When We Were Orphans") < html.index("A Pale View of Hills")


def test_book_list_htmx_request_gets_only_the_list(client, seeded):
    response = client.get("/books/", {"subject": "cloning"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="book-list"')
    assert "<html" not in html


def test_book_list_unknown_subject_is_a_404_and_bad_sort_falls_back(client, seeded):
    assert client.get("/books/", {"subject": "nonsense"}).status_code == 404
    assert client.get("/books/", {"genre": "bad\x00value"}).status_code == 400  # NUL: site-wide
    assert client.get("/books/", {"page": "last-but-one"}).status_code == 200
    assert client.get("/books/", {"sort": "drop table"}).status_code == 200


def test_nav_has_books_link_and_search_box(client, db):
    html = client.get("/").content.decode()
    assert 'href="/books/"' in html and 'action="/search/"' in html
