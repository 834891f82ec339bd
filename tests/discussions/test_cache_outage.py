"""Redis is a cache, not a single point of failure: with it unreachable every page still
answers, nobody is signed out, writes go through, and nothing stale shows once it is back."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import require_redis

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: refused at once
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
}


@pytest.fixture
def outage(settings, redis_as_the_cache):
    """Call it to take Redis away, and again with up=True to bring it back."""
    reachable = settings.CACHES

    def switch(up: bool = False):
        settings.CACHES = reachable if up else {"default": UNREACHABLE}

    require_redis()
    return switch


def pages(book, meeting) -> list[str]:
    return ["/", book.get_absolute_url(), meeting.get_absolute_url(), "/books/"]


def test_pages_answer_and_members_stay_signed_in_while_redis_is_down(
    outage, member, book, make_club, make_meeting
):
    meeting = make_meeting(make_club(members=[member]))
    reader = Client()
    reader.force_login(member)  # signed in while Redis was up
    for url in pages(book, meeting):
        assert reader.get(url).status_code == 200
    outage()
    for url in pages(book, meeting):
        assert Client().get(url).status_code == 200
        response = reader.get(url)
        assert response.status_code == 200 and "Log out" in response.content.decode(), url
    health = Client().get("/healthz")
    assert health.status_code == 200 and health.json()["cache"] == "down"


def test_a_comment_posted_while_redis_is_down_shows_then_and_after(outage, member, book):
    reader, visitor = Client(), Client()
    reader.force_login(member)
    url = book.get_absolute_url()
    assert "No comments yet" in visitor.get(url).content.decode()  # cached under Redis
    outage()
    response = reader.post(
        reverse("discussions:book_comment_create", kwargs={"slug": book.slug}),
        {"body": "Written during the outage"},
    )
    assert response.status_code == 302
    assert "Written during the outage" in visitor.get(url).content.decode()
    outage(up=True)  # Redis kept what it had: the comment's bump never reached it
    assert "Written during the outage" in visitor.get(url).content.decode()
    assert "Written during the outage" in reader.get(url).content.decode()
