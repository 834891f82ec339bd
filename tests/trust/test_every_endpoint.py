"""Every URL the app serves, enumerated from the URLconf: CSRF on POST, no change on GET."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import after_commit

# Endpoints that are deliberately open to cross-site POSTs, and why.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without our cookie;
    # the signed token in the URL is the proof.
    "discussions:unsubscribe",
}
# Our own apps' URLs; allauth's and the admin's are Django's and allauth's own business.
OWN_NAMESPACES = {"catalog", "discussions", "accounts"}


def own_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from own_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and namespace in OWN_NAMESPACES and entry.name:
            yield f"{namespace}:{entry.name}", entry


def route_of(name: str) -> str:
    for full_name, pattern in own_patterns():
        if full_name == name:
            return str(pattern.pattern)
    raise KeyError(name)


def fill(route: str, values: dict[str, str]) -> str:
    """Turn a route like clubs/<slug:slug>/meetings/<int:pk>/ into a real path."""

    def value(match: re.Match) -> str:
        return values.get(match.group(2), "1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def world(make_user):
    """Seeded catalog, the library's club with a member, a comment and a reply."""
    from django.core.management import call_command

    from catalog.models import Book
    from discussions.models import Club
    from discussions.services.clubs import club_join
    from discussions.services.comments import comment_create, thread_for_book

    call_command("import_seeds", stdout=io.StringIO())
    member, staff = make_user(), make_user(is_staff=True, is_superuser=True)
    club = Club.objects.get(slug="mcl-book-discussion")
    club_join(club=club, user=member)
    thread = thread_for_book(book=Book.objects.get(slug="never-let-me-go"))
    with after_commit():
        comment = comment_create(thread=thread, author=member, body="Hailsham @" + staff.username)
        comment_create(thread=thread, author=staff, body="A reply", parent=comment)
    return {"member": member, "staff": staff, "club": club, "comment": comment}


def sample_path(name: str, pattern, world) -> str:
    """A plausible path for every route: real objects where the route names them."""
    club, comment = world["club"], world["comment"]
    route = str(pattern.pattern)
    pk = "1"
    if "meetings/<int:pk>" in route:
        pk = str(club.meetings.get().pk)
    elif "polls/<int:pk>" in route:
        pk = str(club.polls.get().pk)
    elif route.startswith("comments/"):
        pk = str(comment.pk)
    elif route.startswith("threads/"):
        pk = str(comment.thread_id)
    slug = club.slug if route.startswith("clubs/") else "never-let-me-go"
    values = {"pk": pk, "slug": slug, "username": world["member"].username, "raw": "1400043395"}
    values["token"] = "not-a-token"  # noqa: S105
    return fill(route, values)


def row_counts() -> dict[str, int]:
    # A session's rows (Django's, and allauth's record of it for "where you are logged
    # in") are written by any signed-in request: they are not what the request changed.
    ignored = {"sessions.session", "usersessions.usersession", "account.emailconfirmation"}
    return {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.label_lower not in ignored
    }


@pytest.mark.django_db
def test_every_state_changing_endpoint_refuses_a_post_without_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["staff"])
    before = row_counts()
    checked = []
    for name, pattern in own_patterns():
        if name in CSRF_EXEMPT:
            continue
        path = sample_path(name, pattern, world)
        response = client.post(path, {"body": "forged", "value": "5"})
        assert response.status_code == 403, f"{name} {path} answered {response.status_code}"
        assert b"CSRF" in response.content or response.status_code == 403
        checked.append(name)
    assert len(checked) > 40, checked
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_no_endpoint_changes_anything_on_get(world, who):
    client = Client()
    if who != "anonymous":
        client.force_login(world[who])
    before = row_counts()
    statuses = {}
    for name, pattern in own_patterns():
        path = sample_path(name, pattern, world)
        response = client.get(path)
        statuses[name] = response.status_code
        assert response.status_code < 500, f"{name} {path} answered {response.status_code}"
    after = row_counts()
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert not changed, f"GET changed rows as {who}: {changed}"
    assert any(code == 200 for code in statuses.values())


@pytest.mark.django_db
def test_get_never_marks_notifications_read(world):
    from discussions.models import Notification

    client = Client()
    client.force_login(world["staff"])
    unread = Notification.objects.filter(read_at__isnull=True).count()
    assert unread, "the mention left an unread notification"
    for name, pattern in own_patterns():
        client.get(sample_path(name, pattern, world))
    assert Notification.objects.filter(read_at__isnull=True).count() == unread
