"""The encyclopedia article (Wikipedia): infobox, plot, characters, reception, awards, adaptations.

Section headings survive only for some sections (“Main characters[edit]”); the rest
are recognised by where they sit (blocks are separated by two blank lines) and by
what they say.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from catalog import isbn as isbn_rules
from catalog.importer.documents import (
    AuthorFacts,
    BookRef,
    CharacterFacts,
    CriticFacts,
    DescriptionFacts,
    EditionFacts,
    ParsedDocument,
    RatingFacts,
    SubjectFacts,
)
from catalog.importer.encyclopedia_sections import adaptations_from, awards_from
from catalog.importer.text import (
    Document,
    Paragraph,
    clean,
    parse_partial_date,
    sort_name_for,
    split_list,
    strip_citations,
)
from catalog.models import Character, CriticReview, Description, Source, Subject

INFOBOX_KEYS = [
    "Author",
    "Cover artist",
    "Country",
    "Language",
    "Genre",
    "Publisher",
    "Publication date",
    "Publication place",
    "Media type",
    "Pages",
    "ISBN",
    "OCLC",
    "Dewey Decimal",
    "LC Class",
    "Preceded by",
    "Followed by",
    "Set in",
    "Series",
]
HEADING = re.compile(r"^(?P<title>[^.]{2,60})\[edit\]$")
CHARACTER = re.compile(r"^•\s*(?P<name>[^–(]+?)\s*(?:\((?P<alias>[^)]+)\))?\s*[–-]\s*(?P<text>.+)$")
REFERENCE = re.compile(r"^(?P<number>\d+)\. \^ (?:[a-z] )*(?P<body>.+)$")
CITED = re.compile(r"\[(?P<number>\d+)\]")


def parse(path: Path, text: str) -> ParsedDocument:
    doc = Document(path, text)
    banner_line, _ = doc.require(r"^From Wikipedia, the free encyclopedia$", "The article banner")
    article_title = ""
    for number in range(banner_line - 1, 0, -1):
        if doc.lines[number - 1].strip() and doc.lines[number - 1].strip() != "Jump to content":
            article_title = clean(doc.lines[number - 1])
            break
    if not article_title:
        raise doc.error(banner_line, "the article title above the banner is missing")
    title = re.sub(r"\s*\((?:novel|book)\)$", "", article_title)

    infobox, body_start = _infobox(doc, banner_line + 1)
    if "ISBN" not in infobox:
        raise doc.error(banner_line + 1, "the infobox has no ISBN")
    author_names = split_list(infobox.get("Author", (0, ""))[1])
    authors = tuple(AuthorFacts(name, sort_name_for(name)) for name in author_names)
    isbn_line, isbn_text = infobox["ISBN"]
    isbn_match = re.match(r"^(?P<isbn>[\dXx\- ]+?)\s*(?:\((?P<note>[^)]*)\))?$", isbn_text)
    try:
        isbn13 = isbn_rules.normalise(isbn_match["isbn"] if isbn_match else isbn_text)
    except isbn_rules.InvalidISBN as error:
        raise doc.error(isbn_line, str(error)) from None
    note = split_list(isbn_match["note"] or "") if isbn_match else []
    edition = EditionFacts(
        isbn13=isbn13,
        line=isbn_line,
        edition_statement=next((n for n in note if "edition" in n), ""),
        binding=next((n for n in note if n in {"hardback", "paperback", "hardcover"}), ""),
        cover_artist=infobox.get("Cover artist", (0, ""))[1],
        call_number_dewey=infobox.get("Dewey Decimal", (0, ""))[1],
        call_number_lc=infobox.get("LC Class", (0, ""))[1],
    )

    def neighbour(key: str) -> BookRef | None:
        if key not in infobox or not infobox[key][1]:
            return None
        return BookRef(infobox[key][1], authors)

    blocks = _blocks(doc, body_start)
    references = _references(blocks)
    headed = {heading: paragraphs for heading, paragraphs in blocks if heading}
    if "Main characters" not in headed:
        raise doc.error(doc.last_line, "the “Main characters” section is missing (truncated?)")
    heading_order = [heading for heading, _ in blocks]
    characters_at = heading_order.index("Main characters")
    before = [paragraphs for heading, paragraphs in blocks[:characters_at] if not heading]
    if not before:
        raise doc.error(body_start, "the article has no lead paragraph")
    lead = before[0]
    descriptions = [
        DescriptionFacts(Description.Kind.SUMMARY, strip_citations(p.text)) for p in lead
    ]
    rest = before[1:]
    plot = max(rest, key=len) if rest else []
    for paragraphs in rest:
        kind = Description.Kind.PLOT if paragraphs is plot else Description.Kind.BACKGROUND
        descriptions += [DescriptionFacts(kind, strip_citations(p.text)) for p in paragraphs]

    reception_at = (
        heading_order.index("Critical reception") if "Critical reception" in headed else len(blocks)
    )
    themes = [
        p
        for heading, paragraphs in blocks[characters_at:reception_at]
        if not heading
        for p in paragraphs
    ]
    descriptions += [
        DescriptionFacts(Description.Kind.THEMES, strip_citations(p.text)) for p in themes
    ]
    lead_text = " ".join(strip_citations(p.text) for p in lead)
    all_text = " ".join(p.text for p in lead + [p for ps in rest for p in ps])

    characters = [
        *_characters(headed.get("Main characters", []), Character.Role.MAIN),
        *_characters(headed.get("Minor characters", []), Character.Role.MINOR),
    ]
    reception = headed.get("Critical reception", [])
    critics = [
        critic
        for kind, paragraphs in [
            (CriticReview.Kind.SCHOLAR, themes),
            (CriticReview.Kind.CRITIC, reception[1:]),
        ]
        for paragraph in paragraphs
        for statement in _statements(paragraph)
        if (critic := _critic(statement, references, kind))
    ]
    ratings = _aggregate_ratings(reception[0].text) if reception else []

    awards_at = next(
        (i for i, heading in enumerate(heading_order) if heading.lower().startswith("awards")), None
    )
    lists_block = blocks[awards_at][1] if awards_at is not None else []
    awards = awards_from(lead_text) + awards_from(
        " ".join(strip_citations(p.text) for p in lists_block)
    )
    # Adaptations lost their heading: they are the unheaded paragraphs after the awards.
    adaptation_paragraphs = [
        strip_citations(p.text)
        for heading, paragraphs in (blocks[awards_at + 1 :] if awards_at is not None else [])
        if not heading
        for p in paragraphs
        if not REFERENCE.match(p.text)
    ]

    year = None
    if found := re.search(r"\bis an? (\d{4}) [\w ]*?novel\b", lead_text):
        year = int(found[1])
    original_title = ""
    if found := re.search(r"originally titled (?P<title>.+?)\.(?:\s|$)", strip_citations(all_text)):
        original_title = found["title"]
    genres = tuple(
        SubjectFacts(name.capitalize(), Subject.Kind.GENRE)
        for name in split_list(infobox.get("Genre", (0, ""))[1])
    )
    return ParsedDocument(
        path=path,
        kind=Source.Kind.ENCYCLOPEDIA,
        title=f"{article_title} — Wikipedia",
        url="https://en.wikipedia.org/wiki/" + article_title.replace(" ", "_"),
        book_title=title,
        authors=authors,
        original_title=original_title,
        first_published_year=year,
        original_publisher=infobox.get("Publisher", (0, ""))[1],
        original_place=infobox.get("Publication place", (0, ""))[1],
        media_type=infobox.get("Media type", (0, ""))[1],
        preceded_by=neighbour("Preceded by"),
        followed_by=neighbour("Followed by"),
        editions=(edition,),
        subjects=genres,
        descriptions=tuple(descriptions),
        characters=tuple(characters),
        awards=tuple(awards),
        adaptations=tuple(adaptations_from(adaptation_paragraphs, title)),
        critic_reviews=tuple(critics),
        external_ratings=tuple(ratings),
    )


def _infobox(doc: Document, start: int) -> tuple[dict[str, tuple[int, str]], int]:
    """Label-value lines (the label glued to its value) up to the first blank line."""
    keys = sorted(INFOBOX_KEYS, key=len, reverse=True)
    found: dict[str, tuple[int, str]] = {}
    number = start
    while number <= doc.last_line and not doc.lines[number - 1].strip():
        number += 1
    while number <= doc.last_line and doc.lines[number - 1].strip():
        line = clean(doc.lines[number - 1])
        key = next((k for k in keys if line.startswith(k)), None)
        if key:
            found[key] = (number, clean(line[len(key) :]))
        elif re.match(r"^\d{3}(?:/?\.\d+)?(?:/\.?\d+)?(?: \d+)?$", line):
            found["Dewey Decimal"] = (number, line)  # the Dewey row lost its label
        number += 1
    return found, number


def _blocks(doc: Document, start: int) -> list[tuple[str, list[Paragraph]]]:
    """Sections: runs of paragraphs separated by two blank lines or by a “…[edit]” heading."""
    blocks: list[tuple[str, list[Paragraph]]] = [("", [])]
    blank_run = 0
    for number in range(start, doc.last_line + 1):
        line = doc.lines[number - 1].strip()
        if not line:
            blank_run += 1
            continue
        if heading := HEADING.match(line):
            blocks.append((heading["title"], []))
        elif blank_run >= 2 and blocks[-1][1]:
            blocks.append(("", []))
        if not heading:
            blocks[-1][1].append(Paragraph(number, line))
        blank_run = 0
    return [(heading, paragraphs) for heading, paragraphs in blocks if paragraphs or heading]


def _references(blocks) -> dict[str, str]:
    return {
        match["number"]: match["body"]
        for _, paragraphs in blocks
        for p in paragraphs
        if (match := REFERENCE.match(p.text))
    }


def _characters(paragraphs: list[Paragraph], role: str) -> list[CharacterFacts]:
    found = []
    for paragraph in paragraphs:
        if match := CHARACTER.match(paragraph.text):
            found.append(
                CharacterFacts(
                    name=clean(match["name"]),
                    role=role,
                    description=strip_citations(match["text"]),
                    alias=clean(match["alias"] or ""),
                )
            )
    return found


CITATION = re.compile(
    r"^(?:(?P<surname>[^,(\"]+), (?P<given>[^(\"]+?) )?"
    r"(?:\((?P<date>[^)]+)\)\. )?"
    r"\"(?P<title>.+?)\"\.? (?P<publication>.+?)\.(?: [A-Z0-9]|$)"
)
NAME = r"[A-Z][\w.'’]+ [A-Z][\w.'’]+"
PLACE = r"[A-Z][\w.' ]+?"
CRITIC_LEADS = [
    re.compile(
        r"^In (?P<publication>[A-Z][\w ]+), (?:author |critic )?"
        r"(?P<critic>[A-Z][\w.'’ ]+?) (?:highlights|writes|argues|notes)"
    ),
    re.compile(rf"^(?P<critic>{NAME}), (?:in|a writer for|writing in) (?P<publication>{PLACE}),"),
    re.compile(
        rf"^(?P<critic>{NAME}) from (?P<publication>{PLACE}) (?:suggested|wrote|said|argued)"
    ),
    re.compile(
        rf"^(?:[A-Z][a-z]+ )?(?:author |writer |critic )?(?P<critic>{NAME}) "
        r"(?:speculates|labeled|labelled|wrote|argues|suggests)"
    ),
]


def _statements(paragraph: Paragraph) -> list[Paragraph]:
    """One paragraph may quote several critics, each statement closed by its citation."""
    parts = re.split(r"(?<=\])\s+(?=[A-Z])", paragraph.text)
    return [Paragraph(paragraph.line, part) for part in parts if part.strip()]


def _critic(paragraph: Paragraph, references: dict[str, str], kind: str) -> CriticFacts | None:
    """A critic's view: who, where, when (from the cited reference) and the passage itself."""
    text = paragraph.text
    lead = next((m for pattern in CRITIC_LEADS if (m := pattern.match(text))), None)
    if lead is None:
        return None
    cited = CITED.findall(text)
    citation = CITATION.match(references.get(cited[-1], "")) if cited else None
    published_on, label = (None, "")
    if citation and citation["date"]:
        published_on, label = parse_partial_date(citation["date"])
    # Some citations give the date after the publication: “… Scotland. 24 September 2012.”
    dated = (
        re.search(r"\. (\d{1,2} [A-Z][a-z]+ \d{4})\. Retrieved", references.get(cited[-1], ""))
        if cited
        else None
    )
    if citation and dated and not (published_on or label):
        published_on, label = parse_partial_date(dated[1])
    publication = clean(lead.groupdict().get("publication") or "")
    if not publication and citation:
        publication = clean(citation["publication"])
    return CriticFacts(
        kind=kind,
        critic=clean(lead["critic"]),
        publication=publication,
        published_on=published_on,
        published_label=label,
        citation_title=clean(citation["title"]) if citation else "",
        excerpt=strip_citations(text),
    )


