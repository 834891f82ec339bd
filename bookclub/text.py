"""Text members type: what may be in it, and making stored text safe for strict formats.

Control characters (C0 and C1, and DEL) have no place in anything a member writes. They
break formats with strict grammars — XML refuses most of them outright, and a carriage
return in an iCalendar value starts a new property — so forms refuse them at input
(`PlainTextForm`), and feeds pass stored text through `without_controls()` in case a row
predates that rule.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Tab, line feed and carriage return are ordinary in multi-line text; the rest never are.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROLS_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAKS_AND_TABS = re.compile("[\t\r\n\u2028\u2029]+")


def without_controls(value: str) -> str:
    """The text with control characters removed (tabs and line breaks kept)."""
    return _CONTROLS.sub("", value)


def one_line(value: str) -> str:
    """The text as one line: controls removed, every run of whitespace a single space."""
    return " ".join(without_controls(value).split())


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters; `single_line` refuses line breaks and tabs too."""

    def __init__(self, *, single_line: bool) -> None:
        self.single_line = single_line

    def __call__(self, value: str) -> None:
        pattern = _CONTROLS_AND_BREAKS if self.single_line else _CONTROLS
        found = pattern.search(str(value))
        if found is None:
            return
        character = found.group()
        if self.single_line and character in "\r\n\u2028\u2029":
            raise ValidationError("Keep this to one line.", code="line_break")
        raise ValidationError(
            "This contains an invisible control character (U+%(code)04X); remove it.",
            code="control_character",
            params={"code": ord(character)},
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ControlCharacterValidator) and other.single_line == self.single_line
        )


refuse_controls = ControlCharacterValidator(single_line=False)
refuse_controls_and_breaks = ControlCharacterValidator(single_line=True)


def _as_one_line(to_python):
    def one_line_to_python(value):
        if isinstance(value, str):
            value = _BREAKS_AND_TABS.sub(" ", value)
        return to_python(value)

    return one_line_to_python


class PlainTextForm:
    """Mix into every form: each text field refuses control characters; in a field that is
    not a textarea, line breaks and tabs (which only a script can send there) become spaces.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.Textarea):
                field.validators.append(refuse_controls)
            else:
                # Each form has its own copy of its fields: this changes no other form's.
                field.to_python = _as_one_line(field.to_python)
                field.validators.append(refuse_controls_and_breaks)

    def error_summary(self) -> str:
        """Every error in one sentence, for a form answered with a message."""
        return " ".join(
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, errors in self.errors.items()
            for message in errors
        )
