"""{% book_community book %}: the whole community section for a book page."""

from __future__ import annotations

from decimal import Decimal

from django import template

from bookclub.shared_pages import is_shared_render
from discussions import personal
from discussions.jsonld import community_jsonld, jsonld_script
from discussions.personal import viewer_actions_marker
from discussions.selectors import community_context

register = template.Library()


@register.inclusion_tag("discussions/community.html", takes_context=True)
def book_community(context, book):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    sort, page = "newest", 1
    if request is not None:
        sort = request.GET.get("sort", "newest")
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
    section = community_context(book, user=user, sort=sort, page=page)
    # Bound forms with errors (set by a failed plain post) win over blank ones.
    for key in (
        "comment_form",
        "rating_form",
        "age_form",
        "summary_form",
        "notice_form",
        "quote_form",
    ):
        if key in context:
            section[key] = context[key]
    section["request"] = request
    section["csrf_token"] = context.get("csrf_token")
    return section


@register.simple_tag
def book_community_jsonld(book):
    return jsonld_script(community_jsonld(book))


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


@register.simple_tag(takes_context=True)
def viewer_actions(context, comment):
    """Edit/Delete on your own comment, Flag on others': a marker on shared pages."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return ""
    if is_shared_render(context.get("request")):
        return viewer_actions_marker(comment.pk, comment.author_id, hidden=comment.is_hidden)
    return personal.viewer_actions(
        comment.pk,
        comment.author_id,
        hidden=comment.is_hidden,
        viewer_id=user.pk,
        flagged=comment.pk in context.get("flagged_ids", ()),
        can_moderate=bool(context.get("can_moderate")),
    )
