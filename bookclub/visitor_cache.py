"""Whole-page caching for visitors (signed-out readers), keyed by the data's versions.

Visitors all see the same page, so the rendered bytes can be shared. A page is
served from the cache only when nothing personal could be in it: a signed-out
GET, not an htmx request, no flash messages waiting, and a response that set no
cookie (a page that used a CSRF token sets one, so it is never stored).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from bookclub.shared_pages import SHARED_PAGE_TIMEOUT, local_pages, query_key


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not getattr(request, "htmx", False)
        and len(messages.get_messages(request)) == 0
    )


def visitor_page_cache(key_for: Callable[..., str | None], params: tuple[str, ...] = ()):
    """Cache a view's 200 answers for visitors under key_for(request, *args, **kwargs) and
    the query parameters the view reads (`params`; others cannot make new copies)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = key_for(request, *args, **kwargs)
            if not key:
                return view(request, *args, **kwargs)
            query = query_key(request, params)
            full_key = f"visitor-page:{key}:q{query}"
            # Keys carry the data's versions, so a copy in this process's memory is as
            # fresh as Redis's and saves fetching the whole page over the network.
            cached = local_pages.get(full_key)
            if cached is None:
                cached = cache.get(full_key)
                if cached is not None:
                    local_pages.put(full_key, cached)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not response.has_header("Set-Cookie")
            ):
                cache.set(
                    full_key, (response.content, response["Content-Type"]), SHARED_PAGE_TIMEOUT
                )
            return response

        return wrapped

    return decorator
