"""Forms for book lists: the list itself and the books on it."""

from __future__ import annotations

from django import forms

from catalog import isbn as isbn_rules
from catalog.models import Book, Edition


class BookListForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=120, error_messages={"required": "Give the list a title."}
    )
    description = forms.CharField(
        label="What it is for",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_public = forms.BooleanField(
        label="Anyone can see it",
        required=False,
        initial=True,
        help_text="A club's list is seen by whoever may see the club.",
    )


class ListItemForm(forms.Form):
    book = forms.CharField(
        label="Book: its title or ISBN",
        max_length=255,
        error_messages={"required": "Name the book to add: its title or ISBN."},
    )
    note = forms.CharField(
        label="Your note", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_item_%s")
        super().__init__(*args, **kwargs)

    def clean_book(self) -> Book:
        text = self.cleaned_data["book"].strip()
        if isbn_rules.looks_like_isbn(text):
            try:
                edition = Edition.objects.filter(isbn13=isbn_rules.normalise(text)).first()
            except isbn_rules.InvalidISBN as error:
                raise forms.ValidationError(str(error)) from None
            if edition is None:
                raise forms.ValidationError(f"No book in the catalog has the ISBN {text}.")
            return edition.book
        books = list(Book.objects.filter(title__iexact=text)[:2])
        if not books:
            raise forms.ValidationError(
                f"No book in the catalog is titled “{text}”; check the spelling or use its ISBN."
            )
        if len(books) > 1:
            raise forms.ValidationError(f"Several books are titled “{text}”; use its ISBN.")
        return books[0]


class ListNoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=2000, required=False)
