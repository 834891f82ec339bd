"""A member's notifications and the login-free email unsubscribe."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussions.models import Notification
from discussions.services import notifications as services
from discussions.views.common import HtmxHttpRequest


@require_GET
@login_required
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).select_related(
        "comment__author", "comment__thread__book", "meeting__club", "join_request__club"
    )[:50]
    return render(request, "discussions/notifications.html", {"notifications": notifications})


@require_POST
@login_required
def notification_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to its comment (POST: a GET never changes state)."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user).select_related(
            "comment", "meeting__club", "join_request__club"
        ),
        pk=pk,
    )
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.get_target_url())


@require_POST
@login_required
def notifications_read(request: HtmxHttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect("discussions:notifications")


# Mail clients send RFC 8058 one-click POSTs without a CSRF token; the signed
# token itself is the proof that the request comes from the recipient.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation form (link scanners must not unsubscribe); POST applies it."""
    try:
        data = services.unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "discussions/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            message = services.unsubscribe_apply(token=token)
        except Exception:  # the member was deleted since the email went out
            return render(request, "discussions/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "discussions/unsubscribe.html", {"done": message})
    return render(
        request, "discussions/unsubscribe.html", {"token": token, "whole": not data.get("t")}
    )
