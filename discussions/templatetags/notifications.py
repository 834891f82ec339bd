from django import template

from discussions.services.notifications import unread_badge

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> str:
    """The header badge for signed-in members: "3", "99+" or "" (cached per member)."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return ""
    return unread_badge(user)
