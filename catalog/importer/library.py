"""The public-library catalog record (BiblioCommons).

Besides the bibliographic record it parses the community activity (comments with
star ratings, age-suitability votes) and the staff notes, including the announced
discussion date; the catalog step stores none of the community activity — a
post-import step does.
"""

from __future__ import annotations

import re
from pathlib import Path

from catalog import isbn as isbn_rules
from catalog.importer.documents import (
    AgeVote,
    AuthorFacts,
    CommunityComment,
    DescriptionFacts,
    EditionFacts,
    ParsedDocument,
    RatingFacts,
)
from catalog.importer.text import (
    Document,
    clean,
    invert_name,
    looks_like_date,
    parse_date,
    parse_decimal,
    parse_star_rating,
)
from catalog.models import Description, Source

RECORD_FIELD = re.compile(r"^(?P<key>[A-Z][A-Za-z ]+?):\s*(?P<value>.*)$")
RATED = re.compile(r"^•\s*(?P<handle>\S+)(?: rated this: (?P<stars>[\d.]+) stars? out of 5\.?)?$")
SUITABLE = re.compile(
    r"^(?P<handle>\S+) thinks this title is suitable for (?P<age>\d+) years and over\.?$"
)
DISCUSSION = re.compile(r"Join the discussion on (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\.")
PUBLISHER = re.compile(
    r"^(?:(?P<place>[^:]+?)\s*:\s*)?(?P<publisher>.+?)(?:,\s*(?P<year>\d{4}))?\.?$"
)


def parse(path: Path, text: str) -> ParsedDocument:
    doc = Document(path, text)
    title_line, title = doc.first_nonblank()
    author_found = doc.find(r"^[^\s,]+(?: [^\s,]+)*, [^,]+$", title_line + 1)
    if not author_found or author_found[0] > title_line + 4:
        raise doc.error(title_line + 1, "the author line (“Surname, Given names”) is missing")
    sort_name = clean(doc.lines[author_found[0] - 1])
    authors = (AuthorFacts(invert_name(sort_name), sort_name),)

    year = None
    format_line = doc.find(r"^\((?P<format>[^)]*?) - (?P<year>\d{4})\)$", author_found[0])
    if format_line:
        year = int(format_line[1]["year"])

    ratings = []
    if average := doc.find(r"^Average Rating: (?P<stars>[\d.]+) stars? out of (?P<scale>\d+)\.?$"):
        line, match = average
        ratings.append(
            RatingFacts(
                "Library members’ average",
                parse_decimal(doc, line, match["stars"]),
                parse_decimal(doc, line, match["scale"]),
            )
        )

    isbn_line, _ = doc.require(r"^ISBN:", "The record’s “ISBN:” line")
    record_start = isbn_line
    while record_start > 1 and RECORD_FIELD.match(doc.lines[record_start - 2].strip()):
        record_start -= 1
    record: dict[str, tuple[int, str]] = {}
    number = record_start
    while number <= doc.last_line and (field := RECORD_FIELD.match(doc.lines[number - 1].strip())):
        record[field["key"]] = (number, clean(field["value"]))
        number += 1

    descriptions = []
    # The header lines (format, rating, title again) run straight into the publisher's
    # description without blank lines, so this goes line by line.
    for number in range(author_found[0] + 1, record_start):
        body = clean(doc.lines[number - 1])
        if body == title or body.startswith(("(", "Average Rating:")) or len(body) < 80:
            continue
        descriptions.append(DescriptionFacts(Description.Kind.PUBLISHER, body))

    edition = _edition(doc, record, year)

    staff_start = doc.find(r"^From Library Staff$")
    staff_end = doc.find(r"^(From the critics|Community Activity)$")
    staff_notes: list[str] = []
    discussion_date = None
    teaser = ""
    if staff_start:
        end = staff_end[0] if staff_end else doc.last_line + 1
        for paragraph in doc.paragraphs(staff_start[0] + 1, end):
            body = clean(paragraph.text)
            staff_notes.append(body)
            if (announced := DISCUSSION.search(body)) and discussion_date is None:
                discussion_date = parse_date(doc, paragraph.line, announced["date"])
                teaser = body
            else:
                descriptions.append(DescriptionFacts(Description.Kind.STAFF_NOTE, body))

    comments = _comments(doc)
    votes = _age_votes(doc)
    library = "MCL" if re.search(r"^Find it at MCL$", text, re.M) else "the library"
    return ParsedDocument(
        path=path,
        kind=Source.Kind.LIBRARY_CATALOG,
        title=f"{title} — catalog record at {library} (BiblioCommons)",
        book_title=title,
        authors=authors,
        first_published_year=year,
        editions=(edition,),
        descriptions=tuple(descriptions),
        external_ratings=tuple(ratings),
        community_comments=tuple(comments),
        age_votes=tuple(votes),
        staff_notes=tuple(staff_notes),
        discussion_date=discussion_date,
        discussion_teaser=teaser,
    )


