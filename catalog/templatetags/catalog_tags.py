"""Template helpers for catalog pages: JSON-LD output and provenance labels."""

from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: data can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld_script(data: dict) -> str:
    """<script type="application/ld+json"> with HTML-safe JSON (CSP allows data scripts)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.filter
def provenance(sources) -> str:
    """“from the library catalog and the encyclopedia article” for one source or several."""
    if sources is None:
        return ""
    if hasattr(sources, "kind"):
        sources = [sources]
    elif hasattr(sources, "get_queryset"):  # a related manager; a QuerySet iterates its cache
        sources = sources.all()
    labels = list(dict.fromkeys(f"the {s.get_kind_display()}" for s in sources if s is not None))
    if not labels:
        return "added by the catalog editors"
    if len(labels) == 1:
        return f"from {labels[0]}"
    return f"from {', '.join(labels[:-1])} and {labels[-1]}"


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split stored text on blank lines, for one <p> each."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def decimal_short(value) -> str:
    """3.50 -> 3.5, 4.00 -> 4."""
    if value is None:
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


@register.inclusion_tag("catalog/_shelf.html", takes_context=True)
def catalog_shelf(context, limit: int = 6) -> dict:
    """The home page's shelf: the best-documented books first (the template caches it)."""
    from catalog.models import Book

    books = Book.objects.for_listing().order_by("-edition_count", "sort_title", "title")
    return {
        "books": SimpleLazyObject(lambda: list(books[:limit])),
        "limit": limit,
        "versions": context["versions"],
    }
