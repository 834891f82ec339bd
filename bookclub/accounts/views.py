"""Member profiles: a public page per member and an edit form for one's own."""

from allauth.usersessions.models import UserSession
from allauth.usersessions.views import ListUserSessionsView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bookclub import ratelimit
from bookclub.accounts.deletion import AccountDeletionRefused, account_delete
from bookclub.accounts.forms import AccountDeleteForm, ProfileForm
from bookclub.accounts.models import User
from bookclub.accounts.services import email_change
from bookclub.cache import versions
from bookclub.http import public_page
from discussions.cache import shelves_version
from discussions.selectors import profile_shelves


def profile_versions(username: str) -> dict:
    """Members' public names and this member's shelves (discussions/cache.py)."""
    return versions(people="people", shelves=shelves_version(username))


@require_GET
@public_page(lambda request, username: profile_versions(username))
def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public profile, with their public shelves (all of them, to themselves)."""
    member = get_object_or_404(User, username=username, is_active=True)
    shelves = profile_shelves(member=member, viewer=request.user)
    return render(request, "accounts/profile.html", {"member": member, "shelves": shelves})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Edit one's own display name, bio, time zone, email address and email preferences."""
    previous_email = request.user.email
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # By what is stored, not changed_data: a form sent without the (optional) address
        # keeps it, and must not send it back to unverified.
        if user.email.lower() != previous_email.lower():
            email_change(request=request, user=user)
            messages.info(request, f"We sent a confirmation link to {user.email}.")
        messages.success(request, "Your profile is saved.")
        return redirect(request.user)
    return render(request, "accounts/profile_edit.html", {"form": form})


# Wrong passwords or codes per member: guessing a second factor through this form must be
# no easier than through the log-in page (which allows 5 failures in 5 minutes).
ACCOUNT_DELETE_LIMIT = "5/300"


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    """Delete one's own account, confirmed with the password (and a 2FA code if set up)."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST":
        verdict = ratelimit.hit(
            f"account-delete:user:{request.user.pk}", limit=ACCOUNT_DELETE_LIMIT
        )
        if not verdict.allowed:
            return ratelimit.too_many_requests(request, verdict.retry_after)
        if form.is_valid():
            try:
                account_delete(user=request.user)
            except AccountDeletionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                logout(request)
                messages.success(request, "Your account is deleted. Thank you for reading with us.")
                return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/account_delete.html", {"form": form}, status=status)


class SessionsView(ListUserSessionsView):
    """allauth's "where you are logged in", listed in one query: allauth's own checks each
    session by loading it and its member again (two queries a session). Sessions are in
    the database as well as the cache (cached_db), so the live ones are those not expired."""

    def get_context_data(self, **kwargs) -> dict:
        context = super(ListUserSessionsView, self).get_context_data(**kwargs)
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        sessions = list(
            UserSession.objects.filter(user_id=self.request.user.pk, session_key__in=live).order_by(
                "created_at"
            )
        )
        context |= {
            "sessions": sessions,
            "session_count": len(sessions),
            "show_last_seen_at": settings.USERSESSIONS_TRACK_ACTIVITY,
        }
        return context


sessions = SessionsView.as_view()
