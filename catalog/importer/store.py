"""The catalog step: merge parsed documents into the database, idempotently.

Merged rows (books, authors, editions, awards, adaptations) are looked up by a
natural key and only have their empty fields filled, so the document read first
wins a disagreement and a second run finds nothing to do. Rows that belong to
one document (descriptions, reviews, recommendations…) are synchronised with
it: rows that document no longer contains are removed.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify

from catalog.importer.documents import AuthorFacts, BookRef, ParsedDocument
from catalog.importer.report import ImportReport
from catalog.importer.text import SeedError
from catalog.models import (
    Adaptation,
    AdaptationCredit,
    Author,
    Authorship,
    Award,
    Book,
    BookSubject,
    Character,
    CriticReview,
    Description,
    Edition,
    ExternalRating,
    Mention,
    Recommendation,
    RelatedBook,
    Source,
    Subject,
)
from catalog.services import book_search_refresh

# Bibliographic authority when documents disagree: the library record first.
PRIORITY = [
    Source.Kind.LIBRARY_CATALOG,
    Source.Kind.ENCYCLOPEDIA,
    Source.Kind.BOOK_REVIEW_BLOG,
    Source.Kind.REVIEW_BLOG,
    Source.Kind.RECOMMENDATIONS,
]


def _empty(value) -> bool:
    return value is None or value == ""


def slug_for(text: str, fallback: str) -> str:
    return slugify(text)[:240] or slugify(fallback) or "untitled"


class CatalogWriter:
    def __init__(self, report: ImportReport):
        self.report = report
        self.touched_books: dict[int, Book] = {}

    def _label(self, model: type[models.Model]) -> str:
        return str(model._meta.verbose_name_plural)

    def upsert(self, model, lookup: dict, values: dict, *, fill: bool = False):
        """Create, or update the fields that differ (fill=True: only the empty ones)."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.report.count(self._label(model), "created")
            return obj
        changed = []
        for name, value in values.items():
            current = getattr(obj, name)
            if fill and (not _empty(current) or _empty(value)):
                continue
            if current != value:
                setattr(obj, name, value)
                changed.append(name)
        if changed:
            obj.save(update_fields=changed)
            self.report.count(self._label(model), "updated")
        return obj

    def link(self, manager, target, label: str) -> None:
        if not manager.filter(pk=target.pk).exists():
            manager.add(target)
            self.report.count(label, "created")

    def unlink_stale(self, queryset, keep: list[int], source: Source) -> None:
        """Rows this document no longer names lose its link; rows no document names go."""
        label = self._label(queryset.model)
        for obj in queryset.filter(sources=source).exclude(pk__in=keep):
            obj.sources.remove(source)
            if obj.sources.exists():
                self.report.count(label, "updated")
            else:
                obj.delete()
                self.report.count(label, "deleted")

    def sync(self, model, *, book: Book, source: Source, rows: list[tuple[dict, dict]]) -> None:
        """Make this document's rows of `model` for `book` exactly `rows` (lookup, values)."""
        keep = [
            self.upsert(model, {"book": book, "source": source, **key}, values).pk
            for key, values in rows
        ]
        stale = model.objects.filter(book=book, source=source).exclude(pk__in=keep)
        if removed := stale.count():
            stale.delete()
            self.report.count(self._label(model), "deleted", removed)

    # --- merged entities ------------------------------------------------------------
    def author(self, facts: AuthorFacts, source: Source) -> Author:
        author = self.upsert(
            Author,
            {"slug": slug_for(facts.name, "author")},
            {"name": facts.name, "sort_name": facts.sort_name},
            fill=True,
        )
        self.link(author.sources, source, "author sources")
        return author

    def book(self, ref: BookRef, source: Source, context: str) -> Book:
        book = self.upsert(
            Book, {"slug": slug_for(ref.title, "book")}, {"title": ref.title}, fill=True
        )
        for position, facts in enumerate(ref.authors):
            author = self.author(facts, source)
            self.upsert(
                Authorship,
                {"book": book, "author": author},
                {"position": position, "source": source},
                fill=True,
            )
        mention = Mention.objects.filter(book=book, source=source).first()
        if mention is None:
            Mention.objects.create(book=book, source=source, context=context)
            self.report.count("mentions", "created")
        elif mention.context and not context:
            # The document is about this book after all: that outranks a passing mention.
            mention.context = ""
            mention.save(update_fields=["context"])
            self.report.count("mentions", "updated")
        self.touched_books[book.pk] = book
        return book

    # --- one document ----------------------------------------------------------------
    def store(self, doc: ParsedDocument) -> None:
        source = self.upsert(
            Source, {"file": doc.file}, {"kind": doc.kind, "title": doc.title, "url": doc.url}
        )
        book = self.book(BookRef(doc.book_title, doc.authors), source, context="")
        self.report.sources[doc.file], self.report.books[doc.file] = source, book
        self.book_facts(doc, book, source)
        self.editions(doc, book, source)
        subject_rows: list[tuple[dict, dict]] = []
        for facts in doc.subjects:
            subject = self.upsert(
                Subject,
                {"kind": facts.kind, "slug": slug_for(facts.name, "subject")},
                {"name": facts.name},
                fill=True,
            )
            subject_rows.append(({"subject": subject}, {}))
        self.sync(BookSubject, book=book, source=source, rows=subject_rows)
        positions: dict[str, int] = {}
        rows = []
        for facts in doc.descriptions:
            position = positions[facts.kind] = positions.get(facts.kind, -1) + 1
            rows.append(
                (
                    {"kind": facts.kind, "position": position},
                    {"text": facts.text, "truncated": facts.truncated},
                )
            )
        self.sync(Description, book=book, source=source, rows=rows)
        characters = []
        for position, facts in enumerate(doc.characters):
            character = self.upsert(
                Character,
                {"book": book, "name": facts.name},
                {
                    "alias": facts.alias,
                    "role": facts.role,
                    "description": facts.description,
                    "position": position,
                    "source": source,
                },
            )
            characters.append(character.pk)
        stale = Character.objects.filter(book=book, source=source).exclude(pk__in=characters)
        if removed := stale.count():
            stale.delete()
            self.report.count("characters", "deleted", removed)
        self.awards(doc, book, source)
        self.adaptations(doc, book, source)
        self.sync(
            CriticReview,
            book=book,
            source=source,
            rows=[
                (
                    {"position": position},
                    {
                        "kind": f.kind,
                        "critic": f.critic,
                        "publication": f.publication,
                        "published_on": f.published_on,
                        "published_label": f.published_label,
                        "citation_title": f.citation_title,
                        "excerpt": f.excerpt,
                        "rating": f.rating,
                        "rating_scale": f.rating_scale,
                        "strong_point": f.strong_point,
                        "weak_point": f.weak_point,
                    },
                )
                for position, f in enumerate(doc.critic_reviews)
            ],
        )
        self.sync(
            ExternalRating,
            book=book,
            source=source,
            rows=[
                (
                    {"name": f.name},
                    {
                        "value": f.value,
                        "scale": f.scale,
                        "count": f.count,
                        "summary": f.summary,
                        "position": position,
                    },
                )
                for position, f in enumerate(doc.external_ratings)
            ],
        )
        self.sync(
            Recommendation,
            book=book,
            source=source,
            rows=[
                (
                    {"position": position},
                    {
                        "recommender": f.recommender,
                        "list_title": f.list_title,
                        "text": f.text,
                        "truncated": f.truncated,
                    },
                )
                for position, f in enumerate(doc.recommendations)
            ],
        )
        related_rows = []
        for position, facts in enumerate(doc.related_books):
            context = f"recommended alongside {book.title}" + (
                f" ({facts.reason})" if facts.reason else ""
            )
            related = self.book(facts.book, source, context=context)
            related_rows.append(
                ({"related": related}, {"reason": facts.reason, "position": position})
            )
        self.sync(RelatedBook, book=book, source=source, rows=related_rows)
        for ref in doc.coming_up:
            self.book(ref, source, context="on the reading list under “Coming up”")

    def book_facts(self, doc: ParsedDocument, book: Book, source: Source) -> None:
        values: dict = {}
        if doc.original_title and not book.original_title:
            values |= {"original_title": doc.original_title, "original_title_source": source}
        if doc.first_published_year and not book.first_published_year:
            values |= {
                "first_published_year": doc.first_published_year,
                "first_published_source": source,
            }
        if (doc.original_publisher or doc.original_place or doc.media_type) and not (
            book.original_publisher or book.original_place or book.media_type
        ):
            values |= {
                "original_publisher": doc.original_publisher,
                "original_place": doc.original_place,
                "media_type": doc.media_type,
                "original_publication_source": source,
            }
        if (doc.preceded_by or doc.followed_by) and not (
            book.preceded_by_id or book.followed_by_id
        ):
            values["series_source"] = source
            if doc.preceded_by:
                values["preceded_by"] = self.book(
                    doc.preceded_by, source, context=f"the novel before {book.title}"
                )
            if doc.followed_by:
                values["followed_by"] = self.book(
                    doc.followed_by, source, context=f"the book after {book.title}"
                )
        elif doc.preceded_by or doc.followed_by:
            for ref in (doc.preceded_by, doc.followed_by):
                if ref:
                    self.book(ref, source, context=f"a neighbour of {book.title}")
        if values:
            self.upsert(Book, {"pk": book.pk}, values)
            book.refresh_from_db()

    def editions(self, doc: ParsedDocument, book: Book, source: Source) -> None:
        keep = []
        for facts in doc.editions:
            existing = Edition.objects.filter(isbn13=facts.isbn13).select_related("book").first()
            if existing and existing.book_id != book.pk:
                raise SeedError(
                    doc.path,
                    facts.line,
                    f"ISBN {facts.isbn13} already belongs to “{existing.book.title}”, "
                    f"not “{book.title}”",
                )
            values = {
                name: getattr(facts, name)
                for name in [
                    "publisher",
                    "place",
                    "year",
                    "published_on",
                    "edition_statement",
                    "binding",
                    "pages",
                    "dimensions",
                    "call_number_dewey",
                    "call_number_lc",
                    "call_number_local",
                    "cover_artist",
                ]
            }
            edition = self.upsert(
                Edition, {"isbn13": facts.isbn13}, {"book": book, **values}, fill=True
            )
            self.link(edition.sources, source, "edition sources")
            keep.append(edition.pk)
        self.unlink_stale(Edition.objects.filter(book=book), keep, source)

    def awards(self, doc: ParsedDocument, book: Book, source: Source) -> None:
        existing = {slugify(award.name): award for award in Award.objects.filter(book=book)}
        keep = []
        for facts in doc.awards:
            award = existing.get(slugify(facts.name))
            lookup = {"pk": award.pk} if award else {"book": book, "name": facts.name}
            values = {
                "result": facts.result,
                "year": facts.year,
                "rank": facts.rank,
                "note": facts.note,
                "position": len(existing) if award is None else award.position,
            }
            award = self.upsert(Award, lookup, values, fill=True)
            existing[slugify(award.name)] = award
            self.link(award.sources, source, "award sources")
            keep.append(award.pk)
        self.unlink_stale(Award.objects.filter(book=book), keep, source)

    def adaptations(self, doc: ParsedDocument, book: Book, source: Source) -> None:
        keep = []
        for facts in doc.adaptations:
            adaptation = Adaptation.objects.filter(
                book=book, medium=facts.medium, title__iexact=facts.title
            ).first()
            lookup = (
                {"pk": adaptation.pk}
                if adaptation
                else {
                    "book": book,
                    "medium": facts.medium,
                    "title": facts.title,
                }
            )
            values = {
                "status": facts.status,
                "year": facts.year,
                "original_title": facts.original_title,
                "country": facts.country,
                "companies": facts.companies,
                "note": facts.note,
            }
            if adaptation is None:
                values["position"] = Adaptation.objects.filter(book=book).count()
            adaptation = self.upsert(Adaptation, lookup, values, fill=True)
            self.link(adaptation.sources, source, "adaptation sources")
            keep.append(adaptation.pk)
            count = adaptation.credits.count()
            for facts_credit in facts.credits:
                credit = adaptation.credits.filter(
                    name=facts_credit.name, role=facts_credit.role
                ).first()
                self.upsert(
                    AdaptationCredit,
                    {"pk": credit.pk}
                    if credit
                    else {
                        "adaptation": adaptation,
                        "name": facts_credit.name,
                        "role": facts_credit.role,
                    },
                    {"character": facts_credit.character} | ({} if credit else {"position": count}),
                    fill=True,
                )
                if credit is None:
                    count += 1
        self.unlink_stale(Adaptation.objects.filter(book=book), keep, source)

    def finish(self) -> None:
        for book in self.touched_books.values():
            book.refresh_from_db()
            if book_search_refresh(book=book):
                self.report.count("book search texts", "updated")


def store_catalog(documents: list[ParsedDocument], report: ImportReport) -> None:
    """The catalog step: every document, most authoritative kind first."""
    writer = CatalogWriter(report)
    for doc in sorted(documents, key=lambda d: (PRIORITY.index(d.kind), d.file)):
        writer.store(doc)
    writer.finish()
