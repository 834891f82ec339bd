"""Helpers every discussions view shares: typed htmx request, sign-in, error replies."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from bookclub.ratelimit import post_rate_limited
from discussions.services.errors import DiscussionError


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _back_to(request: HttpRequest) -> str:
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return request.get_full_path()


def member_post(view):
    """Sign-in required and posts rate limited; htmx gets a redirect header, not a 302."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                response = HttpResponse(status=401)
                response["HX-Redirect"] = redirect_to_login(_back_to(request)).url
                return response
            return redirect_to_login(request.get_full_path())
        return post_rate_limited(view)(request, *args, **kwargs)

    return wrapper


def error_response(request: HtmxHttpRequest, error: DiscussionError) -> HttpResponse:
    """A refused action: the message in the page's alert region (htmx) or a short page."""
    context = {"message": str(error), "status": error.status}
    if request.htmx:
        response = render(request, "discussions/refused.html#message", context, status=error.status)
        response["HX-Retarget"] = "#page-alert"
        response["HX-Reswap"] = "innerHTML"
        response["X-Refused"] = "1"  # site.js shows it beside the form that asked
        return response
    return render(request, "discussions/refused.html", context, status=error.status)


def page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def thread_part(request: HtmxHttpRequest, context: dict) -> HttpResponse | None:
    """The thread alone when htmx sorts it or loads more of it (None: render the page).
    A history-restore request (back button after a cache miss) needs the whole page."""
    wants_thread = "sort" in request.GET or "page" in request.GET
    if request.htmx and wants_thread and not request.htmx.history_restore_request:
        partial = "comment-page" if request.GET.get("page") else "thread-body"
        return render(request, f"discussions/_thread.html#{partial}", context)
    return None
