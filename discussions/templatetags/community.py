"""{% book_community book %}: the book page's community section, and its helpers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from catalog.jsonld import catalog_book_jsonld
from discussions.jsonld import community_jsonld, jsonld_script
from discussions.selectors import community_context, shared_community
from discussions.views.common import page_number

register = template.Library()

# Bound forms with errors (set by a failed plain post) win over blank ones.
FORMS = (
    "comment_form",
    "rating_form",
    "age_form",
    "reading_form",
    "summary_form",
    "notice_form",
    "quote_form",
)


@register.inclusion_tag("discussions/community.html", takes_context=True)
def book_community(context, book):
    request = context["request"]
    section = community_context(
        book,
        user=request.user,
        versions=context["versions"],
        sort=request.GET.get("sort", "newest"),
        page=page_number(request),
    )
    section.update({key: context[key] for key in FORMS if key in context})
    section.update(request=request, user=request.user, csrf_token=context.get("csrf_token"))
    section["TZ"] = context.get("TZ", "")
    return section


@register.simple_tag
def book_jsonld(book, versions, detailed=None):
    """The book page's schema.org JSON-LD: the catalog's facts (from `detailed`, a
    Book.objects.for_detail() instance, when given) and the community's ratings, reviews
    and age range."""
    data = catalog_book_jsonld(detailed) if detailed is not None else {}
    data.update(community_jsonld(shared_community(book, versions=versions)))
    return jsonld_script(data)


@register.filter
def stars(value) -> str:
    """3.5 -> "★★★½" for sighted readers; always pair it with the number."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    whole = int(value)
    return "★" * whole + ("½" if value - whole else "")


@register.filter
def half(value) -> str:
    """3.5 -> "3½", 4 -> "4"."""
    value = Decimal(value)
    whole = int(value)
    if value - whole:
        return f"{whole}½" if whole else "½"
    return str(whole)


@register.filter
def percent_of(count, maximum) -> int:
    return round(100 * count / maximum) if maximum else 0
