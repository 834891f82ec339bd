"""Small helpers every discussions view shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest, template: str, context: dict, *, partial: str = "", status: int = 200
) -> HttpResponse:
    """The whole page, or only the named partial when htmx asked for it.

    A history-restore request (back button after a cache miss) needs the whole page.
    """
    wants_partial = bool(partial and request.htmx and not request.htmx.history_restore_request)
    if wants_partial:
        template = f"{template}#{partial}"
    response = render(request, template, context, status=status)
    if partial:
        # Browsers must not serve a cached fragment as the page, or vice versa.
        patch_vary_headers(response, ["HX-Request"])
    return response
