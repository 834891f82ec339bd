import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from bookclub.outbox.services import email_queue

# Outbox keys of account emails: their bodies hold sign-in links, which the admin hides.
ACCOUNT_EMAIL_KEY_PREFIX = "account:"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open; account emails (confirmations, password resets) go through the
    outbox like every other email, so a mail server outage never fails a sign-up."""

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