def _edition(doc: Document, record: dict[str, tuple[int, str]], year: int | None) -> EditionFacts:
    isbn_line, raw_isbn = record["ISBN"]
    try:
        isbn13 = isbn_rules.normalise(raw_isbn.split()[0] if raw_isbn else "")
    except isbn_rules.InvalidISBN as error:
        raise doc.error(isbn_line, str(error)) from None
    place = publisher = ""
    if "Publisher" in record:
        match = PUBLISHER.match(record["Publisher"][1])
        if match:
            place, publisher = clean(match["place"] or ""), clean(match["publisher"])
            year = int(match["year"]) if match["year"] else year
    pages, dimensions = None, ""
    if "Characteristics" in record:
        characteristics = record["Characteristics"][1]
        if found := re.search(r"(\d+) p\b", characteristics):
            pages = int(found[1])
        if found := re.search(r"(\d+(?:\.\d+)?\s*cm)", characteristics):
            dimensions = found[1]
    return EditionFacts(
        isbn13=isbn13,
        line=isbn_line,
        publisher=publisher,
        place=place,
        year=year,
        edition_statement=record.get("Edition", (0, ""))[1],
        pages=pages,
        dimensions=dimensions,
        call_number_local=record.get("Branch Call Number", (0, ""))[1],
    )


def _section(doc: Document, heading: str, ends: str) -> tuple[int, int] | None:
    start = doc.find(heading)
    if not start:
        return None
    end = doc.find(ends, start[0] + 1)
    return start[0] + 1, (end[0] if end else doc.last_line + 1)


def _dated_entries(doc: Document, start: int, end: int) -> list[tuple[int, list[tuple[int, str]]]]:
    """Split a section into entries, each starting at a date line; keeps (line, text) pairs."""
    entries: list[tuple[int, list[tuple[int, str]]]] = []
    for number in range(start, end):
        line = doc.lines[number - 1].strip()
        if looks_like_date(line):
            entries.append((number, []))
        elif entries:
            entries[-1][1].append((number, line))
        elif line:
            raise doc.error(number, f"expected a date line such as “Dec 27, 2014”, found “{line}”")
    return entries


def _rated(doc: Document, date_line: int, rest: list[tuple[int, str]]):
    nonblank = [(number, text) for number, text in rest if text]
    if not nonblank or not (rated := RATED.match(nonblank[0][1])):
        raise doc.error(
            date_line + 1, "the entry has no “• handle rated this: N stars out of 5.” line"
        )
    stars = rated["stars"]
    rating = parse_star_rating(doc, nonblank[0][0], stars) if stars else None
    return rated["handle"], rating, nonblank[0][0]


def _comments(doc: Document) -> list[CommunityComment]:
    section = _section(doc, r"^Add a Comment$", r"^(View All Comments|Add Age Suitability)$")
    if not section:
        return []
    comments = []
    for date_line, rest in _dated_entries(doc, *section):
        posted_on = parse_date(doc, date_line, doc.lines[date_line - 1])
        handle, rating, rated_line = _rated(doc, date_line, rest)
        body_lines = [text for number, text in rest if number > rated_line]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
        if not body:
            raise doc.error(rated_line, f"the comment by {handle} has no text")
        comments.append(CommunityComment(handle, posted_on, rating, body, date_line))
    return comments


def _age_votes(doc: Document) -> list[AgeVote]:
    section = _section(doc, r"^Add Age Suitability$", r"^Add a (Summary|Notice|Quote)$")
    if not section:
        return []
    votes = []
    for date_line, rest in _dated_entries(doc, *section):
        posted_on = parse_date(doc, date_line, doc.lines[date_line - 1])
        handle, rating, rated_line = _rated(doc, date_line, rest)
        statement = next(((n, t) for n, t in rest if n > rated_line and t), None)
        if not statement or not (suitable := SUITABLE.match(statement[1])):
            raise doc.error(
                rated_line + 1, "expected “… thinks this title is suitable for N years and over”"
            )
        if suitable["handle"] != handle:
            raise doc.error(
                statement[0], f"the vote is by {suitable['handle']} but the rating by {handle}"
            )
        votes.append(AgeVote(handle, posted_on, rating, int(suitable["age"]), date_line))
    return votes
