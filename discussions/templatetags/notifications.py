from django import template

from discussions.models import Notification

register = template.Library()

# The header badge stops counting here ("99+"): a member with thousands of unread
# notifications would otherwise pay for counting them all on every page.
UNREAD_BADGE_CAP = 100


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> str:
    """One bounded COUNT per page, only for signed-in members: "3", "99+" or ""."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return ""
    unread = Notification.objects.for_user(user).unread().order_by()[:UNREAD_BADGE_CAP].count()
    if unread >= UNREAD_BADGE_CAP:
        return f"{UNREAD_BADGE_CAP - 1}+"
    return str(unread) if unread else ""
