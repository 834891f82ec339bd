"""Member profiles: a public page per member and an edit form for one's own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bookclub.accounts.forms import ProfileForm
from bookclub.accounts.models import User
from bookclub.accounts.services import email_change
from bookclub.cache import versions
from bookclub.http import public_page


@require_GET
@public_page(lambda request, username: versions(people="people"))
def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public profile."""
    member = get_object_or_404(User, username=username, is_active=True)
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
