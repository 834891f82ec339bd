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
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.module_loading import import_string

# Unguessable by members (a comment containing it would be escaped anyway: "-" and
# letters only, and it is only replaced inside pages we rendered ourselves).
CSRF_PLACEHOLDER = "shared-page-csrf-token-9e1f4c7a"
HOLE_MARKER = "<!--hole:{}-->"
HOLE_PATTERN = re.compile(r"<!--hole:([\w/.\-]+#[\w\-]+)-->")
SHARED_PAGE_TIMEOUT = 60 * 60
LOCAL_PAGES = 64  # rendered pages kept in each process's memory (keys carry versions)
FILLED_HOLES = 4096  # memoised holes (see HoleNode), a few kilobytes each

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
    """{% hole "name" [vary="a.b c"] %}…{% endhole %}: personal content, left as a marker
    when the page is shared.

    With vary, the filled hole is memoised per process under the values of those variables
    (rendered with the CSRF placeholder, so no member's token is kept): list every personal
    value the content uses. Without it the hole is rendered for each request.
    """

    def __init__(self, nodelist, name: str, template_name: str, vary: list):
        self.nodelist = nodelist
        self.address = f"{template_name}#{name}"
        self.vary = vary
        _holes[self.address] = self  # the latest parse wins (templates reload in development)

    def render(self, context):
        if is_shared_render(context.get("request")):
            return HOLE_MARKER.format(self.address)
        return self.nodelist.render(context)

    def fill(self, context) -> str:
        if not self.vary:
            return self.nodelist.render(context)
        key = (self.address, *(str(value.resolve(context)) for value in self.vary))
        html = filled_holes.get(key)
        if html is None:
            html = self.nodelist.render(context)
            filled_holes.put(key, html)
        return html


def parse_hole(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('hole takes a quoted name: {% hole "name" %}')
    name = bits[1][1:-1]
    if not re.fullmatch(r"[\w\-]+", name):
        raise template.TemplateSyntaxError(f"hole names are letters, digits and -: {name!r}")
    vary = []
    if len(bits) == 3:
        option = re.fullmatch(r"""vary=(["'])([\w. ]+)\1""", bits[2])
        if not option:
            raise template.TemplateSyntaxError('hole\'s option is vary="variable …"')
        vary = [parser.compile_filter(name) for name in option.group(2).split()]
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    template_name = getattr(parser.origin, "template_name", None) or "inline"
    return HoleNode(nodelist, name, template_name, vary)


def _hole(address: str) -> tuple[HoleNode, template.Template]:
    template_name = address.split("#", 1)[0]
    # Cached by the template loader in production; parsing registers the template's holes
    # (the page may have been rendered by another process).
    django_template = template.engines["django"].engine.get_template(template_name)
    return _holes[address], django_template


def hole_context(request: HttpRequest) -> dict:
    """What every hole may use besides the page's personal context: the member, the
    request, and what SHARED_PAGE_CONTEXT's functions (of the request) add."""
    data = {"user": request.user, "request": request, "csrf_token": CSRF_PLACEHOLDER}
    for path in getattr(settings, "SHARED_PAGE_CONTEXT", []):
        data.update(import_string(path)(request))
    return data


def fill_holes(html: str, request: HttpRequest, personal: dict) -> str:
    """Fill every hole marker; tokens stay placeholders (personalise() replaces them)."""
    data = {**hole_context(request), **personal}
    filled: dict[str, str] = {}

    def fill(match: re.Match) -> str:
        address = match.group(1)
        if address not in filled:
            node, origin = _hole(address)
            context = template.Context(data, autoescape=True)
            context.template = origin
            with context.render_context.push_state(origin):
                filled[address] = node.fill(context)
        return filled[address]

    return HOLE_PATTERN.sub(fill, html)


# --- the page cache -----------------------------------------------------------------


class _LocalPages:
    """A small LRU per process, shared by its threads (rendered pages, filled holes)."""

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
filled_holes = _LocalPages(FILLED_HOLES)


def query_key(request: HttpRequest, params: tuple[str, ...]) -> str:
    """The part of a page's cache key that comes from its query string: only the
    parameters the view reads, so junk parameters cannot fill the cache with copies."""
    values = "&".join(f"{name}={request.GET.get(name, '')}" for name in params)
    return hashlib.sha256(values.encode()).hexdigest()[:16]


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
    for filler in fillers:
        page = filler(page, request, personal)
    page = fill_holes(page, request, personal)
    # Last: one masked token for the whole page (holes included), as Django renders it.
    return page.replace(CSRF_PLACEHOLDER, get_token(request))


def member_page_cache(
    key_for: Callable[..., str | None],
    personal_context: Callable[..., dict],
    fillers: list[Filler] | None = None,
    params: tuple[str, ...] = (),
):
    """Share a view's signed-in page between members; personalise it per request.

    key_for(request, *args, **kwargs): the page's data versions, or None not to share.
    params: the query parameters the view reads (part of the key; others are ignored).
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
            query = query_key(request, params)
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
