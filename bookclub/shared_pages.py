"""Signed-in pages rendered once for every member, then personalised per request.

Most of a signed-in page is the same for every member: the book, its discussion, the
blank forms. What differs is small: the header's account links, the CSRF token, "your
rating", the Edit/Flag links on comments. Rendering the whole page for each request
costs tens of milliseconds; this module renders it once per data version ("shared
render") with the personal parts left as holes, keeps it in Redis and in a small
in-process memory, and fills the holes for each request (a fraction of a millisecond each).

How a page takes part:

* Its template wraps every personal part in ``{% hole "name" %}…{% endhole %}``. In a
  shared render the hole leaves a marker; in a normal render it renders in place, so the
  same template serves uncached pages (staff, form errors, htmx partials) unchanged.
* Inside a hole the content may only use the *personal context*: a dict the view's
  ``personal_context(request, *args)`` returns (plus ``user``, ``request`` and
  ``csrf_token``, always there).
* ``{% csrf_token %}`` outside holes renders a placeholder (see the context processor
  bookclub.context_processors.site), replaced by the member's token afterwards.
* Markers with their own syntax (a comment's viewer actions, say) are filled by the
  ``fillers`` the view passes: functions (html, request, personal) -> html.

What is never shared: anything but a signed-in, non-staff GET without pending messages
and outside htmx; a response other than a plain 200 or one that set a cookie.
The cache key is the view's key (its data versions) plus the member's time zone (dates
are rendered in it) and the query string.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django import template
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

# Unguessable by members (a comment containing it would be escaped anyway: "-" and
# letters only, and it is only replaced inside pages we rendered ourselves).
CSRF_PLACEHOLDER = "shared-page-csrf-token-9e1f4c7a"
HOLE_MARKER = "<!--hole:{}-->"
HOLE_PATTERN = re.compile(r"<!--hole:([\w/.\-]+#[\w\-]+)-->")
SHARED_PAGE_TIMEOUT = 60 * 60
LOCAL_PAGES = 64  # rendered pages kept in each process's memory (keys carry versions)

Filler = Callable[[str, HttpRequest, dict], str]


def fresh_version() -> int:
    """A data version's first value: random, not 1, so that after the cache is emptied
    (Redis restarted) versions do not start again at numbers whose pages processes still
    hold in memory (local_pages)."""
    return secrets.randbelow(2**40) + 1


def is_shared_render(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "_shared_render", False))


# --- holes ------------------------------------------------------------------------

_holes: dict[str, HoleNode] = {}


class HoleNode(template.Node):
    """{% hole "name" %}…{% endhole %}: personal content, left as a marker when shared."""

    def __init__(self, nodelist, name: str, template_name: str):
        self.nodelist = nodelist
        self.address = f"{template_name}#{name}"
        _holes[self.address] = self  # the latest parse wins (templates reload in development)

    def render(self, context):
        if is_shared_render(context.get("request")):
            return HOLE_MARKER.format(self.address)
        return self.nodelist.render(context)


def parse_hole(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('hole takes one quoted name: {% hole "name" %}')
    name = bits[1][1:-1]
    if not re.fullmatch(r"[\w\-]+", name):
        raise template.TemplateSyntaxError(f"hole names are letters, digits and -: {name!r}")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    template_name = getattr(parser.origin, "template_name", None) or "inline"
    return HoleNode(nodelist, name, template_name)


def _hole(address: str) -> tuple[HoleNode, template.Template]:
    template_name = address.split("#", 1)[0]
    # Cached by the template loader in production; parsing registers the template's holes
    # (the page may have been rendered by another process).
    django_template = template.engines["django"].engine.get_template(template_name)
    return _holes[address], django_template


def fill_holes(html: str, request: HttpRequest, personal: dict, csrf_token: str) -> str:
    data = {**personal, "user": request.user, "request": request, "csrf_token": csrf_token}
    filled: dict[str, str] = {}

    def fill(match: re.Match) -> str:
        address = match.group(1)
        if address not in filled:
            node, origin = _hole(address)
            context = template.Context(data, autoescape=True)
            context.template = origin
            with context.render_context.push_state(origin):
                filled[address] = node.nodelist.render(context)
        return filled[address]

    return HOLE_PATTERN.sub(fill, html)


# --- the page cache -----------------------------------------------------------------


class _LocalPages:
    """A small LRU of rendered pages per process, shared by its threads."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


local_pages = _LocalPages(LOCAL_PAGES)


def _shareable_request(request: HttpRequest) -> bool:
    user = request.user
    return (
        request.method == "GET"
        and user.is_authenticated
        and user.is_active
        and not user.is_staff
        and not getattr(request, "htmx", False)
        and len(messages.get_messages(request)) == 0
    )


def personalise(page: str, request: HttpRequest, personal: dict, fillers: list[Filler]) -> str:
    token = get_token(request)  # one masked token for the whole page, as Django renders it
    page = page.replace(CSRF_PLACEHOLDER, token)
    for filler in fillers:
        page = filler(page, request, personal)
    return fill_holes(page, request, personal, token)


def member_page_cache(
    key_for: Callable[..., str | None],
    personal_context: Callable[..., dict],
    fillers: list[Filler] | None = None,
):
    """Share a view's signed-in page between members; personalise it per request.

    key_for(request, *args, **kwargs): the page's data versions, or None not to share.
    personal_context(request, *args, **kwargs): what the page's holes and fillers need.
    """
    fillers = fillers or []

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            key = key_for(request, *args, **kwargs)
            if not key:
                return view(request, *args, **kwargs)
            query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
            full_key = f"member-page:{key}:tz{timezone.get_current_timezone_name()}:q{query}"
            page = local_pages.get(full_key)
            if page is None:
                page = cache.get(full_key)
                if page is None:
                    page = _shared_render(view, request, args, kwargs, full_key)
                    if isinstance(page, HttpResponse):
                        return page
                local_pages.put(full_key, page)
            content, content_type = page
            personal = personal_context(request, *args, **kwargs)
            return HttpResponse(
                personalise(content, request, personal, fillers), content_type=content_type
            )

        return wrapped

    return decorator


def _shared_render(view, request, args, kwargs, full_key):
    """Render the page for every member; a response that can't be shared is returned as is."""
    request._shared_render = True
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        request._shared_render = False
    if response.status_code != 200 or response.streaming or response.cookies:
        # Not shareable: render it again, personally (GET views have no side effects).
        return view(request, *args, **kwargs)
    page = (response.content.decode(), response["Content-Type"])
    cache.set(full_key, page, SHARED_PAGE_TIMEOUT)
    return page
