"""Forms for a meeting's agenda and its notes."""

from __future__ import annotations

from django import forms

from bookclub.text import PlainTextForm
from discussions.models.agenda import AGENDA_MAX_LENGTH, NOTES_MAX_LENGTH


class AgendaForm(PlainTextForm, forms.Form):
    body = forms.CharField(
        label="Agenda",
        required=False,
        max_length=AGENDA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={
            "max_length": f"An agenda can be at most {AGENDA_MAX_LENGTH:,} characters.",
        },
    )


class NotesForm(PlainTextForm, forms.Form):
    notes = forms.CharField(
        label="Meeting notes",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Taken at the meeting; the recap starts from them.",
        error_messages={
            "max_length": f"The notes can be at most {NOTES_MAX_LENGTH:,} characters.",
        },
    )
