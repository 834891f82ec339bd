"""Forms for nominating books, the club's reading settings and opening the vote."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from bookclub.text import PlainTextForm
from catalog.models import Book
from discussions.forms.clubs import LOCAL_INPUT
from discussions.models import Club


class NominationForm(PlainTextForm, forms.Form):
    book = forms.ModelChoiceField(
        queryset=Book.objects.order_by("title"),
        label="Book to nominate",
        error_messages={"invalid_choice": "Choose a book from the catalog."},
    )


class ReadingSettingsForm(PlainTextForm, forms.Form):
    """How the club nominates, and the pace its feasibility panels measure books against."""

    nomination_quota = forms.IntegerField(label="Nominations per member", min_value=1, max_value=20)
    seconds_needed = forms.IntegerField(
        label="Seconds a nomination needs to reach the ballot", min_value=0, max_value=50
    )
    read_length_weeks = forms.IntegerField(
        label="Usual read length (weeks)", min_value=1, max_value=52
    )
    pages_per_week = forms.IntegerField(
        label="Comfortable pace (pages a week)", min_value=1, max_value=5000
    )

    @classmethod
    def for_club(cls, club: Club, data=None) -> ReadingSettingsForm:
        return cls(data, initial={name: getattr(club, name) for name in cls.base_fields})


def _in_a_week() -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)


class BallotOpenForm(PlainTextForm, forms.Form):
    title = forms.CharField(max_length=200, initial="What should we read next?")
    closes_at = forms.DateTimeField(
        label="Voting closes",
        widget=LOCAL_INPUT,
        help_text="In your own time zone.",
        initial=_in_a_week,
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError("The closing time must be in the future.")
        return value
