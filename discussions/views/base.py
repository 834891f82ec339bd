"""Small helpers every discussions view shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest, template: str, context: dict, *, partial: str = "", status: int = 200
) -> HttpResponse:
    """The whole page, or only the named partial when htmx asked for it."""
    if partial and request.htmx:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)
