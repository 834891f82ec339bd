"""Filters every template may use (registered as builtins in settings)."""

import datetime

from django import template

register = template.Library()


@register.filter
def machine_time(value: datetime.datetime | None) -> str:
    """A datetime as HTML's <time datetime> wants it: UTC, whole seconds (no microseconds)."""
    if not value:
        return ""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
