"""Forms for a member's library: the book page's status control and their own shelves."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from discussions.models import LibraryImport, Shelf
from discussions.services.library import STATUS_KINDS


class ReadingStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[(kind.value, kind.label) for kind in STATUS_KINDS],
        error_messages={
            "required": "Choose a reading status.",
            "invalid_choice": "Choose one of the reading statuses.",
        },
    )
    on = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When you started, finished or stopped; today if left empty.",
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    page = forms.IntegerField(
        label="Stopped at page",
        required=False,
        min_value=1,
        help_text="Did not finish: how far you got.",
    )
    percent = forms.IntegerField(label="or percent", required=False, min_value=1, max_value=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_reading_%s")  # the book page has other forms' fields
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", "That date is in the future.")
        if data.get("status") != Shelf.Kind.DID_NOT_FINISH and (
            data.get("page") or data.get("percent")
        ):
            self.add_error("page", "Only a book you did not finish has a point reached.")
        if data.get("page") and data.get("percent"):
            self.add_error("percent", "Give a page or a percentage, not both.")
        return data


class ShelfForm(forms.Form):
    name = forms.CharField(
        label="Shelf name", max_length=80, error_messages={"required": "Give the shelf a name."}
    )
    is_public = forms.BooleanField(label="Show it on my profile", required=False, initial=True)


class LibraryImportForm(forms.Form):
    MAX_BYTES = 8 * 1024 * 1024

    file = forms.FileField(
        label="Your export (CSV)",
        help_text="Goodreads: My Books → Import and export → Export library. "
        "StoryGraph: Manage account → Export StoryGraph library.",
        error_messages={"required": "Choose the CSV file to import."},
    )
    reviews = forms.ChoiceField(
        label="Bring in your reviews",
        choices=LibraryImport.Reviews.choices,
        initial=LibraryImport.Reviews.PRIVATE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where your reviews go."},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                "That file is over 8 MB; an export of 10,000 books is less."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "That file is not UTF-8 text; upload the CSV exactly as it was exported."
            ) from None


class ReadingGoalForm(forms.Form):
    books = forms.IntegerField(
        label="Books this year",
        required=False,
        min_value=1,
        max_value=1000,
        help_text="Optional, and only for you; leave it empty for no goal.",
        error_messages={
            "min_value": "A goal is at least 1 book.",
            "max_value": "A goal is at most 1000 books.",
            "invalid": "Write the goal as a whole number of books.",
        },
    )
