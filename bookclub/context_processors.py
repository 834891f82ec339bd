from django.conf import settings
from django.utils import timezone


def site(request):
    """Values every page template needs; TZ is part of every cached fragment's key, since
    the fragment's dates are written in the reader's zone."""
    return {
        "SITE_NAME": "bookclub",
        "DEBUG": settings.DEBUG,
        "TZ": timezone.get_current_timezone_name(),
    }
