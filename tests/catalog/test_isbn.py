import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import isbn

NOVEL_13 = "9781400043392"


@pytest.mark.parametrize(
    "raw",
    [
        "9781400043392",
        "978-1-4000-4339-2",
        "978 1 4000 4339 2",
        "1400043395",
        "1-4000-4339-5",
        "ISBN 1-4000-4339-5",
        "ISBN-13: 978-1400043392",
        " 1–4000–4339–5 ",
    ],
)
def test_every_written_form_of_the_novels_isbn_normalises_to_one_isbn13(raw):
    assert isbn.normalise(raw) == NOVEL_13


def test_an_isbn10_ending_in_x_is_accepted_in_either_case():
    assert isbn.normalise("0-8044-2957-x") == isbn.normalise("080442957X") == "9780804429573"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("9781400043393", "wrong check digit"),
        ("1400043396", "wrong check digit"),
        ("12345", "10 or 13"),
        ("", "needed"),
        ("97814000433X2", "thirteen digits"),
        ("9771400043392", "978 or 979"),
        ("14000433XX", "nine digits"),
    ],
)
def test_invalid_isbns_are_rejected_with_a_reason(raw, words):
    with pytest.raises(isbn.InvalidISBN, match=words):
        isbn.normalise(raw)


def test_979_isbns_have_no_isbn10_form():
    number = isbn.isbn13_with_check_digit("979100000000")
    assert isbn.normalise(number) == number
    assert isbn.to_isbn10(number) is None


def test_looks_like_isbn_does_not_check_the_check_digit():
    assert isbn.looks_like_isbn("978-1-4000-4339-3")
    assert not isbn.looks_like_isbn("never let me go")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_isbn10_round_trips_through_isbn13(first_nine):
    isbn10 = isbn.isbn10_with_check_digit(first_nine)
    canonical = isbn.normalise(isbn10)
    assert len(canonical) == 13 and canonical.startswith("978")
    assert isbn.to_isbn10(canonical) == isbn10
    assert isbn.normalise(canonical) == canonical


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["-", " ", ""]))
def test_separators_never_change_the_result(first_nine, separator):
    plain = isbn.isbn13_with_check_digit("978" + first_nine)
    spaced = separator.join([plain[:3], plain[3], plain[4:8], plain[8:12], plain[12]])
    assert isbn.normalise(spaced) == plain


@given(
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_digit_breaks_the_check_digit(first_nine, position, delta):
    plain = isbn.isbn13_with_check_digit("978" + first_nine)
    digit = (int(plain[position]) + delta) % 10
    typo = plain[:position] + str(digit) + plain[position + 1 :]
    assert not isbn.is_valid(typo) or typo[:3] not in {"978", "979"}
