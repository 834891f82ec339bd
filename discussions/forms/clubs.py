"""Forms for clubs, meetings, reading progress and polls."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.db import connections
from django.utils import timezone

from bookclub.accounts.models import time_zone_choices
from bookclub.text import PlainTextForm
from catalog.models import Book
from discussions.models import RSVP, Club, Meeting, ReadingSection

# Far more than any room holds, and well inside the column (a 32-bit integer on PostgreSQL).
MAX_SEATS = 100_000
# Longer than the longest printed book (about 21,000 pages), inside a 32-bit column.
MAX_PAGES = 100_000

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WallClockField(forms.DateTimeField):
    """A date and time as written, without a zone: the form applies the meeting's own zone."""

    widget = LOCAL_INPUT

    def to_python(self, value):
        with timezone.override(datetime.UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed else parsed

    def prepare_value(self, value):
        return value


def localise(wall_clock: datetime.datetime, zone_name: str) -> datetime.datetime:
    """Attach a zone to a wall-clock time, refusing times the clocks skip at DST changes."""
    zone = zoneinfo.ZoneInfo(zone_name)
    aware = wall_clock.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise forms.ValidationError(
            f"{wall_clock:%H:%M} does not exist on {wall_clock:%d %B %Y} in {zone_name}: "
            "the clocks go forward then. Pick another time."
        )
    # In the hour that happens twice when clocks go back, fold=0 picks the first.
    return aware.astimezone(datetime.UTC)


class ClubForm(PlainTextForm, forms.ModelForm):
    class Meta:
        model = Club
        fields = ["name", "description", "visibility", "join_policy"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class JoinRequestForm(PlainTextForm, forms.Form):
    message = forms.CharField(
        label="Message to the organisers", max_length=300, required=False, strip=True
    )


class MeetingForm(PlainTextForm, forms.ModelForm):
    starts = WallClockField(label="Starts", help_text="Local time in the meeting's time zone.")
    ends = WallClockField(label="Ends")
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    online_url = forms.URLField(
        label="Online link",
        required=False,
        assume_scheme="https",
        help_text="Shown to members only.",
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SEATS,
        help_text="Seats; leave empty for no limit.",
        error_messages={
            "min_value": "A meeting needs at least 1 seat; leave the capacity empty for no limit.",
            "max_value": f"A meeting can have at most {MAX_SEATS:,} seats.",
        },
    )

    class Meta:
        model = Meeting
        fields = [
            "book",
            "section",
            "title",
            "description",
            "time_zone",
            "place",
            "online_url",
            "capacity",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = ["book", "section", "title", "description", "starts", "ends", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].queryset = Book.objects.order_by("title")
        self.fields["section"].queryset = ReadingSection.objects.select_related("book")
        self.fields["section"].label_from_instance = lambda s: f"{s.book.title}: {s.title}"
        if self.instance.pk:
            self.initial.setdefault("starts", self.instance.local_starts_at.replace(tzinfo=None))
            self.initial.setdefault("ends", self.instance.local_ends_at.replace(tzinfo=None))

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if refusal := self.instance.capacity_refusal(capacity):
            raise forms.ValidationError(refusal)
        return capacity

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        book, section = cleaned.get("book"), cleaned.get("section")
        if book and section and section.book_id != book.pk:
            self.add_error("section", "That section belongs to another book.")
        if not zone_name:
            return cleaned
        for name in ("starts", "ends"):
            if cleaned.get(name):
                try:
                    cleaned[f"{name}_at"] = localise(cleaned[name], zone_name)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends", "The meeting must end after it starts.")
        return cleaned

    def meeting_fields(self) -> dict:
        """Cleaned values as Meeting fields (UTC start and end)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["starts_at"] = self.cleaned_data["starts_at"]
        data["ends_at"] = self.cleaned_data["ends_at"]
        return data


class RSVPForm(PlainTextForm, forms.Form):
    response = forms.ChoiceField(
        choices=[
            (RSVP.Response.GOING, "Going"),
            (RSVP.Response.MAYBE, "Maybe"),
            (RSVP.Response.NOT_GOING, "Can't go"),
        ]
    )


class RecapForm(PlainTextForm, forms.Form):
    recap = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)


class SectionForm(PlainTextForm, forms.ModelForm):
    last_page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGES,
        error_messages={
            "min_value": "A section ends on page 1 or later.",
            "max_value": f"A section ends on page {MAX_PAGES:,} at the latest.",
        },
    )
    last_percent = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "A percentage runs from 0 to 100.",
            "max_value": "A percentage runs from 0 to 100.",
        },
    )

    class Meta:
        model = ReadingSection
        fields = ["title", "last_page", "last_percent"]


class ProgressForm(PlainTextForm, forms.Form):
    section = forms.ModelChoiceField(
        queryset=ReadingSection.objects.none(),
        required=False,
        label="Finished section",
        empty_label="(none yet)",
    )
    page = forms.IntegerField(
        min_value=0,
        max_value=MAX_PAGES,
        required=False,
        label="Page reached",
        error_messages={"max_value": f"A page number is at most {MAX_PAGES:,}."},
    )
    percent = forms.IntegerField(min_value=0, max_value=100, required=False, label="Percent read")

    def __init__(self, *args, book: Book, sections: list | None = None, **kwargs):
        from discussions.forms.community import offer_loaded_sections

        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = book.sections.all()
        if sections is not None:
            offer_loaded_sections(self.fields["section"], sections)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) is not None for name in ("section", "page", "percent")):
            raise forms.ValidationError("Choose a section, or give a page or a percentage.")
        return cleaned


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id, refusing ids no row can have before they reach the database:
    SQLite cannot even bind an integer past 2**63, and the lookup would raise."""

    def _check_values(self, value):
        pk = self.queryset.model._meta.pk
        low, high = connections[self.queryset.db].ops.integer_field_range(pk.get_internal_type())
        for item in value or ():
            try:
                number = int(str(item))
            except ValueError:
                continue  # the parent says "is not a valid value"
            if not low <= number <= high:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class PollForm(PlainTextForm, forms.Form):
    title = forms.CharField(max_length=200, initial="What should we read next?")
    closes_at = forms.DateTimeField(
        label="Closes", widget=LOCAL_INPUT, help_text="In your own time zone."
    )
    books = RowsChoiceField(
        queryset=Book.objects.order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        label="Candidate books",
    )
    allow_suggestions = forms.BooleanField(
        required=False, initial=True, label="Members may suggest more books"
    )
    show_results_early = forms.BooleanField(
        required=False, label="Show results before the poll closes"
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError("The closing time must be in the future.")
        return value


class SuggestForm(PlainTextForm, forms.Form):
    book = forms.ModelChoiceField(queryset=Book.objects.order_by("title"))


class BallotForm(PlainTextForm, forms.Form):
    """One rank select per candidate; leave a book unranked to skip it."""

    def __init__(self, *args, candidates, current: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        choices = [("", "—")] + [(str(n), str(n)) for n in range(1, len(self.candidates) + 1)]
        current = current or {}
        for candidate in self.candidates:
            self.fields[f"rank_{candidate.pk}"] = forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                label=candidate.book.title,
                initial=current.get(candidate.pk),
            )

    def clean(self):
        cleaned = super().clean()
        ranked = [
            (cleaned[f"rank_{c.pk}"], c)
            for c in self.candidates
            if cleaned.get(f"rank_{c.pk}") is not None
        ]
        if not ranked:
            raise forms.ValidationError("Rank at least one book (1 = your favourite).")
        ranks = [rank for rank, _ in ranked]
        if len(set(ranks)) != len(ranks):
            raise forms.ValidationError("Give each book a different rank.")
        cleaned["ranking"] = [candidate for _, candidate in sorted(ranked, key=lambda r: r[0])]
        return cleaned
