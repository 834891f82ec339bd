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
* Other markers (``<!--personal:KIND:ARGS-->``, a comment's viewer actions, say) are
  filled by the ``fillers`` the view passes: {kind: function(request, personal, [args])
  returning {args: html}}, called once per page with all markers of their kind.
* The stored page is split into text and markers once (compile_page), so serving it is
  a join, not a scan of the whole page.

What is never shared: anything but a signed-in, non-staff GET without pending messages
and outside htmx; a response other than a plain 200 or one that set a cookie.
The cache key is the view's key (its data versions) plus the member's time zone (dates
are rendered in it) and the query string.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
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

from bookclub.request_memo import prefetch

# Unguessable by members (a comment containing it would be escaped anyway: "-" and
# letters only, and it is only replaced inside pages we rendered ourselves).
CSRF_PLACEHOLDER = "shared-page-csrf-token-9e1f4c7a"
# Every personal part of a shared page is a marker of this form (nh3 strips comments from
# what members write, so only our templates make them): a kind and its arguments.
MARKER = "<!--personal:{kind}:{args}-->"
MARKER_PATTERN = re.compile(r"<!--personal:([a-z][a-z\-]*):([\w/.#\-:]*)-->")
SEGMENT_PATTERN = re.compile(f"{re.escape(CSRF_PLACEHOLDER)}|{MARKER_PATTERN.pattern}")
HOLE_PATTERN = re.compile(r"<!--personal:hole:([\w/.\-]+#[\w\-]+)-->")
# Shared and visitors' pages live this long at most (also in process memory): the lag of
# what no version covers, such as a member's new display name on their comment cards.
SHARED_PAGE_TIMEOUT = 60 * 10
PAGE_FORMAT = 2  # part of every key: pages stored in an older shape are never read back
LOCAL_PAGES = 64  # rendered pages kept in each process's memory (keys carry versions)
FILLED_HOLES = 4096  # memoised holes (see HoleNode), a few kilobytes each

# A filler answers all markers of its kind on a page at once: {arguments: html}.
Filler = Callable[[HttpRequest, dict, list[str]], dict[str, str]]


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
            return MARKER.format(kind="hole", args=self.address)
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


def fill_holes(request: HttpRequest, personal: dict, addresses: list[str]) -> dict[str, str]:
    """The filler of hole markers (tokens stay placeholders: personalise() replaces them)."""
    data = {**hole_context(request), **personal}
    filled = {}
    for address in dict.fromkeys(addresses):
        node, origin = _hole(address)
        context = template.Context(data, autoescape=True)
        context.template = origin
        with context.render_context.push_state(origin):
            filled[address] = node.fill(context)
    return filled


# --- the page cache -----------------------------------------------------------------


class _LocalPages:
    """A small LRU per process, shared by its threads (rendered pages, filled holes).

    Entries also expire after `seconds`, like their copies in Redis: what no version
    covers (another member's new display name on a comment card) catches up by then.
    """

    def __init__(self, size: int, seconds: float):
        self.size = size
        self.seconds = seconds
        self.pages: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return entry[1]

    def put(self, key, page) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + self.seconds, page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


local_pages = _LocalPages(LOCAL_PAGES, SHARED_PAGE_TIMEOUT)
filled_holes = _LocalPages(FILLED_HOLES, SHARED_PAGE_TIMEOUT)


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


def compile_page(html: str) -> list:
    """Split a shared page once, when it is stored, into text and the markers to fill:
    serving it is then a join, with no scan of the whole page per request."""
    segments: list = []
    position = 0
    for match in SEGMENT_PATTERN.finditer(html):
        segments.append(html[position : match.start()])
        kind = match.group(1) or "csrf"
        segments.append((kind, match.group(2) or ""))
        position = match.end()
    segments.append(html[position:])
    return segments


def personalise(
    segments: list, request: HttpRequest, personal: dict, fillers: dict[str, Filler]
) -> str:
    wanted: dict[str, list[str]] = {}
    for segment in segments:
        if isinstance(segment, tuple) and segment[0] != "csrf":
            wanted.setdefault(segment[0], []).append(segment[1])
    fillers = {"hole": fill_holes, **fillers}
    token = get_token(request)  # one masked token for the whole page, as Django renders it
    filled = {
        # Holes are rendered with the placeholder too (memoised ones keep no token).
        kind: {
            args: html.replace(CSRF_PLACEHOLDER, token)
            for args, html in fillers[kind](request, personal, args).items()
        }
        for kind, args in wanted.items()
    }
    parts = []
    for segment in segments:
        if isinstance(segment, str):
            parts.append(segment)
        elif segment[0] == "csrf":
            parts.append(token)
        else:
            parts.append(filled[segment[0]][segment[1]])
    return "".join(parts)


def member_page_cache(
    key_for: Callable[..., str | None],
    personal_context: Callable[..., dict],
    fillers: dict[str, Filler] | None = None,
    params: tuple[str, ...] = (),
    first_reads: Callable[..., list[str]] | None = None,
):
    """Share a view's signed-in page between members; personalise it per request.

    key_for(request, *args, **kwargs): the page's data versions, or None not to share.
    params: the query parameters the view reads (part of the key; others are ignored).
    personal_context(request, *args, **kwargs): what the page's holes and fillers need.
    first_reads(request, *args, **kwargs): cache keys the page reads first, fetched in
    one round trip (the header's were fetched with the member: MEMBER_FIRST_READS).
    """
    fillers = fillers or {}

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            if first_reads:  # fetched already by MemberPrefetchMiddleware, unless absent
                prefetch(first_reads(request, *args, **kwargs))
            key = key_for(request, *args, **kwargs)
            if not key:
                return view(request, *args, **kwargs)
            query = query_key(request, params)
            zone = timezone.get_current_timezone_name()
            full_key = f"member-page:f{PAGE_FORMAT}:{key}:tz{zone}:q{query}"
            page = local_pages.get(full_key)
            if page is None:
                page = cache.get(full_key)
                if page is None:
                    page = _shared_render(view, request, args, kwargs, full_key)
                    if isinstance(page, HttpResponse):
                        return page
                local_pages.put(full_key, page)
            segments, content_type = page
            personal = personal_context(request, *args, **kwargs)
            return HttpResponse(
                personalise(segments, request, personal, fillers), content_type=content_type
            )

        # For bookclub.accounts.middleware.MemberPrefetchMiddleware (decorators that use
        # functools.wraps carry it outwards).
        wrapped.shared_page_first_reads = first_reads
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
    page = (compile_page(response.content.decode()), response["Content-Type"])
    cache.set(full_key, page, SHARED_PAGE_TIMEOUT)
    return page
