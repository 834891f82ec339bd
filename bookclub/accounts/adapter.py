import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from bookclub.accounts.signup_limits import signup_count, signup_refusal
from bookclub.outbox.services import email_queue

# Outbox keys of account emails: their bodies hold sign-in links, which the admin hides.
ACCOUNT_EMAIL_KEY_PREFIX = "account:"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open, within limits a club signing up together never meets
    (accounts/signup_limits.py); account emails (confirmations, password resets) go through
    the outbox like every other email, so a mail server outage never fails a sign-up."""

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        # allauth renders a text body (an HTML alternative only if we added its templates).
        email_queue(
            key=f"{ACCOUNT_EMAIL_KEY_PREFIX}{uuid.uuid4().hex}",
            to=email,
            subject=message.subject,
            body=message.body,
            headers=message.extra_headers,
        )

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if self._signing_up():
            refusal = signup_refusal(address=self.get_client_ip(self.request), email=email)
            if refusal:
                raise ValidationError(refusal)
        return email

    def clean_username(self, username, shallow=False):
        """A deleted member's username stays theirs: nobody may sign up as them."""
        from bookclub.accounts.deletion import username_is_reserved

        username = super().clean_username(username, shallow=shallow)
        if username_is_reserved(username):
            raise ValidationError("This username is already taken. Please choose another.")
        return username

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if self._signing_up():
            signup_count(address=self.get_client_ip(request), email=user.email)
        return user

    def _signing_up(self) -> bool:
        """Whether this is the sign-up page (clean_email also serves adding an address)."""
        request = getattr(self, "request", None)
        if request is None:
            return False
        try:
            return resolve(request.path_info).url_name == "account_signup"
        except Resolver404:
            return False
