"""Catalog curation in the Django admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count

from catalog import isbn as isbn_rules
from catalog.importer import SeedError, import_documents
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
    Recommendation,
    RelatedBook,
    Source,
    Subject,
)
from catalog.services import book_search_refresh


class RefreshesSearch:
    """A change here changes what the books it belongs to are found by (catalog/services.py)."""

    def books_of(self, obj) -> list[Book]:
        return [obj.book]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for book in self.books_of(form.instance):
            book_search_refresh(book=book)

    def delete_model(self, request, obj):
        books = self.books_of(obj)
        super().delete_model(request, obj)
        for book in books:
            book_search_refresh(book=book)


class EditionForm(forms.ModelForm):
    """Accepts any written form of an ISBN-10 or -13 and stores the canonical ISBN-13."""

    isbn13 = forms.CharField(
        label="ISBN",
        max_length=32,
        help_text="ISBN-10 or ISBN-13; hyphens and spaces are ignored; the check digit must match.",
    )

    class Meta:
        model = Edition
        fields = [
            "book",
            "isbn13",
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
            "sources",
        ]

    def clean_isbn13(self) -> str:
        try:
            return isbn_rules.normalise(self.cleaned_data["isbn13"])
        except isbn_rules.InvalidISBN as error:
            raise forms.ValidationError(str(error), code="invalid_isbn") from None


@admin.action(description="Re-run the seed import (idempotent)")
def rerun_import(modeladmin, request, queryset):
    try:
        report = import_documents()
    except SeedError as error:
        modeladmin.message_user(request, f"Import failed, nothing changed: {error}", messages.ERROR)
        return
    modeladmin.message_user(request, report.summary(), messages.SUCCESS)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position", "source"]


class BookSubjectInline(admin.TabularInline):
    model = BookSubject
    extra = 0
    autocomplete_fields = ["subject"]


class EditionInline(admin.StackedInline):
    model = Edition
    form = EditionForm
    extra = 0
    filter_horizontal = ["sources"]


class CharacterInline(admin.TabularInline):
    model = Character
    extra = 0
    fields = ["name", "alias", "role", "description", "position", "source"]


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0
    fields = ["name", "year", "result", "rank", "note", "position"]


class DescriptionInline(admin.StackedInline):
    model = Description
    extra = 0
    fields = [("kind", "position", "source", "truncated"), "text"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author_names", "first_published_year", "edition_count", "slug"]
    list_filter = ["subjects__kind", "subjects", "sources__kind"]
    search_fields = ["title", "original_title", "slug", "authors__name", "editions__isbn13"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["preceded_by", "followed_by"]
    inlines = [
        AuthorshipInline,
        BookSubjectInline,
        EditionInline,
        CharacterInline,
        AwardInline,
        DescriptionInline,
    ]
    actions = [rerun_import]
    fieldsets = [
        (None, {"fields": ["title", "slug"]}),
        (
            "Publication",
            {
                "fields": [
                    ("original_title", "original_title_source"),
                    ("first_published_year", "first_published_source"),
                    ("original_publisher", "original_place", "media_type"),
                    "original_publication_source",
                    ("preceded_by", "followed_by", "series_source"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(edition_total=Count("editions", distinct=True))
            .prefetch_related("authors")
        )

    @admin.display(description="Authors")
    def author_names(self, book: Book) -> str:
        return ", ".join(author.name for author in book.authors.all())

    @admin.display(description="Editions", ordering="edition_total")
    def edition_count(self, book: Book) -> int:
        return book.edition_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        book_search_refresh(book=form.instance)  # its authors, subjects, characters…


@admin.register(Author)
class AuthorAdmin(RefreshesSearch, admin.ModelAdmin):
    def books_of(self, obj) -> list[Book]:
        return list(obj.books.distinct())

    list_display = ["name", "sort_name", "slug"]
    search_fields = ["name", "sort_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]


@admin.register(Subject)
class SubjectAdmin(RefreshesSearch, admin.ModelAdmin):
    def books_of(self, obj) -> list[Book]:
        return list(obj.books.distinct())

    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionForm
    list_display = ["isbn13", "book", "publisher", "year", "pages"]
    list_filter = ["year", "publisher"]
    search_fields = ["isbn13", "book__title", "publisher"]
    autocomplete_fields = ["book"]
    filter_horizontal = ["sources"]
    list_select_related = ["book"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["file", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["title", "file"]
    actions = [rerun_import]


class AdaptationCreditInline(admin.TabularInline):
    model = AdaptationCredit
    extra = 0


@admin.register(Adaptation)
class AdaptationAdmin(admin.ModelAdmin):
    list_display = ["title", "book", "medium", "year", "status"]
    list_filter = ["medium", "status"]
    search_fields = ["title", "original_title", "book__title", "credits__name"]
    autocomplete_fields = ["book"]
    inlines = [AdaptationCreditInline]
    list_select_related = ["book"]


@admin.register(Award)
class AwardAdmin(RefreshesSearch, admin.ModelAdmin):
    list_display = ["name", "book", "year", "result", "rank"]
    list_filter = ["result", "year"]
    search_fields = ["name", "book__title"]
    autocomplete_fields = ["book"]
    list_select_related = ["book"]


class FactAdmin(admin.ModelAdmin):
    autocomplete_fields = ["book"]
    list_filter = ["source__kind"]
    list_select_related = ["book", "source"]


@admin.register(Character)
class CharacterAdmin(RefreshesSearch, FactAdmin):
    list_display = ["name", "book", "role", "source"]
    list_filter = ["role", "source__kind"]
    search_fields = ["name", "alias", "book__title"]


@admin.register(CriticReview)
class CriticReviewAdmin(FactAdmin):
    list_display = ["critic", "publication", "published_on", "book", "kind", "source"]
    list_filter = ["kind", "source__kind"]
    search_fields = ["critic", "publication", "excerpt"]


@admin.register(Description)
class DescriptionAdmin(RefreshesSearch, FactAdmin):
    list_display = ["book", "kind", "position", "source"]
    list_filter = ["kind", "source__kind"]
    search_fields = ["text", "book__title"]


@admin.register(ExternalRating)
class ExternalRatingAdmin(FactAdmin):
    list_display = ["name", "book", "value", "scale", "count", "source"]
    search_fields = ["name", "book__title"]


@admin.register(Recommendation)
class RecommendationAdmin(FactAdmin):
    list_display = ["recommender", "list_title", "book", "source"]
    search_fields = ["recommender", "list_title", "text"]


@admin.register(RelatedBook)
class RelatedBookAdmin(FactAdmin):
    list_display = ["book", "related", "reason", "source"]
    autocomplete_fields = ["book", "related"]
    search_fields = ["book__title", "related__title", "reason"]
