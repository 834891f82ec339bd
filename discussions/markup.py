"""The comment Markdown subset, rendered once on save and sanitised with nh3.

Supported: emphasis, links, block quotes, lists, inline code, ``@username``
mentions and spoiler blocks (lines starting with ``>!``). Everything else,
raw HTML included, is stripped by the nh3 allow-list, so the stored HTML is
safe to print with ``|safe``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

import markdown
import nh3
from django.urls import reverse
from django.utils.html import escape

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "code", "details", "summary",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "details": {"class"}, "summary": {"class"}}
MENTION = re.compile(r"(?<![\w/@])@([A-Za-z0-9_.+-]{1,150})")
SPOILER_LINE = re.compile(r"^>!\s?(.*)$")


def mentioned_usernames(text: str) -> set[str]:
    return {name.rstrip(".") for name in MENTION.findall(text)}


# A Markdown instance is not thread-safe but can be reused after reset(): building one
# (its processors and patterns) was half the cost of rendering a short comment.
_converters = threading.local()


def _markdown(text: str) -> str:
    # Escaping "<" and "&" first means raw HTML shows as text rather than being
    # interpreted; nh3 below is the real guarantee.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(output_format="html")
    return converter.reset().convert(text)


def _link_mentions(text: str, known: set[str]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1).rstrip(".")
        if name not in known:
            return match.group(0)
        url = reverse("accounts:profile", kwargs={"username": name})
        return f"[@{name}]({url}){match.group(1)[len(name) :]}"

    return MENTION.sub(replace, text)


def _blocks(text: str) -> Iterable[tuple[bool, str]]:
    """Split the source into (is_spoiler, text) runs of lines."""
    current: list[str] = []
    spoiler = False
    for line in text.splitlines():
        match = SPOILER_LINE.match(line)
        if bool(match) != spoiler and current:
            yield spoiler, "\n".join(current)
            current = []
        spoiler = bool(match)
        current.append(match.group(1) if match else line)
    if current:
        yield spoiler, "\n".join(current)


def render(text: str, *, known_usernames: Callable[[set[str]], set[str]] | None = None) -> str:
    """Markdown subset -> sanitised HTML. ``known_usernames`` filters mention candidates."""
    names = mentioned_usernames(text)
    known = known_usernames(names) if known_usernames and names else set()
    if known:
        text = _link_mentions(text, known)
    parts = []
    for spoiler, chunk in _blocks(text):
        html = _markdown(chunk)
        if spoiler:
            html = (
                '<details class="spoiler"><summary>Spoiler (click to reveal)</summary>'
                f"{html}</details>"
            )
        parts.append(html)
    return clean("".join(parts))


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow ugc noopener",
)


def clean(html: str) -> str:
    return _CLEANER.clean(html)


def plain(text: str) -> str:
    """Escaped plain text with line breaks (for summaries and quotes)."""
    return escape(text).replace("\n", "<br>")


def without_spoiler_blocks(text: str) -> str:
    """The text for a plain-text email: its >! spoiler blocks left out, said so."""
    return "\n".join("[spoiler left out]" if spoiler else chunk for spoiler, chunk in _blocks(text))
