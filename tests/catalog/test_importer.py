"""The import: merging, provenance, idempotency, atomicity and the command's output."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.importer import documents_stored, import_documents
from catalog.importer.text import SeedError
from catalog.models import (
    Adaptation,
    Author,
    Award,
    Book,
    Character,
    CriticReview,
    Edition,
    Mention,
    Recommendation,
    Source,
    Subject,
)
from tests.catalog.conftest import LIBRARY, SEEDS


def snapshot() -> dict:
    """Every catalog row, to compare the database before and after."""
    from django.apps import apps

    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in apps.get_app_config("catalog").get_models()
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_seeds", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_five_documents_make_one_book_with_one_edition_per_isbn():
    output = run()
    assert "Imported 5 documents" in output
    book = Book.objects.get(slug="never-let-me-go")
    assert Book.objects.filter(title="Never Let Me Go").count() == 1
    assert list(book.authors.values_list("name", flat=True)) == ["Kazuo Ishiguro"]
    assert set(book.editions.values_list("isbn13", flat=True)) == {"9781400043392", "9780571224135"}
    assert Source.objects.count() == 5
    assert set(book.sources.values_list("kind", flat=True)) == set(Source.Kind.values)


@pytest.mark.django_db
def test_facts_about_the_same_edition_merge_and_keep_both_sources():
    run()
    edition = Edition.objects.get(isbn13="9781400043392")
    assert edition.publisher == "Alfred A. Knopf"  # the library record wins publisher facts
    assert edition.call_number_lc == "PR6059.S5 N48 2005"  # only the encyclopedia has it
    assert edition.pages == 288
    assert edition.cover_artist == "Aaron Wilner"
    kinds = set(edition.sources.values_list("kind", flat=True))
    assert kinds == {Source.Kind.LIBRARY_CATALOG, Source.Kind.ENCYCLOPEDIA}


@pytest.mark.django_db
def test_the_booker_shortlisting_named_twice_is_one_award_from_two_sources():
    run()
    award = Award.objects.get(name="Man Booker Prize")
    assert (award.result, award.year) == (Award.Result.SHORTLISTED, 2005)
    assert award.sources.count() == 2


@pytest.mark.django_db
def test_the_film_mentioned_by_the_blog_merges_with_the_encyclopedias_film():
    run()
    film = Adaptation.objects.get(medium=Adaptation.Medium.FILM)
    assert film.year == 2010
    assert film.sources.count() == 2
    assert film.credits.get(name="Carey Mulligan").character == "Kathy"
    assert film.credits.filter(name="Keira Knightley").count() == 1


@pytest.mark.django_db
def test_every_imported_fact_points_at_its_document():
    run()
    assert not Character.objects.filter(source=None).exists()
    assert not CriticReview.objects.filter(source=None).exists()
    assert not Recommendation.objects.filter(source=None).exists()
    assert not Award.objects.filter(sources=None).exists()
    assert Character.objects.first().source.kind == Source.Kind.ENCYCLOPEDIA


@pytest.mark.django_db
def test_coming_up_titles_become_sparse_catalog_entries_with_provenance():
    run()
    review_blog = Source.objects.get(kind=Source.Kind.REVIEW_BLOG)
    for title, author in [
        ("The Da Vinci Code", "Dan Brown"),
        ("Fun Home", "Alison Bechdel"),
        ("The Matarese Circle", "Robert Ludlum"),
        ("Rose Harbor in Bloom", "Debbie Macomber"),
    ]:
        book = Book.objects.get(title=title)
        assert list(book.authors.values_list("name", flat=True)) == [author]
        mention = Mention.objects.get(book=book)
        assert mention.source == review_blog and "Coming up" in mention.context


@pytest.mark.django_db
def test_other_works_and_neighbours_become_catalog_entries():
    run()
    book = Book.objects.get(slug="never-let-me-go")
    assert book.preceded_by.title == "When We Were Orphans"
    assert book.followed_by.title == "Nocturnes"
    ishiguro = Author.objects.get(slug="kazuo-ishiguro")
    assert {
        "The Remains of the Day",
        "The Buried Giant",
        "A Pale View of Hills",
        "Nocturnes",
    } <= set(ishiguro.books.values_list("title", flat=True))
    related = {r.related.title: r.reason for r in book.relatedbooks.all()}
    assert related["The Catcher in the Rye"] == "for eerily relatable despair"


@pytest.mark.django_db
def test_genres_and_subjects_merge_case_insensitively():
    run()
    science_fiction = Subject.objects.get(kind=Subject.Kind.GENRE, slug="science-fiction")
    assert science_fiction.book_subjects.count() == 2  # the review blog and the encyclopedia
    cloning = Subject.objects.get(kind=Subject.Kind.SUBJECT, slug="cloning")
    assert cloning.book_subjects.count() == 2


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_so():
    run()
    before = snapshot()
    output = run()
    assert "Nothing changed" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_reimporting_a_corrected_document_replaces_what_it_alone_said(seed_folder):
    run(str(seed_folder))
    encyclopedia = seed_folder / "004_29467c89cadd7673.txt"
    text = encyclopedia.read_text()
    text = text.replace("for the 2006 Arthur C. Clarke Award and ", "")
    geraldine = next(line for line in text.splitlines(True) if "• Miss Geraldine" in line)
    text = text.replace(geraldine, "")
    encyclopedia.write_text(text)
    output = run(str(seed_folder))
    assert "awards: 1 deleted" in output and "1 deleted" in output.split("characters:")[1]
    assert not Award.objects.filter(name="Arthur C. Clarke Award").exists()
    assert not Character.objects.filter(name="Miss Geraldine").exists()
    # Named by the recommendation site as well, the Booker shortlisting stays.
    assert Award.objects.get(name="Man Booker Prize").sources.count() == 2
    assert "Nothing changed" in run(str(seed_folder))


@pytest.mark.django_db
def test_a_fact_named_by_two_documents_survives_when_one_drops_it(seed_folder):
    run(str(seed_folder))
    recommendations = seed_folder / "000_d22cf346b931e5e1.txt"
    recommendations.write_text(
        recommendations.read_text().replace("Shortlisted for the Man Booker Prize\n", "")
    )
    run(str(seed_folder))
    booker = Award.objects.get(name="Man Booker Prize")
    assert list(booker.sources.values_list("kind", flat=True)) == [Source.Kind.ENCYCLOPEDIA]


@pytest.mark.django_db
def test_dry_run_reports_but_saves_nothing():
    output = run("--dry-run")
    assert "Would import 5 documents" in output and "Dry run" in output
    assert not Book.objects.exists()


@pytest.mark.django_db
def test_a_malformed_document_leaves_the_database_exactly_as_before(seed_folder):
    run()
    before = snapshot()
    library = seed_folder / LIBRARY.name
    library.write_text(library.read_text().replace("ISBN: 9781400043392", "ISBN: 9781400043393"))
    with pytest.raises(CommandError) as caught:
        run(str(seed_folder))
    assert f"{LIBRARY.name}, line 11" in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_failing_storage_step_rolls_back_the_catalog_step():
    def explode(documents, report):
        raise SeedError("001_dcba2dbabd499d36.txt", 35, "community storage failed")

    with pytest.raises(SeedError):
        import_documents(steps=[explode])
    assert not Book.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
def test_post_import_steps_receive_parsed_documents_and_count_into_the_report():
    seen = []

    def store_comments(documents, report):
        library = next(d for d in documents if d.kind == Source.Kind.LIBRARY_CATALOG)
        seen.append(len(library.community_comments))
        assert report.books[library.file].slug == "never-let-me-go"
        assert report.sources[library.file].kind == Source.Kind.LIBRARY_CATALOG
        report.count("community comments", "created", len(library.community_comments))

    report = import_documents(steps=[store_comments])
    assert seen == [10]
    assert "community comments: 10 created" in report.summary()


@pytest.mark.django_db
def test_other_apps_store_their_part_through_the_documents_stored_signal():
    calls = []

    def record(*, documents, report, **_signal):
        calls.append((len(documents), report.dry_run))

    documents_stored.connect(record)
    try:
        import_documents(dry_run=True)
    finally:
        documents_stored.disconnect(record)
    assert calls == [(len(list(SEEDS.glob("*.txt"))), True)]


@pytest.mark.django_db
def test_one_isbn_claimed_by_two_books_is_refused(seed_folder):
    shutil.copy(SEEDS / "003_f7e4fba1606a2e87.txt", seed_folder / "005_other.txt")
    other = seed_folder / "005_other.txt"
    other.write_text(other.read_text().replace("“Never Let Me Go”", "“Another Book”", 1))
    with pytest.raises(SeedError, match="already belongs to"):
        import_documents([seed_folder])
    assert not Book.objects.exists()


@pytest.mark.django_db
def test_missing_paths_and_empty_folders_are_reported(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="no documents"):
        run(str(tmp_path))


@pytest.mark.django_db
def test_verbose_output_lists_each_document_and_its_kind():
    out = io.StringIO()
    call_command("import_seeds", verbosity=2, stdout=out)
    assert "004_29467c89cadd7673.txt: encyclopedia article about Never Let Me Go" in out.getvalue()


@pytest.mark.django_db
def test_search_text_covers_authors_subjects_and_characters():
    run()
    book = Book.objects.get(slug="never-let-me-go")
    for word in ["Kazuo Ishiguro", "Kathy", "The Student's Novel"]:
        assert word in book.search_names
    for word in ["Cloning", "Science fiction"]:
        assert word in book.search_keywords
    assert "Hailsham" in book.search_text
