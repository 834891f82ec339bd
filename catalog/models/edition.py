"""Editions: one row per distinct ISBN, stored as the canonical ISBN-13."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from catalog import isbn as isbn_rules
from catalog.models.book import Book, Source


def validate_isbn(value: str) -> None:
    try:
        canonical = isbn_rules.normalise(value)
    except isbn_rules.InvalidISBN as error:
        raise ValidationError(str(error), code="invalid_isbn") from None
    if canonical != value:
        raise ValidationError(
            f"Store ISBNs as the canonical ISBN-13 ({canonical}).", code="not_canonical"
        )


class Edition(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="editions")
    isbn13 = models.CharField("ISBN-13", max_length=13, unique=True, validators=[validate_isbn])
    publisher = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=255, blank=True, help_text="Place of publication.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    edition_statement = models.CharField(
        max_length=255, blank=True, help_text="e.g. “1st American ed”."
    )
    binding = models.CharField(max_length=120, blank=True, help_text="e.g. hardback.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    dimensions = models.CharField(max_length=120, blank=True)
    call_number_dewey = models.CharField("Dewey call number", max_length=120, blank=True)
    call_number_lc = models.CharField("LC call number", max_length=120, blank=True)
    call_number_local = models.CharField("library shelf mark", max_length=120, blank=True)
    cover_artist = models.CharField(max_length=255, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="editions")

    class Meta:
        ordering = ["year", "published_on", "isbn13"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1450, year__lte=2100),
                name="catalog_edition_year_plausible",
                violation_error_message="An edition's year must be between 1450 and 2100.",
            ),
            models.CheckConstraint(
                condition=models.Q(pages__isnull=True) | models.Q(pages__gt=0),
                name="catalog_edition_pages_positive",
                violation_error_message="An edition has at least 1 page.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.book} ({self.publisher or 'unknown publisher'}, ISBN {self.isbn13})"

    @property
    def isbn10(self) -> str | None:
        return isbn_rules.to_isbn10(self.isbn13)

    @property
    def date_published(self) -> str:
        """ISO date or year, for schema.org datePublished."""
        if self.published_on:
            return self.published_on.isoformat()
        return str(self.year) if self.year else ""
