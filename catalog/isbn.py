"""ISBN parsing: any written form of an ISBN-10 or ISBN-13 becomes one canonical ISBN-13.

Pure functions, no Django: the importer, the admin, the /isbn/ redirect and search
all agree on what an ISBN is because they all call `normalise`.
"""

from __future__ import annotations

import re

# Hyphens, spaces and the Unicode dashes that documents pasted from the web contain.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]")
_PREFIX = re.compile(r"^ISBN(?:-1[03])?:?", re.IGNORECASE)


class InvalidISBN(ValueError):
    """The text is not an ISBN; the message says why, in words a reader understands."""


def _isbn10_check_digit(first_nine: str) -> str:
    total = sum((10 - index) * int(digit) for index, digit in enumerate(first_nine))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check_digit(first_twelve: str) -> str:
    total = sum(
        int(digit) * (1 if index % 2 == 0 else 3) for index, digit in enumerate(first_twelve)
    )
    return str((10 - total % 10) % 10)


def compact(raw: str) -> str:
    """Drop an "ISBN" prefix, hyphens and spaces; upper-case a trailing x."""
    return _SEPARATORS.sub("", _PREFIX.sub("", raw.strip())).upper()


def normalise(raw: str) -> str:
    """Return the canonical ISBN-13 for an ISBN-10 or ISBN-13, or raise InvalidISBN."""
    digits = compact(raw)
    if not digits:
        raise InvalidISBN("An ISBN is needed.")
    if len(digits) == 10:
        if not re.fullmatch(r"\d{9}[\dX]", digits):
            raise InvalidISBN(
                f"“{raw}” is not an ISBN-10: it needs nine digits and a final digit or X."
            )
        if _isbn10_check_digit(digits[:9]) != digits[9]:
            raise InvalidISBN(
                f"“{raw}” has the wrong check digit for an ISBN-10 "
                f"(expected {_isbn10_check_digit(digits[:9])}); check it for a typing mistake."
            )
        body = "978" + digits[:9]
        return body + _isbn13_check_digit(body)
    if len(digits) == 13:
        if not digits.isdigit():
            raise InvalidISBN(f"“{raw}” is not an ISBN-13: it must be thirteen digits.")
        if not digits.startswith(("978", "979")):
            raise InvalidISBN(f"“{raw}” is not an ISBN-13: ISBN-13s start with 978 or 979.")
        if _isbn13_check_digit(digits[:12]) != digits[12]:
            raise InvalidISBN(
                f"“{raw}” has the wrong check digit for an ISBN-13 "
                f"(expected {_isbn13_check_digit(digits[:12])}); check it for a typing mistake."
            )
        return digits
    raise InvalidISBN(
        f"“{raw}” has {len(digits)} characters once hyphens and spaces are removed; "
        "an ISBN has 10 or 13."
    )


def is_valid(raw: str) -> bool:
    try:
        normalise(raw)
    except InvalidISBN:
        return False
    return True


def looks_like_isbn(raw: str) -> bool:
    """True when the text is shaped like an ISBN (right length of digits), valid or not."""
    return bool(re.fullmatch(r"\d{9}[\dX]|\d{13}", compact(raw)))


def to_isbn10(isbn13: str) -> str | None:
    """The ISBN-10 form of a canonical 978 ISBN-13; None for 979 numbers, which have none."""
    digits = normalise(isbn13)
    if not digits.startswith("978"):
        return None
    return digits[3:12] + _isbn10_check_digit(digits[3:12])


def isbn13_with_check_digit(first_twelve: str) -> str:
    """Complete twelve digits into a valid ISBN-13 (used by tests and fixtures)."""
    return first_twelve + _isbn13_check_digit(first_twelve)


def isbn10_with_check_digit(first_nine: str) -> str:
    return first_nine + _isbn10_check_digit(first_nine)
