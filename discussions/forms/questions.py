"""Forms for the question bank."""

from __future__ import annotations

from django import forms

from bookclub.text import PlainTextForm
from discussions.forms.community import offer_loaded_sections
from discussions.models import ReadingSection
from discussions.models.questions import QUESTION_MAX_LENGTH


class QuestionForm(PlainTextForm, forms.Form):
    body = forms.CharField(
        label="Your question",
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write your question first.",
            "max_length": f"A question can be at most {QUESTION_MAX_LENGTH:,} characters.",
        },
    )
    section = forms.ModelChoiceField(
        label="About",
        queryset=ReadingSection.objects.none(),
        required=False,
        empty_label="The whole book",
        help_text="Members who have not reached that section see your question collapsed.",
        error_messages={"invalid_choice": "Choose one of this book's reading sections."},
    )

    def __init__(self, *args, book_id: int, sections: list | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_question_%s")
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = ReadingSection.objects.filter(book_id=book_id)
        if sections is not None:
            offer_loaded_sections(self.fields["section"], sections)
