from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from bookclub.accounts.signup_limits import signup_count, signup_refusal


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open, within limits a club signing up together never meets
    (accounts/signup_limits.py); links in emails point at our site."""

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if self._signing_up():
            refusal = signup_refusal(address=self.get_client_ip(self.request), email=email)
            if refusal:
                raise ValidationError(refusal)
        return email

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
