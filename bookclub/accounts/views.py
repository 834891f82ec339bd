"""Member profiles: a public page per member and an edit form for one's own."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bookclub.accounts.backends import profile_key
from bookclub.accounts.forms import ProfileForm
from bookclub.accounts.models import User
from bookclub.accounts.services import email_change
from bookclub.request_memo import read_through
from bookclub.shared_pages import member_page_cache
from bookclub.visitor_cache import visitor_page_cache

PROFILE_TIMEOUT = 60  # also bounds a username change the signals cannot see by the old name


def _profile_member(username: str) -> User | None:
    """The member a profile address names, from the cache (retired when they are saved)."""
    return read_through(
        profile_key(username),
        lambda: User.objects.filter(username=username, is_active=True).first(),
        PROFILE_TIMEOUT,
    )


def _profile_page_key(request: HttpRequest, username: str) -> str | None:
    member = _profile_member(username)
    if member is None:
        return None  # the view answers 404
    shown = (member.username, member.public_name, member.bio, member.is_staff, member.date_joined)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:16]
    return f"profile:{member.pk}:{digest}"


def _profile_personal(request: HttpRequest, username: str) -> dict:
    return {"member": _profile_member(username)}


@require_GET
@visitor_page_cache(_profile_page_key)
@member_page_cache(
    _profile_page_key,
    _profile_personal,
    first_reads=lambda request, username: [profile_key(username)],
)
def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public profile."""
    member = _profile_member(username)
    if member is None:
        raise Http404("No such member.")
    return render(request, "accounts/profile.html", {"member": member})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Edit one's own display name, bio, time zone, email address and email preferences."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if "email" in form.changed_data:
            email_change(request=request, user=user)
            messages.info(request, f"We sent a confirmation link to {user.email}.")
        messages.success(request, "Your profile is saved.")
        return redirect(request.user)
    return render(request, "accounts/profile_edit.html", {"form": form})
