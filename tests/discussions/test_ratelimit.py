"""Posting is rate limited per member, with a clear message."""

from django.urls import reverse

from bookclub import ratelimit
from discussions.models import Comment


def test_fixed_window_allows_the_budget_then_refuses():
    verdicts = [ratelimit.hit("k", limit="3/60", now=120.0) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 61
    assert ratelimit.hit("k", limit="3/60", now=180.5).allowed


def test_members_are_counted_separately():
    for _ in range(3):
        ratelimit.hit("post:user:1", limit="3/60", now=0)
    assert ratelimit.hit("post:user:2", limit="3/60", now=0).allowed


def test_posting_too_fast_gets_a_429_page_and_saves_nothing(member_client, book, settings):
    settings.POST_RATE_LIMIT = "2/60"
    url = reverse("discussions:book_comment_create", kwargs={"slug": book.slug})
    for n in range(2):
        assert member_client.post(url, {"body": f"ok {n}"}).status_code == 302
    response = member_client.post(url, {"body": "too many"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "You are posting too quickly" in response.content.decode()
    assert Comment.objects.count() == 2


def test_htmx_gets_the_429_message_as_a_partial(member_client, book, settings):
    settings.POST_RATE_LIMIT = "1/60"
    url = reverse("discussions:rate", kwargs={"slug": book.slug})
    member_client.post(url, {"value": "3"}, HTTP_HX_REQUEST="true")
    response = member_client.post(url, {"value": "4"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 429 and "<html" not in html
    assert "posting too quickly" in html and response["HX-Retarget"] == "#page-alert"
