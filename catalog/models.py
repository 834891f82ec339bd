"""The catalog: books (works) and what the seed documents say about them."""

from django.db import models
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

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Book(models.Model):
    """A work, whatever its editions."""

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:book_detail", kwargs={"slug": self.slug})
