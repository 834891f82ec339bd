"""Awards and adaptations, read from the encyclopedia's prose one pattern at a time."""

from __future__ import annotations

import re

from catalog.importer.documents import AdaptationFacts, AwardFacts, CreditFacts
from catalog.importer.text import clean, split_list
from catalog.models import Adaptation, AdaptationCredit, Award

Q_OPEN, Q_CLOSE = '["“]', '["”]'


def awards_from(text: str) -> list[AwardFacts]:
    """Shortlistings, wins, “named the best …” and ranked lists mentioned in a passage."""
    text = re.sub(r"\s*\([^)]*\)", "", text)  # asides such as an earlier win for another book
    awards: list[AwardFacts] = []
    if shortlist := re.search(r"shortlisted for (?P<list>.+?(?:Prize|Award))\.", text):
        for item in re.finditer(
            r"the (?P<year>\d{4}) (?P<name>[A-Z][^,]*?(?:Prize|Award))", shortlist["list"]
        ):
            awards.append(AwardFacts(item["name"], Award.Result.SHORTLISTED, int(item["year"])))
    named = re.search(
        r"(?P<who>[A-Z]\w*(?: magazine)?) named it the (?P<what>best [\w ]+? of (?P<year>\d{4}))",
        text,
    )
    if named:
        awards.append(
            AwardFacts(
                f"{named['who']}: {named['what'].replace(named['year'], 'the year')}",
                Award.Result.NAMED,
                int(named["year"]),
            )
        )
        if listed := re.search(
            rf"included the novel in its {Q_OPEN}(?P<list>[^\"”]+){Q_CLOSE}", text
        ):
            name = re.split(r"[—–]", listed["list"])[0].strip()
            who = named["who"].replace(" magazine", "")
            awards.append(AwardFacts(f"{who}: {name}", Award.Result.LISTED))
    for received in re.finditer(
        r"received an? (?P<name>[A-Z][\w. ]*?Award) in (?P<year>\d{4})", text
    ):
        awards.append(AwardFacts(received["name"], Award.Result.WON, int(received["year"])))
    for ranked in re.finditer(
        rf"According to (?P<who>[^,]+), [^\"“]*{Q_OPEN}the (?P<rank>\d+)(?:st|nd|rd|th) "
        rf"(?P<what>[^\"”]+){Q_CLOSE}",
        text,
    ):
        awards.append(
            AwardFacts(
                f"{ranked['who']}: {ranked['what']}", Award.Result.LISTED, rank=int(ranked["rank"])
            )
        )
    for ranked in re.finditer(
        r"(?:In (?P<year>\d{4}), )?the novel ranked (?P<rank>\d+)(?:st|nd|rd|th) "
        r"on (?P<list>[^.]+)",
        text,
    ):
        awards.append(
            AwardFacts(
                clean(ranked["list"]),
                Award.Result.LISTED,
                int(ranked["year"]) if ranked["year"] else None,
                int(ranked["rank"]),
            )
        )
    return awards


MEDIA = [
    (r"television series|TV series", Adaptation.Medium.TV_SERIES),
    (r"television drama|TV drama", Adaptation.Medium.TV_DRAMA),
    (r"stage adaptation|stage play|\bplay\b", Adaptation.Medium.STAGE),
    (r"\bfilm\b|\bmovie\b", Adaptation.Medium.FILM),
    (r"\bradio\b", Adaptation.Medium.RADIO),
]


def _people(pattern: str, text: str) -> list[str]:
    found = re.search(pattern, text)
    return split_list(found["list"]) if found else []


def adaptations_from(paragraphs: list[str], book_title: str) -> list[AdaptationFacts]:
    adaptations: list[AdaptationFacts] = []
    for text in paragraphs:
        medium = next((m for pattern, m in MEDIA if re.search(pattern, text)), None)
        if medium is None:
            continue
        title, original = book_title, ""
        if named := re.search(r"adaptation, (?P<title>[^,(]+?) \((?P<original>[^)]+)\)", text):
            title, original = clean(named["title"]), clean(named["original"])
        elif "same title" in text and adaptations:
            title, original = adaptations[-1].title, adaptations[-1].original_title
        if re.search(r"\bcancel", text):
            status = Adaptation.Status.CANCELLED
        elif re.search(r"\boptioned\b|in development", text):
            status = Adaptation.Status.IN_DEVELOPMENT
        elif "aired" in text:
            status = Adaptation.Status.AIRED
        elif medium == Adaptation.Medium.STAGE:
            status = Adaptation.Status.STAGED
        else:
            status = Adaptation.Status.RELEASED
        # A cancelled or optioned project's only year is when that was announced.
        unreleased = status in {Adaptation.Status.CANCELLED, Adaptation.Status.IN_DEVELOPMENT}
        found = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
        year = int(found[1]) if found and not unreleased else None
        country = ""
        if found := re.search(r"\b(?:In|set in) (?P<country>[A-Z][a-z]+)\b(?: \d{4})?", text):
            country = found["country"]
        companies: list[str] = []
        for pattern in [
            r"the (?P<list>[A-Z]\w+) agency produced",
            r"(?P<list>(?:[A-Z]\w+ ){2,}[A-Z]\w+) aired",
            r"optioned at (?P<list>[A-Z]\w+)",
            r"produced by (?P<list>[^.]+?)(?:, with |\.|$)",
        ]:
            companies += _people(pattern, text)
        credits: list[CreditFacts] = []
        directors = _people(r"(?P<list>[A-Z]\w+ [A-Z]\w+) directed", text)
        directors += _people(r"directed by (?P<list>[A-Z]\w+ [A-Z]\w+)", text)
        directors += _people(r"Directors included (?P<list>[^.]+)", text)
        credits += [CreditFacts(name, AdaptationCredit.Role.DIRECTOR) for name in directors]
        for person in _people(r"starring (?P<list>[^.]+)", text) + _people(
            r"with (?P<list>[^.]+?) starring", text
        ):
            name, _, character = person.partition(" as ")
            credits.append(CreditFacts(clean(name), AdaptationCredit.Role.CAST, clean(character)))
        credits += [
            CreditFacts(name, AdaptationCredit.Role.EXECUTIVE_PRODUCER)
            for name in _people(r"with (?P<list>[^.]+?) executive producing", text)
        ]
        note = ""
        if status == Adaptation.Status.CANCELLED:
            note = next((clean(s) for s in re.split(r"(?<=\.)\s+", text) if "cancel" in s), "")
        adaptations.append(
            AdaptationFacts(
                medium=medium,
                title=title,
                status=status,
                year=year,
                original_title=original,
                country=country,
                companies=", ".join(dict.fromkeys(companies)),
                note=note,
                credits=tuple(dict.fromkeys(credits)),
            )
        )
    return adaptations
