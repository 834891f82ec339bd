"""Project-wide pages: home, health check, favicon and error handlers."""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from bookclub.middleware import database_unavailable_response, database_unreachable
from bookclub.shared_pages import member_page_cache
from bookclub.visitor_cache import visitor_page_cache
from catalog.cache import VERSION_KEY as CATALOG_VERSION_KEY
from catalog.cache import catalog_version
from discussions.cache import CLUBS_VERSION_KEY, clubs_version


def _home_visitor_key(request: HttpRequest) -> str:
    # The shelf follows the catalog; the public meetings list the clubs and the clock.
    minute = int(time.time() // 60)
    return f"home:c{catalog_version()}:k{clubs_version()}:m{minute}"


def _home_member_key(request: HttpRequest) -> str:
    # The member's own meetings are a hole, filled per request from their cached list.
    return f"home:c{catalog_version()}"


@require_GET
@visitor_page_cache(_home_visitor_key)
@member_page_cache(
    _home_member_key,
    lambda request: {},
    first_reads=lambda request: [CATALOG_VERSION_KEY, CLUBS_VERSION_KEY],
)
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what is being read and discussed."""
    return render(request, "home.html")


@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers, without touching the database (also the bench's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers).

    The broker's state and queue depths, and the outbox's pending and failed emails, are
    reported too, but a broker that is down does not make it 503: requests still answer
    (the work waits in the outbox), and pulling every instance would answer nothing at all.
    """
    from bookclub.celery import broker_status
    from bookclub.outbox.models import OutboundEmail

    broker = broker_status()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        emails = {
            "pending": OutboundEmail.objects.pending().count(),
            "failed": OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
        }
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down", **broker}, status=503)
    status = "degraded" if broker["broker"] == "down" else "ok"
    return JsonResponse({"status": status, "database": "up", **broker, "emails": emails})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    path = settings.BASE_DIR / "bookclub" / "static" / "bookclub" / "favicon.ico"
    return FileResponse(path.open("rb"), content_type="image/x-icon")


def bad_request(request, exception=None):
    return render(request, "400.html", {"reason": str(exception or "")}, status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """500 page, or the 503 page when the error is the database being unreachable.

    Django calls this while handling the exception, so sys.exc_info() names it. Exceptions
    raised in middleware (loading the signed-in member for their time zone, say) bypass
    DatabaseUnavailableMiddleware.process_exception and would otherwise answer 500.
    """
    if database_unreachable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return render(request, "500.html", status=500)
