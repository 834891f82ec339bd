"""The book-recommendation site (Shepherd): blurb, authors' “why read it” picks, subject tags."""

from __future__ import annotations

import re
from pathlib import Path

from catalog.importer.documents import (
    AuthorFacts,
    AwardFacts,
    DescriptionFacts,
    ParsedDocument,
    RecommendationFacts,
    SubjectFacts,
)
from catalog.importer.text import Document, clean, sort_name_for, split_list
from catalog.models import Award, Description, Source, Subject

ATTRIBUTION = re.compile(r"^From (?P<who>.+?)['’]s list on (?P<theme>.+?)\.?$")
TAG = re.compile(r"^(?P<name>.+?) Explore [\d,]+ books about (?P<tag>.+)$")
SHORTLISTED = re.compile(r"^Shortlisted for the (?P<award>.+?)\.?$")


def parse(path: Path, text: str) -> ParsedDocument:
    doc = Document(path, text)
    _, title = doc.first_nonblank()
    by_line, by = doc.require(r"^By (?P<authors>.+?),?$", "The “By …” author line")
    authors = tuple(AuthorFacts(name, sort_name_for(name)) for name in split_list(by["authors"]))
    why_line, _ = doc.require(r"^Why read it\?$", "The “Why read it?” section")
    description_found = doc.find(r"^Book description$", by_line, why_line)

    descriptions: list[DescriptionFacts] = []
    awards: list[AwardFacts] = []
    if description_found:
        for paragraph in doc.paragraphs(description_found[0] + 1, why_line):
            body = clean(paragraph.text)
            if "reader supported" in body or "affiliate commission" in body:
                continue  # the site's advertising notice, not a fact about the book
            if shortlisted := SHORTLISTED.match(body):
                awards.append(AwardFacts(shortlisted["award"], Award.Result.SHORTLISTED))
            elif body.endswith("…"):
                descriptions.append(DescriptionFacts(Description.Kind.BLURB, body, truncated=True))
            elif len(body) < 160:
                descriptions.append(DescriptionFacts(Description.Kind.TAGLINE, body))
            else:
                descriptions.append(DescriptionFacts(Description.Kind.BLURB, body))

    end = doc.find(r"^Want books like ", why_line)
    end_line = end[0] if end else doc.last_line + 1
    recommendations = _recommendations(doc, why_line + 1, end_line)

    subjects = []
    for number in range(end_line, doc.last_line + 1):
        if tag := TAG.match(clean(doc.lines[number - 1])):
            subjects.append(SubjectFacts(tag["name"], Subject.Kind.SUBJECT))

    site = "Shepherd" if re.search(r"^Shepherd is reader supported", text, re.M) else "a book site"
    return ParsedDocument(
        path=path,
        kind=Source.Kind.RECOMMENDATIONS,
        title=f"Why read {title}? — {site}",
        book_title=title,
        authors=authors,
        descriptions=tuple(descriptions),
        awards=tuple(awards),
        recommendations=tuple(recommendations),
        subjects=tuple(subjects),
    )


def _recommendations(doc: Document, start: int, end: int) -> list[RecommendationFacts]:
    """Group paragraphs under the “From X's list on Y.” line that follows them.

    The captured page lost some attributions: a run of paragraphs ending in a
    truncated one (“…”) closes an excerpt, so only the last excerpt before an
    attribution is credited to it; earlier ones in the same run stay unnamed
    rather than being credited to the wrong person.
    """
    found: list[RecommendationFacts] = []
    pending: list[list[str]] = [[]]
    for paragraph in doc.paragraphs(start, end):
        body = clean(paragraph.text)
        if re.match(r"^\d+ authors? picked ", body):
            continue
        if attribution := ATTRIBUTION.match(body):
            excerpts = [chunk for chunk in pending if chunk]
            for unnamed in excerpts[:-1]:
                found.append(_recommendation(unnamed, "", ""))
            if excerpts:
                found.append(
                    _recommendation(excerpts[-1], attribution["who"], attribution["theme"])
                )
            pending = [[]]
            continue
        pending[-1].append(body)
        if body.endswith("…"):
            pending.append([])
    return found


def _recommendation(paragraphs: list[str], who: str, theme: str) -> RecommendationFacts:
    text = "\n\n".join(paragraphs)
    return RecommendationFacts(
        text=text, recommender=who, list_title=theme, truncated=text.endswith("…")
    )
