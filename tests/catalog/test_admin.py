"""Curating the catalog in the Django admin."""

import pytest
from django.urls import reverse

from catalog.models import Book, Edition


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "book",
        "author",
        "subject",
        "edition",
        "source",
        "adaptation",
        "award",
        "character",
        "criticreview",
        "description",
        "externalrating",
        "recommendation",
        "relatedbook",
    ],
)
def test_every_catalog_changelist_and_search_works(admin_client, seeded, model):
    url = reverse(f"admin:catalog_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "never"}).status_code == 200


def test_book_change_page_has_inlines_and_autocomplete(admin_client, seeded):
    book = Book.objects.get(slug="never-let-me-go")
    html = admin_client.get(reverse("admin:catalog_book_change", args=[book.pk])).content.decode()
    for inline in ["authorships", "book_subjects", "editions", "characters", "awards"]:
        assert f'id="{inline}-group"' in html, inline
    assert "admin-autocomplete" in html


def test_author_and_subject_autocomplete_answer(admin_client, seeded):
    url = reverse("admin:autocomplete")
    common = {"app_label": "catalog", "model_name": "authorship", "field_name": "author"}
    response = admin_client.get(url, {"term": "ishi", **common})
    assert response.json()["results"][0]["text"] == "Kazuo Ishiguro"
    common = {"app_label": "catalog", "model_name": "booksubject", "field_name": "subject"}
    assert admin_client.get(url, {"term": "clon", **common}).json()["results"]


def _edition_form(book, isbn):
    return {"book": book.pk, "isbn13": isbn, "publisher": "Test Press"}


def test_admin_stores_any_valid_isbn_form_as_isbn13(admin_client, seeded):
    book = Book.objects.get(slug="nocturnes")
    response = admin_client.post(
        reverse("admin:catalog_edition_add"), _edition_form(book, "0-8044-2957-x")
    )
    assert response.status_code == 302
    assert Edition.objects.get(book=book).isbn13 == "9780804429573"


def test_admin_rejects_a_bad_check_digit_with_a_clear_error(admin_client, seeded):
    book = Book.objects.get(slug="nocturnes")
    response = admin_client.post(
        reverse("admin:catalog_edition_add"), _edition_form(book, "978-1-4000-4339-3")
    )
    assert response.status_code == 200
    assert "wrong check digit for an ISBN-13 (expected 2)" in response.content.decode()
    assert not Edition.objects.filter(book=book).exists()


def test_rerun_import_action_reports_nothing_changed(admin_client, seeded):
    book = Book.objects.get(slug="never-let-me-go")
    response = admin_client.post(
        reverse("admin:catalog_book_changelist"),
        {"action": "rerun_import", "_selected_action": [book.pk]},
        follow=True,
    )
    assert "Nothing changed" in response.content.decode()


def test_editing_a_character_in_the_admin_refreshes_search(admin_client, seeded):
    book = Book.objects.get(slug="nocturnes")
    url = reverse("admin:catalog_book_change", args=[book.pk])
    data = {
        "title": book.title,
        "slug": book.slug,
        "original_title": "",
        "first_published_year": "",
        "original_publisher": "",
        "original_place": "",
        "media_type": "",
    }
    for prefix in [
        "authorships",
        "book_subjects",
        "editions",
        "characters",
        "awards",
        "descriptions",
    ]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    current = list(book.authorships.all())
    data["authorships-TOTAL_FORMS"] = data["authorships-INITIAL_FORMS"] = len(current)
    for index, authorship in enumerate(current):
        data |= {
            f"authorships-{index}-id": authorship.pk,
            f"authorships-{index}-book": book.pk,
            f"authorships-{index}-author": authorship.author_id,
            f"authorships-{index}-position": authorship.position,
            f"authorships-{index}-source": authorship.source_id or "",
        }
    data |= {
        "characters-TOTAL_FORMS": 1,
        "characters-0-name": "Tony Gardner",
        "characters-0-role": "main",
        "characters-0-description": "A crooner.",
        "characters-0-position": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    book.refresh_from_db()
    assert "Tony Gardner" in book.search_names


def test_a_description_added_in_the_admin_is_searchable_at_once(admin_client, db):
    from catalog.search import search_books

    book = Book.objects.create(title="Quiet Rooms", slug="quiet-rooms")
    data = {"book": book.pk, "kind": "summary", "text": "A school called Hailsham.", "position": 0}
    response = admin_client.post("/admin/catalog/description/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [found.title for found in search_books("hailsham").books] == ["Quiet Rooms"]


def test_refresh_search_recomputes_books_written_by_hand(db):
    import io

    from django.core.management import call_command

    from catalog.models import Description
    from catalog.search import search_books

    book = Book.objects.create(title="Quiet Rooms", slug="quiet-rooms")
    Description.objects.create(book=book, kind="summary", text="A school called Hailsham.")
    assert search_books("hailsham").books == []
    out = io.StringIO()
    call_command("refresh_search", stdout=out)
    assert "1 book search texts updated" in out.getvalue()
    assert [found.title for found in search_books("hailsham").books] == ["Quiet Rooms"]
