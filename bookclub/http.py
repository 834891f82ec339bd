"""HTTP caching: what signed-out readers see is public, identified by an ETag.

A public page's ETag is derived from the versions of the data it shows
(bookclub/cache.py), so a browser or a proxy in front revalidates with one cheap request
(304) and the rendered page is stored under its ETag for the next visitor. Signed-in
pages are personal: `Cache-Control: private`, never stored whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

PUBLIC_MAX_AGE = 60
STALE_WHILE_REVALIDATE = 600
STORED_PAGE_TIMEOUT = 60 * 10


def _for_everyone(request: HttpRequest) -> bool:
    """A signed-out GET with no flash message waiting: the same page for every visitor."""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def _etag(request: HttpRequest, versions: dict, params: tuple[str, ...]) -> str:
    # Only the query parameters the view reads: junk ones cannot make new copies.
    query = [(name, request.GET.get(name, "")) for name in params]
    htmx = request.headers.get("HX-Request", "")
    shown = repr((settings.RELEASE, request.path, htmx, query, sorted(versions.items())))
    return f'"{hashlib.sha256(shown.encode()).hexdigest()[:32]}"'


def public_page(
    versions_for: Callable[..., dict],
    *,
    params: tuple[str, ...] = (),
    max_age: int = PUBLIC_MAX_AGE,
):
    """Visitors get an ETag from `versions_for(request, *args, **kwargs)` (304 when it
    matches), the page stored under it, and `Cache-Control: public` with `Vary: Cookie`
    for a proxy. Members get `Cache-Control: private`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _for_everyone(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                return response
            etag = _etag(request, versions_for(request, *args, **kwargs), params)
            response = get_conditional_response(request, etag=etag)
            if response is None:
                response = _stored_or_rendered(f"page:{etag}", view, request, args, kwargs)
            if response.status_code in (200, 304):
                response["ETag"] = etag
                patch_cache_control(
                    response,
                    public=True,
                    max_age=max_age,
                    stale_while_revalidate=STALE_WHILE_REVALIDATE,
                )
            patch_vary_headers(response, ["Cookie", "HX-Request"])
            return response

        return wrapped

    return decorator


def _stored_or_rendered(key: str, view, request, args, kwargs) -> HttpResponse:
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        return HttpResponse(content, content_type=content_type)
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    # A page that set a cookie (a CSRF token, a message) is not everyone's page.
    if response.status_code == 200 and not response.streaming and not response.cookies:
        cache.set(key, (response.content, response["Content-Type"]), STORED_PAGE_TIMEOUT)
    return response


class ExplainedRefusal(PermissionDenied):
    """A 403 whose message is written for the reader: the 403 page shows it (other
    refusals' messages may be for developers, and stay off the page)."""
