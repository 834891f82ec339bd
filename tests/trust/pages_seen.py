"""Reading pages as their viewers see them: CSRF tokens, the account menu, form fields.

Shared by the leak and freshness tables. Only HTML goes in: nothing here knows how the
site caches its pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"', re.IGNORECASE)
_ACCOUNT_NAV = re.compile(r'<nav aria-label="Account">(.*?)</nav>', re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>")
UNREAD_BADGE = '<span class="visually-hidden"> unread</span>'


def csrf_tokens(html: str) -> set[str]:
    """Every CSRF token a page carries: in its forms and in htmx's request headers."""
    return set(_FORM_TOKEN.findall(html)) | set(_HEADER_TOKEN.findall(html))


def csrf_secret(token: str) -> str:
    """The secret a (masked, 64-character) token stands for, as in the csrftoken cookie."""
    if len(token) == CSRF_SECRET_LENGTH:
        return token
    mask, cipher = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    chars = CSRF_ALLOWED_CHARS
    return "".join(
        chars[(chars.index(c) - chars.index(m)) % len(chars)]
        for m, c in zip(mask, cipher, strict=True)
    )


def account_nav(html: str) -> str:
    """The header's account menu (the signed-in member's name, badge and links)."""
    found = _ACCOUNT_NAV.search(html)
    assert found, "the page has no account navigation"
    return found.group(1)


def body_tag(html: str) -> str:
    found = _BODY.search(html)
    assert found, "the page has no <body>"
    return found.group(0)


class _FormReader(HTMLParser):
    """The values a browser would submit from one form (submit buttons left out)."""

    def __init__(self, form: str):
        super().__init__(convert_charrefs=True)
        self.form = form
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.form in (attributes.get("id"), attributes.get("action")):
            self.inside = True
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind == "checkbox" else ""
            self.fields.append((name, attributes.get("value") or default))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select is not None:
            self._select_options.append((attributes.get("value") or "", "selected" in attributes))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            for value in chosen or [""]:
                self.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_values(html: str, form: str) -> dict[str, list[str]]:
    """What submitting a form as it stands would post; `form` is its id or its action."""
    reader = _FormReader(form)
    reader.feed(html)
    assert reader.fields, f"no form {form!r} on the page"
    values: dict[str, list[str]] = {}
    for name, value in reader.fields:
        values.setdefault(name, []).append(value)
    return values