def _aggregate_ratings(text: str) -> list[RatingFacts]:
    text = strip_citations(text)
    ratings = []
    if m := re.search(
        r"On (?P<name>[\w ]+?), the book received an? (?P<value>\d+) out of (?P<scale>\d+) "
        r"based on (?P<count>\d+) critic reviews(?:, indicating \"(?P<summary>[^\"]+)\")?",
        text,
    ):
        ratings.append(
            RatingFacts(
                m["name"],
                Decimal(m["value"]),
                Decimal(m["scale"]),
                int(m["count"]),
                m["summary"] or "",
            )
        )
    if m := re.search(
        r"According to (?P<name>[\w ]+?), the book received \"(?P<verdict>\w+)\" reviews based on "
        r"(?P<count>\d+) critic reviews(?: with (?P<detail>[^.]+))?",
        text,
    ):
        detail = f" ({m['detail'].replace(chr(34), '')})" if m["detail"] else ""
        ratings.append(
            RatingFacts(m["name"], count=int(m["count"]), summary=f"{m['verdict']}{detail}")
        )
    if m := re.search(r"(?P<name>Complete Review).*?consensus \"(?P<summary>[^\"]+)\"", text):
        summary = m["summary"]
        if grades := re.search(
            r"ranged from \"(?P<a>[A-F][+-]?)\" to an? \"(?P<b>[A-F][+-]?)\"", text
        ):
            summary += f"; press reviews graded {grades['a']} to {grades['b']}"
        ratings.append(RatingFacts(m["name"], summary=summary))
    return ratings
