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

from bookclub.cache import cache_is_up, versions
from bookclub.http import ExplainedRefusal, public_page
from bookclub.middleware import database_unavailable_response, database_unreachable


def home_versions(request: HttpRequest) -> dict:
    # The shelf follows the catalog; the meetings list the clubs and the clock (a meeting
    # that has just begun leaves "upcoming" within a minute).
    return versions(catalog="catalog", clubs="clubs") | {"minute": int(time.time() // 60)}


@require_GET
@public_page(home_versions)
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what is being read and discussed."""
    return render(request, "home.html", {"versions": home_versions(request)})


@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers, without touching the database (also the bench's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers).

    The cache's, the broker's and the outbox's state are reported too, but neither a cache
    nor a broker outage makes it 503: requests still answer (slower, or with the work
    waiting in the outbox), and pulling every instance would answer nothing at all.
    """
    from bookclub.celery import broker_status
    from bookclub.outbox.models import OutboundEmail

    cache = "up" if cache_is_up() else "down"
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
        return JsonResponse(
            {"status": "unavailable", "database": "down", "cache": cache, **broker}, status=503
        )
    status = "degraded" if broker["broker"] == "down" or cache == "down" else "ok"
    return JsonResponse(
        {"status": status, "database": "up", "cache": cache, **broker, "emails": emails}
    )


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    path = settings.BASE_DIR / "bookclub" / "static" / "bookclub" / "favicon.ico"
    return FileResponse(path.open("rb"), content_type="image/x-icon")


def bad_request(request, exception=None):
    return render(request, "400.html", {"reason": str(exception or "")}, status=400)


def permission_denied(request, exception=None):
    reason = str(exception) if isinstance(exception, ExplainedRefusal) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


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
