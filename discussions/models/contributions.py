"""Member-written summaries, content notices (with seconds) and quotes about a book."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Contribution(models.Model):
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class Summary(Contribution):
    body = models.TextField(max_length=5000)

    class Meta(Contribution.Meta):
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return f"Summary of {self.book} by {self.author}"


class ContentNotice(Contribution):
    class Category(models.TextChoices):
        COARSE_LANGUAGE = "coarse_language", "Coarse language"
        FRIGHTENING = "frightening", "Frightening or intense scenes"
        SEXUAL_CONTENT = "sexual_content", "Sexual content"
        VIOLENCE = "violence", "Violence"
        OTHER = "other", "Other"

    category = models.CharField(max_length=32, choices=Category.choices)
    note = models.TextField(max_length=1000, blank=True, help_text="Context; shown as a spoiler.")

    def __str__(self) -> str:
        return f"{self.get_category_display()} in {self.book}"


class NoticeSecond(models.Model):
    """Another member agrees with a content notice."""

    notice = models.ForeignKey(ContentNotice, on_delete=models.CASCADE, related_name="seconds")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_seconded_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} seconds notice {self.notice_id}"


class Quote(Contribution):
    text = models.TextField(max_length=2000)
    location = models.CharField(
        "page or chapter", max_length=80, blank=True, help_text="e.g. p. 42 or chapter 7"
    )

    def __str__(self) -> str:
        return f"Quote from {self.book}"
