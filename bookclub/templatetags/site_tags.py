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
    """{% cachedfragment key %}…{% endcachedfragment %}: cache the rendered block under `key`.

    Unlike {% cache %}, the key is computed by the view (it knows the data versions),
    and an empty key renders the block fresh: one template serves cached and personal pages.
    """
    try:
        _, key = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("cachedfragment takes exactly one key") from None
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist, parser.compile_filter(key))


class CachedFragmentNode(template.Node):
    timeout = 60 * 60

    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

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
