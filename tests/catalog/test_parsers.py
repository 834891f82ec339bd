"""Each parser on the real seed documents, and on broken copies of them."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.importer.detect import detect_kind
from catalog.importer.parsers import parse_file
from catalog.importer.text import SeedError
from catalog.models import Adaptation, Award, Character, CriticReview, Description, Source
from tests.catalog.conftest import (
    BOOK_REVIEW_BLOG,
    ENCYCLOPEDIA,
    LIBRARY,
    RECOMMENDATIONS,
    REVIEW_BLOG,
    SEEDS,
)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (RECOMMENDATIONS, Source.Kind.RECOMMENDATIONS),
        (LIBRARY, Source.Kind.LIBRARY_CATALOG),
        (REVIEW_BLOG, Source.Kind.REVIEW_BLOG),
        (BOOK_REVIEW_BLOG, Source.Kind.BOOK_REVIEW_BLOG),
        (ENCYCLOPEDIA, Source.Kind.ENCYCLOPEDIA),
    ],
)
def test_each_seed_documents_kind_is_detected_from_its_content(path, kind):
    assert detect_kind(path, path.read_text()) == kind
    assert parse_file(path).book_title == "Never Let Me Go"


def test_every_seed_names_kazuo_ishiguro_as_the_author():
    for path in sorted(SEEDS.glob("*.txt")):
        assert [a.name for a in parse_file(path).authors] == ["Kazuo Ishiguro"], path.name


def test_library_record_gives_the_american_first_edition():
    doc = parse_file(LIBRARY)
    (edition,) = doc.editions
    assert edition.isbn13 == "9781400043392"
    assert (edition.publisher, edition.place, edition.year) == ("Alfred A. Knopf", "New York", 2005)
    assert edition.edition_statement == "1st American ed"
    assert (edition.pages, edition.dimensions) == (288, "23 cm")
    assert edition.call_number_local == "FICTION ISHIGURO"
    assert doc.authors[0].sort_name == "Ishiguro, Kazuo"
    assert doc.external_ratings[0].value == Decimal("3.5")
    assert doc.descriptions[0].kind == Description.Kind.PUBLISHER


def test_library_community_activity_is_parsed_with_half_star_ratings():
    doc = parse_file(LIBRARY)
    assert len(doc.community_comments) == 10
    first = doc.community_comments[0]
    assert (first.handle, first.posted_on, first.rating) == ("modestgoddess", date(2014, 12, 27), 5)
    assert first.body.startswith("Superb.") and first.line == 35
    ratings = {c.handle: c.rating for c in doc.community_comments}
    assert ratings["lbarkema"] == Decimal("3.5") and ratings["pbedwards"] == Decimal("1")
    persnickety = next(c for c in doc.community_comments if c.handle == "Persnickety77")
    assert "\n\n" in persnickety.body and persnickety.body.endswith("Excellent book.")
    assert [(v.handle, v.minimum_age, v.posted_on) for v in doc.age_votes] == [
        ("imaginethat", 16, date(2011, 2, 10)),
        ("dida", 14, date(2010, 1, 24)),
    ]


def test_library_staff_notes_announce_the_discussion_date():
    doc = parse_file(LIBRARY)
    assert len(doc.staff_notes) == 5
    assert doc.discussion_date == date(2014, 10, 21)
    assert doc.discussion_teaser.startswith("Join the discussion on October 21, 2014.")
    stored_notes = [d for d in doc.descriptions if d.kind == Description.Kind.STAFF_NOTE]
    assert len(stored_notes) == 4  # the announcement belongs to the club, not the catalog


def test_recommendations_keep_each_authors_list_and_leave_lost_names_blank():
    doc = parse_file(RECOMMENDATIONS)
    named = [(r.recommender, r.list_title) for r in doc.recommendations]
    assert named == [
        ("Ai", "reads for a glimpse at humanity"),
        ("Kylie", "the psychology of organ donation"),
        ("", ""),
        ("Charlene", "with “difficult” protagonists"),
        ("Greg", "utopia-turned-dystopia"),
    ]
    assert [s.name for s in doc.subjects] == ["Cloning", "Women", "Dystopian"]
    assert doc.awards[0].name == "Man Booker Prize"
    assert doc.awards[0].result == Award.Result.SHORTLISTED
    blurb = next(d for d in doc.descriptions if d.kind == Description.Kind.BLURB)
    assert blurb.truncated and blurb.text.endswith("…")


def test_review_blog_gives_subjects_rating_recommendations_and_coming_up():
    doc = parse_file(REVIEW_BLOG)
    assert [s.name for s in doc.subjects][:3] == ["Women", "England", "Cloning"]
    (review,) = doc.critic_reviews
    assert (review.rating, review.rating_scale) == (Decimal("4"), 5)
    assert review.excerpt.startswith("I’ve been staring at the screen")
    assert "Coming up" not in review.excerpt
    reasons = {r.book.title: r.reason for r in doc.related_books}
    assert reasons["The Buried Giant"] == "for more by Ishiguro"
    assert reasons["The Handmaid’s Tale"] == "for female characters in dystopian worlds"
    assert [(b.title, b.authors[0].name) for b in doc.coming_up] == [
        ("The Da Vinci Code", "Dan Brown"),
        ("Fun Home", "Alison Bechdel"),
        ("The Matarese Circle", "Robert Ludlum"),
        ("Rose Harbor in Bloom", "Debbie Macomber"),
    ]
    (film,) = doc.adaptations
    assert {c.name for c in film.credits} == {
        "Keira Knightley",
        "Carey Mulligan",
        "Andrew Garfield",
    }


def test_book_review_blog_gives_the_faber_edition_and_two_ratings():
    doc = parse_file(BOOK_REVIEW_BLOG)
    (edition,) = doc.editions
    assert (edition.isbn13, edition.publisher) == ("9780571224135", "Faber and Faber")
    assert edition.published_on == date(2005, 4, 5)
    (review,) = doc.critic_reviews
    assert (review.publication, review.rating) == ("Books on Tour", Decimal("4"))
    assert review.strong_point.startswith("The atmosphere")
    assert review.weak_point.startswith("The story somehow")
    (goodreads,) = doc.external_ratings
    assert (goodreads.name, goodreads.value, goodreads.scale) == ("Goodreads", Decimal("3.84"), 5)
    assert [s.name for s in doc.subjects] == ["Science Fiction"]


def test_encyclopedia_infobox_characters_and_neighbours():
    doc = parse_file(ENCYCLOPEDIA)
    (edition,) = doc.editions
    assert edition.isbn13 == "9781400043392"  # 1-4000-4339-5 in the infobox
    assert (edition.edition_statement, edition.binding) == ("first edition", "hardback")
    assert edition.call_number_dewey == "823/.914 22"
    assert edition.call_number_lc == "PR6059.S5 N48 2005"
    assert edition.cover_artist == "Aaron Wilner"
    assert doc.original_title == "The Student's Novel"
    assert doc.first_published_year == 2005
    assert (doc.preceded_by.title, doc.followed_by.title) == ("When We Were Orphans", "Nocturnes")
    assert doc.url == "https://en.wikipedia.org/wiki/Never_Let_Me_Go_(novel)"
    roles = {c.name: c.role for c in doc.characters}
    assert roles == {
        "Kathy": Character.Role.MAIN,
        "Tommy": Character.Role.MAIN,
        "Ruth": Character.Role.MAIN,
        "Madame": Character.Role.MINOR,
        "Miss Emily": Character.Role.MINOR,
        "Miss Lucy": Character.Role.MINOR,
        "Miss Geraldine": Character.Role.MINOR,
        "Chrissie": Character.Role.MINOR,
        "Rodney": Character.Role.MINOR,
    }
    assert next(c for c in doc.characters if c.name == "Madame").alias == "Marie-Claude"
    kinds = {d.kind for d in doc.descriptions}
    assert {Description.Kind.SUMMARY, Description.Kind.PLOT, Description.Kind.THEMES} <= kinds


def test_encyclopedia_awards_critics_and_adaptations():
    doc = parse_file(ENCYCLOPEDIA)
    awards = {a.name: (a.result, a.year, a.rank) for a in doc.awards}
    assert awards["Man Booker Prize"] == (Award.Result.SHORTLISTED, 2005, None)
    assert awards["Arthur C. Clarke Award"] == (Award.Result.SHORTLISTED, 2006, None)
    assert awards["National Book Critics Circle Award"] == (Award.Result.SHORTLISTED, 2005, None)
    assert awards["ALA Alex Award"] == (Award.Result.WON, 2006, None)
    assert awards["The Guardian's list of the 100 best books of the 21st century"] == (
        Award.Result.LISTED,
        2019,
        4,
    )
    critics = {c.critic: c for c in doc.critic_reviews}
    assert critics["Louis Menand"].publication == "The New Yorker"
    assert critics["Louis Menand"].published_on == date(2005, 3, 28)
    assert critics["Sarah Kerr"].published_on == date(2005, 4, 17)
    assert critics["Joseph O'Neill"].published_label == "May 2005"
    assert critics["Anne Whitehead"].kind == CriticReview.Kind.SCHOLAR
    assert critics["Theo Tait"].excerpt.startswith("Theo Tait, a writer for The Daily Telegraph")
    media = [(a.medium, a.title, a.year, a.status) for a in doc.adaptations]
    assert media == [
        (Adaptation.Medium.FILM, "Never Let Me Go", 2010, Adaptation.Status.RELEASED),
        (Adaptation.Medium.STAGE, "Watashi wo Hanasanaide", 2014, Adaptation.Status.STAGED),
        (Adaptation.Medium.TV_DRAMA, "Watashi wo Hanasanaide", 2016, Adaptation.Status.AIRED),
        (Adaptation.Medium.TV_SERIES, "Never Let Me Go", None, Adaptation.Status.CANCELLED),
    ]
    film = doc.adaptations[0]
    assert ("Carey Mulligan", "Kathy") in {(c.name, c.character) for c in film.credits}
    ratings = {r.name: r for r in doc.external_ratings}
    assert (ratings["Metacritic"].value, ratings["Metacritic"].count) == (78, 34)


# --- broken documents ------------------------------------------------------------------


def test_truncated_library_record_fails_naming_the_file_and_last_line(seed_copy):
    lines = LIBRARY.read_text().splitlines()
    broken = seed_copy(LIBRARY, text="\n".join(lines[:10]))
    with pytest.raises(SeedError) as caught:
        parse_file(broken)
    assert caught.value.path.name == LIBRARY.name
    assert caught.value.line == 10
    assert "ISBN" in str(caught.value) and "truncated" in str(caught.value)


def test_truncated_encyclopedia_article_fails(seed_copy):
    text = ENCYCLOPEDIA.read_text()
    broken = seed_copy(ENCYCLOPEDIA, text=text[: text.index("Main characters")])
    with pytest.raises(SeedError, match="Main characters"):
        parse_file(broken)


def test_a_comment_cut_off_after_its_date_fails_at_that_line(seed_copy):
    text = LIBRARY.read_text()
    cut = text.index("  • modestgoddess")
    broken = seed_copy(LIBRARY, text=text[:cut] + "\nView All Comments\n")
    with pytest.raises(SeedError) as caught:
        parse_file(broken)
    assert caught.value.line == 36
    assert "rated this" in caught.value.reason


def test_unknown_kind_of_document_is_refused(seed_copy):
    odd = seed_copy(LIBRARY, text="A shopping list\n\nEggs\nMilk\n")
    with pytest.raises(SeedError, match="unknown kind of document") as caught:
        parse_file(odd)
    assert LIBRARY.name in str(caught.value)


@pytest.mark.parametrize(
    ("original", "old", "new", "line"),
    [
        (LIBRARY, "ISBN: 9781400043392", "ISBN: 9781400043393", 11),
        (BOOK_REVIEW_BLOG, "ISBN: 9780571224135", "ISBN: 9780571224136", 9),
        (ENCYCLOPEDIA, "ISBN1-4000-4339-5", "ISBN1-4000-4339-6", 16),
    ],
)
def test_bad_isbn_check_digit_fails_at_its_line(seed_copy, original, old, new, line):
    broken = seed_copy(original, replace=(old, new))
    with pytest.raises(SeedError, match="wrong check digit") as caught:
        parse_file(broken)
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("original", "old", "new", "words"),
    [
        (LIBRARY, "Dec 27, 2014", "Dec 32, 2014", "not a real date"),
        (LIBRARY, "Feb 13, 2014", "Feb 29, 2014", "not a real date"),
        (LIBRARY, "October 21, 2014", "Octember 21, 2014", "not a month"),
        (BOOK_REVIEW_BLOG, "April, 5th 2005", "April, 31st 2005", "not a real date"),
        (BOOK_REVIEW_BLOG, "April, 5th 2005", "sometime in spring", "not a date"),
    ],
)
def test_bad_dates_fail_with_the_line(seed_copy, original, old, new, words):
    broken = seed_copy(original, replace=(old, new))
    with pytest.raises(SeedError, match=words) as caught:
        parse_file(broken)
    assert caught.value.line is not None


def test_a_rating_that_is_not_a_half_star_step_is_refused(seed_copy):
    broken = seed_copy(LIBRARY, replace=("rated this: 3.5 stars", "rated this: 3.7 stars"))
    with pytest.raises(SeedError, match="half-star") as caught:
        parse_file(broken)
    assert caught.value.line == 65


def test_an_age_vote_by_someone_else_than_the_rater_is_refused(seed_copy):
    broken = seed_copy(LIBRARY, replace=("dida thinks", "someone thinks"))
    with pytest.raises(SeedError, match="the vote is by someone"):
        parse_file(broken)


def test_a_file_that_is_not_utf8_is_refused(seed_copy, tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"Never Let Me Go\n\xff\xfe broken")
    with pytest.raises(SeedError, match="not UTF-8") as caught:
        parse_file(path)
    assert caught.value.line == 2
