"""Sources, works, authors and subjects."""

from __future__ import annotations

import functools
import hashlib
import operator
import re
import textwrap

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Prefetch, Value
from django.urls import reverse


class Source(models.Model):
    """One seed document: every imported fact points at the document it came from."""

    class Kind(models.TextChoices):
        RECOMMENDATIONS = "recommendations", "book-recommendation site"
        LIBRARY_CATALOG = "library_catalog", "library catalog"
        REVIEW_BLOG = "review_blog", "review blog"
        BOOK_REVIEW_BLOG = "book_review_blog", "book-review blog"
        ENCYCLOPEDIA = "encyclopedia", "encyclopedia article"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=255)
    file = models.CharField(max_length=255, unique=True, help_text="File name in seeds/.")
    url = models.URLField(blank=True, help_text="Where the document lives, when it says so.")

    class Meta:
        ordering = ["file"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def provenance(self) -> str:
        """How the page credits a fact: “from the library catalog”."""
        return f"from the {self.get_kind_display()}"


class Author(models.Model):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    sort_name = models.CharField(max_length=255, blank=True, help_text="e.g. “Ishiguro, Kazuo”.")
    sources = models.ManyToManyField(Source, blank=True, related_name="authors")

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:author_detail", kwargs={"slug": self.slug})


class Subject(models.Model):
    """A genre or a subject heading/tag; the same word may be both, so kind is part of the key."""

    class Kind(models.TextChoices):
        GENRE = "genre", "genre"
        SUBJECT = "subject", "subject"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SUBJECT)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"], name="catalog_subject_unique_kind_slug"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BookQuerySet(models.QuerySet):
    def with_subject(self, slug: str, kind: str | None = None) -> BookQuerySet:
        lookup = {"subjects__slug": slug}
        if kind:
            lookup["subjects__kind"] = kind
        return self.filter(**lookup).distinct()

    def for_listing(self) -> BookQuerySet:
        """What a list of books shows: authors and edition counts, in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("author"))
        ).annotate(edition_count=models.Count("editions", distinct=True))

    def for_detail(self) -> BookQuerySet:
        """Everything the book page shows, in a fixed number of queries however much there is."""
        from catalog.models.facts import (
            Adaptation,
            AdaptationCredit,
            CriticReview,
            ExternalRating,
            Recommendation,
            RelatedBook,
        )

        return self.select_related(
            "original_title_source",
            "first_published_source",
            "original_publication_source",
            "series_source",
            "preceded_by",
            "followed_by",
        ).prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
            Prefetch(
                "authorships__author__books",
                queryset=Book.objects.sorted_by("year"),
            ),
            Prefetch(
                "book_subjects", queryset=BookSubject.objects.select_related("subject", "source")
            ),
            Prefetch("mentions", queryset=Mention.objects.select_related("source")),
            "editions__sources",
            Prefetch("descriptions", queryset=_with_source("Description")),
            Prefetch("characters", queryset=_with_source("Character")),
            "awards__sources",
            Prefetch(
                "adaptations",
                queryset=Adaptation.objects.prefetch_related(
                    Prefetch("credits", queryset=AdaptationCredit.objects.in_billing_order()),
                    "sources",
                ),
            ),
            Prefetch("criticreviews", queryset=CriticReview.objects.select_related("source")),
            Prefetch("externalratings", queryset=ExternalRating.objects.select_related("source")),
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("source")),
            Prefetch(
                "relatedbooks",
                queryset=RelatedBook.objects.select_related("related", "source").prefetch_related(
                    Prefetch(
                        "related__authorships", queryset=Authorship.objects.select_related("author")
                    )
                ),
            ),
        )

    def sorted_by(self, key: str) -> BookQuerySet:
        orderings = {
            "title": ["sort_title", "title"],
            "-title": ["-sort_title", "-title"],
            "year": [models.F("first_published_year").asc(nulls_last=True), "sort_title"],
            "-year": [models.F("first_published_year").desc(nulls_last=True), "sort_title"],
        }
        return self.order_by(*orderings.get(key, orderings["title"]))


SEARCH_COLUMNS = ("search_names", "search_keywords", "search_text")
SEARCH_CONFIG = "english"


def book_search_vector(book: Book | None = None) -> SearchVector:
    """The weighted document a book is searched by on PostgreSQL: from the book's values,
    or (no book) from each row's own columns, for an update of many rows."""

    def text(column: str):
        return models.F(column) if book is None else Value(getattr(book, column))

    weighted = zip(("title", *SEARCH_COLUMNS), "ABCD", strict=True)
    vectors = [
        SearchVector(text(column), weight=weight, config=SEARCH_CONFIG)
        for column, weight in weighted
    ]
    return functools.reduce(operator.add, vectors)


