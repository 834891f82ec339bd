"""Facts about a book, each carrying the document it came from."""

from __future__ import annotations

from django.db import models

from catalog.models.book import Book, Source


class Fact(models.Model):
    """Abstract: a row about a book, from one document (no source: curated by an admin)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="%(class)ss")
    position = models.PositiveSmallIntegerField(default=0)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss"
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Description(Fact):
    class Kind(models.TextChoices):
        TAGLINE = "tagline", "tagline"
        BLURB = "blurb", "blurb"
        PUBLISHER = "publisher", "publisher’s description"
        STAFF_NOTE = "staff_note", "library staff note"
        SUMMARY = "summary", "summary"
        BACKGROUND = "background", "background"
        PLOT = "plot", "plot (spoilers)"
        THEMES = "themes", "themes"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    truncated = models.BooleanField(default=False, help_text="The document cut the text short.")

    class Meta(Fact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["book", "source", "kind", "position"], name="catalog_description_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.book}"


class Character(Fact):
    class Role(models.TextChoices):
        MAIN = "main", "main character"
        MINOR = "minor", "minor character"

    name = models.CharField(max_length=120)
    alias = models.CharField(max_length=120, blank=True, help_text="e.g. a full name.")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MINOR)
    description = models.TextField(blank=True)

    class Meta(Fact.Meta):
        ordering = ["role", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "name"], name="catalog_character_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Award(models.Model):
    """An award or a list the book was on; several documents may name the same one."""

    class Result(models.TextChoices):
        WON = "won", "won"
        SHORTLISTED = "shortlisted", "shortlisted"
        NAMED = "named", "named"
        LISTED = "listed", "listed"

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=Result.choices)
    rank = models.PositiveIntegerField(null=True, blank=True, help_text="Place on a ranked list.")
    note = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="awards")

    class Meta:
        ordering = ["position", "year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["book", "name"], name="catalog_award_unique_name"),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(rank__gt=0),
                name="catalog_award_rank_positive",
                violation_error_message="An award's rank starts at 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_result_display()})"


class Adaptation(models.Model):
    class Medium(models.TextChoices):
        FILM = "film", "film"
        STAGE = "stage", "stage play"
        TV_DRAMA = "tv_drama", "television drama"
        TV_SERIES = "tv_series", "television series"
        RADIO = "radio", "radio"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        RELEASED = "released", "released"
        STAGED = "staged", "staged"
        AIRED = "aired", "aired"
        IN_DEVELOPMENT = "in_development", "in development"
        CANCELLED = "cancelled", "cancelled"

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="adaptations")
    medium = models.CharField(max_length=16, choices=Medium.choices)
    title = models.CharField(max_length=255)
    original_title = models.CharField(max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    country = models.CharField(max_length=120, blank=True)
    companies = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="adaptations")

    class Meta:
        ordering = ["position", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "medium", "title"], name="catalog_adaptation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_medium_display()}, {self.year or 'unreleased'})"


class AdaptationCreditQuerySet(models.QuerySet):
    def in_billing_order(self) -> AdaptationCreditQuerySet:
        """Directors, then cast, then producers, each in the order the source lists them."""
        roles = list(AdaptationCredit.Role.values)
        billing = models.Case(
            *(models.When(role=role, then=models.Value(rank)) for rank, role in enumerate(roles)),
            default=models.Value(len(roles)),
        )
        return self.order_by(billing, "position", "id")


class AdaptationCredit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "director"
        CAST = "cast", "cast"
        EXECUTIVE_PRODUCER = "executive_producer", "executive producer"

    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="credits")
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=24, choices=Role.choices)
    character = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = AdaptationCreditQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["adaptation", "name", "role"], name="catalog_adaptationcredit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class CriticReview(Fact):
    """A critic's or scholar's words about the book, or a blogger's review with its rating."""

    class Kind(models.TextChoices):
        CRITIC = "critic", "critic"
        SCHOLAR = "scholar", "scholar"
        BLOGGER = "blogger", "reader’s blog"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CRITIC)
    critic = models.CharField(max_length=255, blank=True)
    publication = models.CharField(max_length=255, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_label = models.CharField(
        max_length=64,
        blank=True,
        help_text="The date as written when it is not a day (“May 2005”).",
    )
    citation_title = models.CharField(max_length=255, blank=True)
    excerpt = models.TextField()
    rating = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    rating_scale = models.PositiveSmallIntegerField(null=True, blank=True)
    strong_point = models.TextField(blank=True)
    weak_point = models.TextField(blank=True)

    class Meta(Fact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["book", "source", "position"], name="catalog_criticreview_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.critic or 'Anonymous'} in {self.publication or 'a blog'}"


class ExternalRating(Fact):
    name = models.CharField(max_length=120, help_text="Who rated: Goodreads, Metacritic, …")
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    scale = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True, help_text="How many ratings.")
    summary = models.CharField(max_length=255, blank=True)

    class Meta(Fact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["book", "source", "name"], name="catalog_externalrating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | models.Q(scale__isnull=True)
                | models.Q(value__lte=models.F("scale")),
                name="catalog_externalrating_within_scale",
                violation_error_message="A rating cannot be higher than its scale.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}/{self.scale}"


class Recommendation(Fact):
    recommender = models.CharField(max_length=255, blank=True, help_text="Blank: not named.")
    list_title = models.CharField(max_length=255, blank=True, help_text="The list or the reason.")
    text = models.TextField()
    truncated = models.BooleanField(default=False)

    class Meta(Fact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["book", "source", "position"], name="catalog_recommendation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommender or 'Someone'} recommends {self.book}"


class RelatedBook(Fact):
    """“If you liked this, read that”, with the reason the document gives."""

    related = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="related_from")
    reason = models.CharField(max_length=255, blank=True)

    class Meta(Fact.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["book", "related", "source"], name="catalog_relatedbook_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.book} → {self.related}"
