"""The catalog: books (works) and what the seed documents say about them."""

from django.db import models
from django.urls import reverse


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
