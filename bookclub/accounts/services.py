"""Writes for members' accounts beyond what django-allauth does itself."""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest

from bookclub.accounts.models import User


def email_change(*, request: HttpRequest, user: User) -> EmailAddress:
    """The member's new address (already on `user.email`) becomes their only one, not yet
    verified, and its confirmation link is queued (through the outbox, like every email)."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
        address, _ = EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=user.email,
            defaults={"email": user.email, "primary": True, "verified": False},
        )
        send_verification_email_to_address(request, address)
    return address