def filing_title(title: str) -> str:
    """The title as a library files it: lower case, without a leading article."""
    return re.sub(r"^(?:the|an?)\s+", "", title.strip().lower())[:255]


def _with_source(model_name: str):
    from catalog import models as catalog_models

    return getattr(catalog_models, model_name).objects.select_related("source")


class Book(models.Model):
    """A work, whatever its editions."""

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    # Library filing order: “The Buried Giant” files under B (derived from title on save).
    sort_title = models.CharField(max_length=255, editable=False, db_index=True, default="")
    original_title = models.CharField(
        max_length=255, blank=True, help_text="Working or original title."
    )
    original_title_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_published_year = models.PositiveSmallIntegerField(null=True, blank=True)
    first_published_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_publisher = models.CharField(max_length=255, blank=True)
    original_place = models.CharField(max_length=255, blank=True)
    media_type = models.CharField(max_length=255, blank=True)
    original_publication_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preceded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    series_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authors = models.ManyToManyField(Author, through="Authorship", related_name="books")
    subjects = models.ManyToManyField(Subject, through="BookSubject", related_name="books")
    sources = models.ManyToManyField(Source, through="Mention", related_name="books")
    # Denormalised text for search, one column per weight (catalog/services.py keeps them
    # current): names (authors, characters, other titles), keywords (subjects, genres,
    # awards) and text (descriptions, plot, staff notes). On PostgreSQL, Book.save() derives
    # the weighted search_vector from them and the title.
    search_names = models.TextField(blank=True, editable=False)
    search_keywords = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["sort_title", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_published_year__isnull=True)
                | models.Q(first_published_year__gte=1000, first_published_year__lte=2100),
                name="catalog_book_first_published_year_plausible",
                violation_error_message="The first publication year must be between 1000 and 2100.",
            )
        ]
        # Created on PostgreSQL only (migration 0002): SQLite searches the text columns.
        indexes = [GinIndex(fields=["search_vector"], name="catalog_book_search_vector")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.sort_title = filing_title(self.title)
        derived = {"sort_title"}
        update_fields = kwargs.get("update_fields")
        searched = update_fields is None or bool({"title", *SEARCH_COLUMNS} & set(update_fields))
        if searched and connection.vendor == "postgresql":
            self.search_vector = book_search_vector(self)
            derived.add("search_vector")
        if update_fields is not None and searched:
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:book_detail", kwargs={"slug": self.slug})

    @property
    def cover_hue(self) -> int:
        """A stable colour per book for the generated cover (no downloaded images)."""
        return int(hashlib.sha256(self.slug.encode()).hexdigest()[:4], 16) % 360

    @property
    def cover_title_lines(self) -> list[str]:
        return textwrap.wrap(self.title, width=14)[:5]


class Authorship(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "author"], name="catalog_authorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.author} — {self.book}"


class BookSubject(models.Model):
    """A subject or genre given to a book by one document (the same tag may come from several)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="book_subjects")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="book_subjects")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        ordering = ["subject__kind", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "subject", "source"], name="catalog_booksubject_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.book}: {self.subject}"


class Mention(models.Model):
    """A document speaks of a book: as its subject, or in passing (a reading list, a neighbour)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="mentions")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mentions")
    context = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["source__file"]
        constraints = [
            models.UniqueConstraint(fields=["book", "source"], name="catalog_mention_unique")
        ]

    def __str__(self) -> str:
        return f"{self.book} in {self.source}"
