"""Project-wide middleware: security headers, per-member time zones, 503 on database outages."""

from __future__ import annotations

import logging
import zoneinfo

from django.db import InterfaceError, OperationalError, connections
from django.template.response import TemplateResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

# No inline script anywhere: htmx is loaded from our static files and its
# inline indicator styles are switched off in base.html (htmx-config meta).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class RejectNulCharactersMiddleware:
    """A NUL in the path or query string is never meaningful, and PostgreSQL refuses it
    in text: answer 400 up front instead of a 500 from deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_values = (value for values in request.GET.lists() for value in values[1])
        if "\x00" in request.path or any("\x00" in value for value in query_values):
            from bookclub.views import bad_request

            return bad_request(request, "The address contained a NUL character.")
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Shows every date and time in the signed-in member's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = getattr(request.user, "time_zone", "")
        try:
            if zone_name:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the thread's next request starts from the site's zone


def database_unreachable(exception: BaseException | None) -> bool:
    """True for a lost or refused connection; False for bugs such as a missing table."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    connection = connections["default"]
    if connection.connection is None:
        return True
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - a broken connection may fail in any way
        return True


def database_unavailable_response(request):
    response = TemplateResponse(request, "503.html", status=503)
    response.headers["Retry-After"] = "10"
    return response.render()


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a fast, friendly 503 instead of a 500.

    This catches what views raise; bookclub.views.server_error does the same for what
    middleware raises (e.g. loading the signed-in member), which process_exception never sees.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            logger.warning("Database unavailable: %s", exception)
            return database_unavailable_response(request)
        return None
