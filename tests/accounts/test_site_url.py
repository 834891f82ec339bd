"""Everything absolute comes from SITE_URL, never the Sites row Django started with."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from bookclub.accounts.sites import site_sync


def test_migrating_puts_the_sites_row_in_step_with_site_url(db, settings):
    settings.SITE_URL = "https://readers.example.net"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    call_command("migrate", verbosity=0)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("readers.example.net", "bookclub")


def test_account_emails_are_titled_with_the_site_not_example_com(
    client, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://readers.example.net"
    settings.ALLOWED_HOSTS = ["testserver"]
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    site_sync()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends on commit
        client.post(reverse("account_reset_password"), {"email": member.email})
    assert mail.outbox, "a reset email is sent"
    assert mail.outbox[0].subject.startswith("[bookclub] ")
    assert "example.com" not in mail.outbox[0].subject + mail.outbox[0].body


@pytest.mark.django_db
def test_the_club_feed_links_and_ids_use_site_url(client, settings, make_user):
    from discussions.services.clubs import club_create

    settings.SITE_URL = "https://readers.example.net"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    Site.objects.clear_cache()
    club = club_create(creator=make_user(), name="Open Shelf")
    body = client.get(reverse("discussions:club_feed", args=[club.slug])).content.decode()
    assert "example.com" not in body
    assert '<link href="https://readers.example.net/clubs/' in body
    assert "<id>https://readers.example.net/clubs/" in body
