"""Reading captured web pages: numbered lines, paragraphs, dates and errors that name the line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path


class SeedError(Exception):
    """A document cannot be imported; the message names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.reason = message
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based number of its first line
    text: str  # lines joined with "\n", surrounding whitespace stripped


def clean(text: str) -> str:
    """Collapse runs of spaces and strip; keeps curly quotes and other characters as captured."""
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def strip_citations(text: str) -> str:
    """Remove encyclopedia reference markers such as [12]."""
    return clean(re.sub(r"\[\d+\]", "", text))


class Document:
    """The text of one file with helpers that keep line numbers for error messages."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def error(self, line: int | None, message: str) -> SeedError:
        return SeedError(self.path, line, message)

    @property
    def last_line(self) -> int:
        return len(self.lines)

    def paragraphs(self, start: int = 1, end: int | None = None) -> list[Paragraph]:
        """Blank-line separated blocks between 1-based lines start and end (exclusive)."""
        end = end or len(self.lines) + 1
        blocks: list[Paragraph] = []
        current: list[str] = []
        first = start
        for number in range(start, end):
            line = self.lines[number - 1]
            if line.strip():
                if not current:
                    first = number
                current.append(line.strip())
            elif current:
                blocks.append(Paragraph(first, "\n".join(current)))
                current = []
        if current:
            blocks.append(Paragraph(first, "\n".join(current)))
        return blocks

    def find(
        self, pattern: str, start: int = 1, end: int | None = None
    ) -> tuple[int, re.Match] | None:
        """First line (1-based number, match) from start whose stripped text matches pattern."""
        regex = re.compile(pattern)
        end = end or len(self.lines) + 1
        for number in range(start, end):
            match = regex.search(self.lines[number - 1].strip())
            if match:
                return number, match
        return None

    def require(self, pattern: str, what: str, start: int = 1) -> tuple[int, re.Match]:
        found = self.find(pattern, start)
        if found is None:
            raise self.error(
                self.last_line,
                f"{what} is missing (the document ends at line {self.last_line}; is it truncated?)",
            )
        return found

    def first_nonblank(self) -> tuple[int, str]:
        for number, line in enumerate(self.lines, start=1):
            if line.strip():
                return number, clean(line)
        raise self.error(None, "the document is empty")


MONTHS = {
    name.lower(): number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_MONTH_DAY_YEAR = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?,? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})$"
)
_DAY_MONTH_YEAR = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Za-z]+) (?P<year>\d{4})$")


def parse_date(doc: Document, line: int, text: str) -> date:
    """“Dec 27, 2014”, “October 21, 2014”, “April, 5th 2005” or “28 March 2005”."""
    text = clean(text)
    match = _MONTH_DAY_YEAR.match(text) or _DAY_MONTH_YEAR.match(text)
    if not match:
        raise doc.error(line, f"“{text}” is not a date this importer understands")
    month = MONTHS.get(match["month"].lower())
    if month is None:
        raise doc.error(line, f"“{match['month']}” in “{text}” is not a month")
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError as error:
        raise doc.error(line, f"“{text}” is not a real date ({error})") from None


def looks_like_date(text: str) -> bool:
    return bool(_MONTH_DAY_YEAR.match(clean(text)) or _DAY_MONTH_YEAR.match(clean(text)))


def parse_partial_date(text: str) -> tuple[date | None, str]:
    """A citation date: a full day gives a date; “May 2005” or “Spring 2011” a label only."""
    text = clean(text)
    match = _DAY_MONTH_YEAR.match(text) or _MONTH_DAY_YEAR.match(text)
    if match and match["month"].lower() in MONTHS:
        try:
            return datetime(
                int(match["year"]), MONTHS[match["month"].lower()], int(match["day"])
            ).date(), ""
        except ValueError:
            return None, text
    return None, text


def parse_decimal(doc: Document, line: int, text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise doc.error(line, f"“{text}” is not a number") from None


def parse_star_rating(doc: Document, line: int, text: str) -> Decimal:
    """A library rating in half-star steps between 0.5 and 5."""
    value = parse_decimal(doc, line, text)
    if not (Decimal("0.5") <= value <= 5) or (value * 2) % 1:
        raise doc.error(line, f"rating “{text}” is not a half-star step between 0.5 and 5")
    return value


def split_list(text: str) -> list[str]:
    """“cloning, women, and dystopian” -> [cloning, women, dystopian]."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|;\s*", text)
    return [clean(part) for part in parts if clean(part)]


def invert_name(sort_name: str) -> str:
    """“Ishiguro, Kazuo” -> “Kazuo Ishiguro”."""
    if "," in sort_name:
        surname, given = (clean(part) for part in sort_name.split(",", 1))
        return f"{given} {surname}".strip()
    return clean(sort_name)


def sort_name_for(name: str) -> str:
    """“Kazuo Ishiguro” -> “Ishiguro, Kazuo”."""
    parts = clean(name).rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else clean(name)


BY_AUTHOR = re.compile(r"^(?P<title>.+?) by (?P<authors>[A-Z].+)$")
