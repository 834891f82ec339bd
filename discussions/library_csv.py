"""Reading Goodreads and StoryGraph library exports: their real headers, one row per book.

Pure parsing, no database: the whole file is read and checked before anything is written,
so a malformed file is refused (with its line and column) and leaves no rows. Goodreads'
header list is the exporter's (discussions/exporting.py): both sides use one definition.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from catalog import isbn as isbn_rules
from discussions.exporting import GOODREADS_HEADERS

# StoryGraph's export columns, in its order.
STORYGRAPH_HEADERS = [
    "Title",
    "Authors",
    "Contributors",
    "ISBN/UID",
    "Format",
    "Read Status",
    "Date Added",
    "Last Date Read",
    "Dates Read",
    "Read Count",
    "Moods",
    "Pace",
    "Character- or Plot-Driven?",
    "Strong Character Development?",
    "Loveable Characters?",
    "Diverse Characters?",
    "Flawed Characters?",
    "Star Rating",
    "Review",
    "Content Warnings",
    "Content Warning Description",
    "Tags",
    "Owned?",
]
# What each format must have for us to read it: all of Goodreads' columns, which have not
# changed in years; StoryGraph's have grown, so only those we read.
GOODREADS_NEEDS = GOODREADS_HEADERS
STORYGRAPH_NEEDS = ["Title", "Authors", "ISBN/UID", "Read Status", "Star Rating"]
STATUSES = {"to-read", "currently-reading", "read", "did-not-finish"}
MAX_ROWS = 10_000


class MalformedFile(ValueError):
    """The file cannot be read as that export; the message names the line and column."""

    def __init__(self, message: str, *, line: int, column: str = ""):
        where = f"Line {line}" + (f", column “{column}”" if column else "")
        super().__init__(f"{where}: {message}")
        self.line, self.column = line, column


@dataclass
class Row:
    """One book of the export, in our terms."""

    line: int
    title: str
    author: str
    isbn13: str = ""  # canonical, from an ISBN-13 cell
    isbn10_as_13: str = ""  # canonical, from an ISBN-10 cell
    status: str = ""  # one of STATUSES, or "" for none
    shelves: list[str] = field(default_factory=list)  # the member's own shelves
    rating: Decimal | None = None
    rating_given: str = ""  # as written, when rounding changed it
    reads: list[tuple[datetime.date | None, datetime.date | None]] = field(default_factory=list)
    pages: int | None = None
    review: str = ""
    private_notes: str = ""


def detect_format(header: list[str]) -> str:
    if "Exclusive Shelf" in header:
        return "goodreads"
    if "Read Status" in header:
        return "storygraph"
    return ""


def half_stars(raw: str, *, line: int, column: str) -> tuple[Decimal | None, str]:
    """A star rating rounded to our half stars (0 or empty: not rated), and what was written
    when rounding changed it."""
    text = raw.strip()
    if not text:
        return None, ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MalformedFile(f"“{text}” is not a star rating.", line=line, column=column) from None
    if not 0 <= value <= 5:
        raise MalformedFile(f"{text} stars is outside 0 to 5.", line=line, column=column)
    if value == 0:
        return None, ""
    rounded = max((value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2, Decimal("0.5"))
    return rounded, (text if rounded != value else "")


def parse_day(raw: str, *, line: int, column: str) -> datetime.date | None:
    text = raw.strip()
    if not text:
        return None
    for pattern in ("%Y/%m/%d", "%Y-%m-%d", "%Y/%m", "%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise MalformedFile(
        f"“{text}” is not a date (write it as YYYY/MM/DD).", line=line, column=column
    )


def _isbn(raw: str) -> str:
    """A cell's ISBN (Goodreads writes ="0141036141"), canonical, or "" when there is none
    or it is not one (an ISBN we cannot use is not a reason to refuse the file)."""
    text = raw.strip().removeprefix("=").strip('"').strip()
    try:
        return isbn_rules.normalise(text) if text else ""
    except isbn_rules.InvalidISBN:
        return ""


_SPOILER = re.compile(
    r"\(view spoiler\)\[(.*?)\(hide spoiler\)\]|<spoiler>(.*?)</spoiler>", re.DOTALL | re.I
)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _spoiler_lines(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "\n\n" + "\n".join(f">! {line}" for line in lines) + "\n\n"


def review_markup(raw: str, *, whole_spoiler: bool = False) -> str:
    """An exported review as our comment markup: line breaks kept, spoilers (Goodreads'
    "(view spoiler)[…(hide spoiler)]" and <spoiler> tags, or a review marked as a spoiler)
    as ">!" spoiler lines, other tags dropped (the markup escapes what is left)."""
    text = _BREAK.sub("\n", raw or "")
    text = _SPOILER.sub(lambda m: _spoiler_lines(m.group(1) or m.group(2) or ""), text)
    text = _TAG.sub("", text).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if whole_spoiler and text:
        text = _spoiler_lines(text).strip()
    return text


def match_key(title: str, author: str) -> tuple[str, str]:
    """Title and author as compared across catalogs: no accents, case, punctuation,
    leading article or series note ("(The Expanse, #1)")."""

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        return " ".join(re.sub(r"[^\w\s]", " ", text).split())

    title = re.sub(r"\s*\([^)]*#[\d.]+\)\s*$", "", title)
    title = re.sub(r"^(the|an?)\s+", "", plain(title))
    return title, plain(author)


def _shelf_names(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def _number(raw: str, *, line: int, column: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit():
        raise MalformedFile(f"“{text}” is not a whole number.", line=line, column=column)
    return int(text) or None


def _goodreads_row(cells: dict[str, str], line: int) -> Row:
    def cell(name: str) -> str:
        return cells.get(name) or ""

    rating, given = half_stars(cell("My Rating"), line=line, column="My Rating")
    shelf = cell("Exclusive Shelf").strip()
    status = shelf if shelf in STATUSES else ""
    own = [name for name in _shelf_names(cell("Bookshelves")) if name not in STATUSES]
    if shelf and not status and shelf not in own:
        own.insert(0, shelf)  # a custom exclusive shelf is still a shelf
    finished = parse_day(cell("Date Read"), line=line, column="Date Read")
    count = _number(cell("Read Count"), line=line, column="Read Count") or 0
    reads = [(None, finished)] if finished or (status == "read" and count) else []
    if status == "read" and not reads:
        reads = [(None, None)]
    return Row(
        line=line,
        title=cell("Title").strip(),
        author=cell("Author").strip(),
        isbn13=_isbn(cell("ISBN13")),
        isbn10_as_13=_isbn(cell("ISBN")),
        status=status,
        shelves=own,
        rating=rating,
        rating_given=given,
        reads=reads,
        pages=_number(cell("Number of Pages"), line=line, column="Number of Pages"),
        review=review_markup(
            cell("My Review"), whole_spoiler=cell("Spoiler").strip().lower() == "true"
        ),
        private_notes=cell("Private Notes").strip(),
    )


def _storygraph_reads(raw: str, last: str, line: int) -> list:
    """ "2023/01/05-2023/01/20, 2024/02/01-2024/02/09" (a range per read) or only the last."""
    reads = []
    for part in [p.strip() for p in raw.split(",") if p.strip()]:
        start, _, end = part.partition("-") if "/" in part else ("", "", part)
        reads.append(
            (
                parse_day(start, line=line, column="Dates Read") if end else None,
                parse_day(end or start, line=line, column="Dates Read"),
            )
        )
    if not reads and last.strip():
        reads = [(None, parse_day(last, line=line, column="Last Date Read"))]
    return reads


def _storygraph_row(cells: dict[str, str], line: int) -> Row:
    def cell(name: str) -> str:
        return cells.get(name) or ""

    rating, given = half_stars(cell("Star Rating"), line=line, column="Star Rating")
    status = cell("Read Status").strip().lower()
    if status and status not in STATUSES:
        raise MalformedFile(
            f"“{status}” is not a StoryGraph read status.", line=line, column="Read Status"
        )
    reads = _storygraph_reads(cell("Dates Read"), cell("Last Date Read"), line)
    if status == "read" and not reads:
        reads = [(None, None)]
    isbn = _isbn(cell("ISBN/UID"))
    return Row(
        line=line,
        title=cell("Title").strip(),
        author=_shelf_names(cell("Authors"))[0] if cell("Authors").strip() else "",
        isbn13=isbn if len(isbn_rules.compact(cell("ISBN/UID"))) == 13 else "",
        isbn10_as_13=isbn if len(isbn_rules.compact(cell("ISBN/UID"))) == 10 else "",
        status=status,
        shelves=_shelf_names(cell("Tags")),
        rating=rating,
        rating_given=given,
        reads=reads,
        review=review_markup(cell("Review")),
    )


def parse_export(text: str, *, expected: str = "") -> tuple[str, list[Row]]:
    """(format, rows) of a whole export, or MalformedFile naming the first bad line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise MalformedFile(f"the header cannot be read ({error}).", line=1) from None
    kind = detect_format(header)
    if not kind:
        raise MalformedFile(
            "this is not a Goodreads or StoryGraph export: the first line has neither "
            "“Exclusive Shelf” (Goodreads) nor “Read Status” (StoryGraph).",
            line=1,
        )
    if expected and kind != expected:
        names = {"goodreads": "Goodreads", "storygraph": "StoryGraph"}
        raise MalformedFile(f"this is a {names[kind]} export, not a {names[expected]} one.", line=1)
    needs = GOODREADS_NEEDS if kind == "goodreads" else STORYGRAPH_NEEDS
    missing = [name for name in needs if name not in header]
    if missing:
        raise MalformedFile(
            "the header lacks " + ", ".join(f"“{m}”" for m in missing) + ".", line=1
        )
    build = _goodreads_row if kind == "goodreads" else _storygraph_row
    rows: list[Row] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise MalformedFile(f"the CSV is broken here ({error}).", line=line) from None
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(header):
                column = header[len(cells)] if len(cells) < len(header) else ""
                raise MalformedFile(
                    f"this row has {len(cells)} fields; the header has {len(header)}.",
                    line=line,
                    column=column,
                )
            rows.append(build(dict(zip(header, cells, strict=True)), line))
            if len(rows) > MAX_ROWS:
                raise MalformedFile(f"a file has at most {MAX_ROWS:,} books.", line=line)
        line = reader.line_num + 1
    return kind, rows
