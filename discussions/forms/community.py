"""Forms for book community: comments, ratings, age votes, summaries, notices, quotes, flags."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.template.loader import render_to_string

from bookclub.text import PlainTextForm
from discussions.models import ContentNotice, Flag, Quote, ReadingSection, Summary
from discussions.models.ratings import MAX_AGE, MIN_AGE, RATING_CHOICES


class CommentForm(PlainTextForm, forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: *emphasis*, [links](https://…), > quotes, - lists, "
        ">! spoilers, @username mentions.",
    )


class MeetingCommentForm(CommentForm):
    """A comment in a meeting's thread may say which reading section it discusses."""

    section = forms.ModelChoiceField(
        label="Discusses",
        queryset=ReadingSection.objects.none(),
        required=False,
        empty_label="No particular section",
        help_text="Members who have not reached that section see your comment collapsed.",
        error_messages={"invalid_choice": "Choose one of this book's reading sections."},
    )

    def __init__(self, *args, book_id: int, sections: list | None = None, **kwargs):
        # The meeting page also has the progress form's "section": keep element ids apart.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)
        # Only the meeting book's own sections: a tag from another book means nothing here.
        self.fields["section"].queryset = ReadingSection.objects.filter(book_id=book_id)
        if sections is not None:
            offer_loaded_sections(self.fields["section"], sections)


def offer_loaded_sections(field, sections: list) -> None:
    """Render a section choice from sections the page already loaded (validation still
    checks the field's queryset): one query per page instead of one per form."""
    field.choices = [("", field.empty_label), *((s.pk, str(s)) for s in sections)]


def comment_form_for(thread, data=None, **kwargs) -> CommentForm:
    """The comment form a thread takes: meeting threads add the section tag."""
    if thread is not None and thread.meeting_id:
        return MeetingCommentForm(data, book_id=thread.meeting.book_id, **kwargs)
    return CommentForm(data, **kwargs)


class RatingForm(PlainTextForm, forms.Form):
    value = forms.TypedChoiceField(
        choices=[(str(v), f"{v} stars") for v in RATING_CHOICES],
        coerce=Decimal,
        required=False,
    )
    withdraw = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("withdraw") and data.get("value") in (None, ""):
            raise forms.ValidationError("Choose a rating from 0.5 to 5 stars.")
        return data


class AgeVoteForm(PlainTextForm, forms.Form):
    minimum_age = forms.TypedChoiceField(
        label="Suitable for ages",
        choices=[
            (str(age), f"{age} year{'' if age == 1 else 's'} and over")
            for age in range(MIN_AGE, MAX_AGE + 1)
        ],
        coerce=int,
        required=False,
    )
    withdraw = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("withdraw") and data.get("minimum_age") in (None, ""):
            # The picker starts on "Choose an age": sending it as it is says nothing yet.
            self.add_error("minimum_age", "Choose an age.")
        return data


class SummaryForm(PlainTextForm, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        # Several forms share the book page: keep their element ids apart.
        kwargs.setdefault("auto_id", "id_summary_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = Summary
        fields = ["body"]
        labels = {"body": "Summary"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class NoticeForm(PlainTextForm, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        # Several forms share the book page: keep their element ids apart.
        kwargs.setdefault("auto_id", "id_notice_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = ContentNotice
        fields = ["category", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class QuoteForm(PlainTextForm, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        # Several forms share the book page: keep their element ids apart.
        kwargs.setdefault("auto_id", "id_quote_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = Quote
        fields = ["text", "location"]
        labels = {"text": "Quote"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class FlagForm(PlainTextForm, forms.ModelForm):
    class Meta:
        model = Flag
        fields = ["reason", "note"]
        widgets = {"reason": forms.RadioSelect}


BLANK_FORMS = {
    "comment": CommentForm,
    "summary": SummaryForm,
    "notice": NoticeForm,
    "quote": QuoteForm,
}


def blank_form_fields() -> dict[str, str]:
    """The fields of the forms every member gets blank (no choices from the database),
    rendered once per release and shared: one round trip for all four. Their
    {% csrf_token %} stays in each page's <form>, outside."""

    def render_all() -> dict[str, str]:
        return {
            name: render_to_string("_form_fields.html", {"form": form()})
            for name, form in BLANK_FORMS.items()
        }

    return cache.get_or_set("blank-form-fields", render_all, 60 * 60 * 24)
