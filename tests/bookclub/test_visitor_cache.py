"""Visitors share cached pages; nothing personal is ever stored or served from there."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory

from bookclub.visitor_cache import visitor_page_cache

renders = itertools.count(1)


@visitor_page_cache(lambda request: "test-page", params=("sort",))
def numbered_page(request):
    response = HttpResponse(f"render {next(renders)}")
    if request.GET.get("cookie"):
        response.set_cookie("csrftoken", "secret")
    return response


def visitor_request(path="/page", user=None, **extra):
    request = RequestFactory().get(path, **extra)
    request.user = user or AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_visitors_get_the_same_cached_page():
    first = numbered_page(visitor_request()).content
    assert numbered_page(visitor_request()).content == first
    assert numbered_page(visitor_request("/page?sort=oldest")).content != first
    # Parameters the view does not read share its page instead of filling the cache.
    assert numbered_page(visitor_request("/page?utm_source=x")).content == first


@pytest.mark.django_db
def test_signed_in_members_and_htmx_requests_are_never_served_from_the_cache(member):
    cached = numbered_page(visitor_request()).content
    assert numbered_page(visitor_request(user=member)).content != cached
    htmx = visitor_request()
    htmx.htmx = True
    assert numbered_page(htmx).content != cached


def test_a_page_with_flash_messages_waiting_is_rendered_fresh():
    cached = numbered_page(visitor_request()).content
    request = visitor_request()
    request._messages.add(20, "You have signed out.")
    assert numbered_page(request).content != cached


def test_a_response_that_sets_a_cookie_is_never_stored():
    first = numbered_page(visitor_request("/page?cookie=1")).content
    assert numbered_page(visitor_request("/page?cookie=1")).content != first
