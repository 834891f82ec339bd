"""Forms for club reads: starting one, its schedule, progress in any format, digests."""

from __future__ import annotations

import re

from django import forms

from bookclub.text import PlainTextForm, one_line
from catalog.models import Book
from discussions.forms.clubs import MAX_PAGES
from discussions.models import ReadFollow, ReadingSection

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Far past any chapter count, inside a 32-bit column.
MAX_CHAPTERS = 10_000
# A hundred hours: longer than any audiobook we know of.
MAX_AUDIO_SECONDS = 100 * 3600
CLOCK = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{2})\s*$")


def _count(label: str, *, low: int, high: int, noun: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={
            "min_value": f"A {noun} number is at least {low}.",
            "max_value": f"A {noun} number is at most {high:,}.",
        },
    )


class ReadForm(PlainTextForm, forms.Form):
    book = forms.ModelChoiceField(queryset=Book.objects.order_by("title"))
    starts_on = forms.DateField(label="We start reading on", widget=DATE_INPUT)
    edition_pages = _count("Pages in our edition (optional)", low=1, high=MAX_PAGES, noun="page")


class ScheduleForm(PlainTextForm, forms.Form):
    UNITS = [
        ("part", "A part (named by its title)"),
        ("chapters", "Chapters"),
        ("pages", "Pages"),
        ("percent", "Percent (ebooks)"),
    ]
    section = forms.ModelChoiceField(
        queryset=ReadingSection.objects.none(),
        required=False,
        label="One of the book's sections",
        empty_label="(a new section)",
    )
    unit = forms.ChoiceField(choices=UNITS, initial="chapters", label="A new section of")
    first = _count("From", low=0, high=MAX_PAGES, noun="start")
    last = _count("To", low=1, high=MAX_PAGES, noun="end")
    title = forms.CharField(
        max_length=160, required=False, help_text="Leave empty for e.g. “Chapters 7–12”."
    )
    due_on = forms.DateField(label="Due", widget=DATE_INPUT)

    def __init__(self, *args, book, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = book.sections.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("section") is not None:
            return cleaned
        unit = cleaned.get("unit")
        if unit == "part" and not cleaned.get("title"):
            self.add_error("title", "Name the part, e.g. “Part Two”.")
        elif unit and unit != "part" and cleaned.get("last") is None and "last" not in self.errors:
            self.add_error("last", "Say where the section ends.")
        if unit == "percent" and (cleaned.get("last") or 0) > 100:
            self.add_error("last", "A percentage runs from 0 to 100.")
        return cleaned

    def schedule_fields(self) -> dict:
        data = self.cleaned_data
        if data["section"] is not None:
            return {"section": data["section"], "due_on": data["due_on"]}
        return {name: data[name] for name in ("unit", "title", "first", "last", "due_on")}


def parse_clock(value: str) -> int | None:
    """ "1:02:03" or "62:03" as seconds (None: empty)."""
    if not value.strip():
        return None
    match = CLOCK.match(value)
    if match is None:
        raise forms.ValidationError("Write the time as hours:minutes:seconds, e.g. 3:25:00.")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if seconds > 59 or (match.group(1) is not None and minutes > 59):
        raise forms.ValidationError("Minutes and seconds run from 0 to 59.")
    return hours * 3600 + minutes * 60 + seconds


class ClockField(forms.Field):
    """A time as h:mm:ss, cleaned to seconds (not a CharField: its value is a number)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "h:mm:ss"})

    def to_python(self, value):
        seconds = parse_clock(one_line(str(value or "")))
        if seconds is not None and seconds > MAX_AUDIO_SECONDS:
            raise forms.ValidationError("An audiobook runs for at most 100 hours.")
        return seconds


class ReadProgressForm(PlainTextForm, forms.Form):
    """How far the member has read, in the format they read it in."""

    FORMATS = [
        ("section", "A section"),
        ("chapter", "A chapter"),
        ("page", "A page of my edition"),
        ("percent", "A percentage (ebook)"),
        ("audio", "A time in the audiobook"),
    ]
    format = forms.ChoiceField(choices=FORMATS, widget=forms.RadioSelect, label="I read by")
    section = forms.ModelChoiceField(
        queryset=ReadingSection.objects.none(),
        required=False,
        label="Finished section",
        empty_label="(none yet)",
    )
    chapter = _count("Last chapter finished", low=0, high=MAX_CHAPTERS, noun="chapter")
    page = _count("Page reached", low=0, high=MAX_PAGES, noun="page")
    edition_pages = _count("Pages in my edition", low=1, high=MAX_PAGES, noun="page")
    percent = forms.IntegerField(
        label="Percent read",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "A percentage runs from 0 to 100.",
            "max_value": "A percentage runs from 0 to 100: 100 is the end of the book.",
        },
    )
    audio = ClockField(label="Time reached", required=False)
    audio_length = ClockField(label="Audiobook length", required=False)

    def __init__(self, *args, read, sections: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = read
        self.sections = sections
        self.fields["section"].queryset = read.book.sections.all()
        self.fields["section"].choices = [("", "(none yet)"), *((s.pk, s.title) for s in sections)]

    def clean(self):
        cleaned = super().clean()
        check = {
            "section": self._clean_section,
            "chapter": self._clean_chapter,
            "page": self._clean_page,
            "percent": self._clean_percent,
            "audio": self._clean_audio,
        }.get(cleaned.get("format"))
        if check is not None:
            check(cleaned)
        return cleaned

    def _clean_section(self, cleaned):
        if cleaned.get("section") is None and "section" not in self.errors:
            self.add_error("section", "Choose the last section you finished.")

    def _clean_chapter(self, cleaned):
        chapter = cleaned.get("chapter")
        if chapter is None:
            if "chapter" not in self.errors:
                self.add_error("chapter", "Give the last chapter you finished.")
            return
        ends = [s.last_chapter for s in self.sections if s.last_chapter is not None]
        if ends and chapter > max(ends):
            self.add_error("chapter", f"The book ends at chapter {max(ends)}.")

    def _clean_page(self, cleaned):
        page, pages = cleaned.get("page"), cleaned.get("edition_pages")
        pages = pages or self.read.edition_pages
        if page is None:
            if "page" not in self.errors:
                self.add_error("page", "Give the page you have reached.")
        elif pages is None:
            if "edition_pages" not in self.errors:
                self.add_error("edition_pages", "How many pages has your edition?")
        elif page > pages:
            self.add_error("page", f"Page {page} is past the end of your edition ({pages} pages).")
        cleaned["edition_pages"] = pages

    def _clean_percent(self, cleaned):
        if cleaned.get("percent") is None and "percent" not in self.errors:
            self.add_error("percent", "Give how far you are, from 0 to 100.")

    def _clean_audio(self, cleaned):
        at, length = cleaned.get("audio"), cleaned.get("audio_length")
        if at is None and "audio" not in self.errors:
            self.add_error("audio", "Give the time you have reached, e.g. 3:25:00.")
        elif length is None and "audio_length" not in self.errors:
            self.add_error("audio_length", "Give the audiobook's length, e.g. 11:40:00.")
        elif at is not None and length is not None and at > length:
            self.add_error("audio", "That time is past the end of the audiobook.")

    def progress_fields(self) -> dict:
        """The service's arguments: only the chosen format's values."""
        data, chosen = self.cleaned_data, self.cleaned_data["format"]
        return {
            "section": data["section"] if chosen == "section" else None,
            "chapter": data["chapter"] if chosen == "chapter" else None,
            "page": data["page"] if chosen == "page" else None,
            "edition_pages": data["edition_pages"] if chosen == "page" else None,
            "percent": data["percent"] if chosen == "percent" else None,
            "audio_seconds": data["audio"] if chosen == "audio" else None,
            "audio_length_seconds": data["audio_length"] if chosen == "audio" else None,
        }

    @staticmethod
    def initial_for(progress) -> dict:
        if progress is None:
            return {"format": "chapter"}
        from discussions.models.meetings import clock

        formats = [
            ("audio", progress.audio_seconds),
            ("page", progress.page),
            ("percent", progress.percent),
            ("chapter", progress.chapter),
            ("section", progress.section_id),
        ]
        chosen = next((name for name, value in formats if value is not None), "chapter")
        return {
            "format": chosen,
            "section": progress.section_id,
            "chapter": progress.chapter,
            "page": progress.page,
            "edition_pages": progress.edition_pages,
            "percent": progress.percent,
            "audio": clock(progress.audio_seconds) if progress.audio_seconds is not None else "",
            "audio_length": clock(progress.audio_length_seconds)
            if progress.audio_length_seconds is not None
            else "",
        }


class FollowForm(PlainTextForm, forms.Form):
    digest = forms.ChoiceField(
        choices=ReadFollow.Digest.choices,
        initial=ReadFollow.Digest.WEEKLY,
        label="Catch-up by email",
    )
    action = forms.ChoiceField(
        choices=[("follow", "Follow"), ("unfollow", "Unfollow")], initial="follow"
    )
