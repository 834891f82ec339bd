"""Filters every template may use (registered as builtins in settings)."""

import datetime

from django import template
from django.utils.safestring import mark_safe

from bookclub.shared_pages import parse_hole

register = template.Library()


@register.filter
def machine_time(value: datetime.datetime | None) -> str:
    """A datetime as HTML's <time datetime> wants it: UTC, whole seconds (no microseconds)."""
    if not value:
        return ""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@register.tag("cachedfragment")
def do_cached_fragment(parser, token):
    """{% cachedfragment key [seconds] %}…{% endcachedfragment %}: cache the block under `key`.

    Unlike {% cache %}, the key is computed by the view (it knows the data versions),
    and an empty key renders the block fresh: one template serves cached and personal pages.
    """
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("cachedfragment takes a key and optional seconds")
    timeout = CachedFragmentNode.timeout
    if len(bits) == 3:
        if not bits[2].isdigit():
            raise template.TemplateSyntaxError("cachedfragment's timeout is whole seconds")
        timeout = int(bits[2])
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist, parser.compile_filter(bits[1]), timeout)


class CachedFragmentNode(template.Node):
    timeout = 60 * 60

    def __init__(self, nodelist, key, timeout: int):
        self.nodelist = nodelist
        self.key = key
        self.timeout = timeout

    def render(self, context):
        from django.core.cache import cache

        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        html = cache.get(f"fragment:{key}")
        if html is None:
            html = self.nodelist.render(context)
            cache.set(f"fragment:{key}", html, self.timeout)
        return mark_safe(html)  # noqa: S308 - our own rendered template output


# {% hole "name" %}…{% endhole %}: a signed-in page's personal part (see bookclub.shared_pages).
register.tag("hole", parse_hole)
