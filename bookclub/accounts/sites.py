"""The Sites row follows SITE_URL.

allauth titles its emails with the current Site's name ("[example.com] Confirm …") and
Django's feeds fall back to its domain, so a row left as Django created it leaks
example.com into both. SITE_URL is the one place the site's address is configured.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site

DEFAULT_SITE_NAME = "bookclub"


def site_sync(*, using: str = "default") -> Site:
    """Make the SITE_ID row say SITE_URL's host, and the site's name."""
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    name = getattr(settings, "SITE_NAME", DEFAULT_SITE_NAME)
    site, _ = Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": name}
    )
    Site.objects.clear_cache()
    return site


def site_sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: every deploy (and `dev.py run`) migrates, so the row is in step at start-up."""
    site_sync(using=using)
