"""Summaries, content notices (with seconds) and quotes."""

from django.urls import reverse

from discussions.models import ContentNotice, NoticeSecond, Quote, Summary
from discussions.services import contributions as services

HTMX = {"HTTP_HX_REQUEST": "true"}
INJECTION = '<script>alert("x")</script>'


def _url(name, book, *args):
    return reverse(f"discussions:{name}", args=[book.slug, *args])


def test_each_list_shows_a_friendly_empty_state(client, community_url):
    html = client.get(community_url).content.decode()
    assert "There are no summaries for this title yet." in html
    assert "There are no notices for this title yet." in html
    assert "There are no quotes for this title yet." in html
    assert "No ratings yet" in html and "No age-suitability votes yet" in html


def test_members_add_a_summary_with_htmx_and_without(member_client, book, community_url):
    html = member_client.post(_url("summary_create", book), {"body": "Clones."}, **HTMX)
    assert "Clones." in html.content.decode() and "<html" not in html.content.decode()
    response = member_client.post(_url("summary_create", book), {"body": "More."})
    assert response.status_code == 302 and response["Location"].endswith("#summaries")
    assert Summary.objects.count() == 2


def test_empty_summary_shows_the_field_error(member_client, book):
    response = member_client.post(_url("summary_create", book), {"body": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_notice_context_is_a_spoiler_and_seconds_are_counted(
    member_client, member, make_user, book, community_url
):
    member_client.post(
        _url("notice_create", book),
        {"category": ContentNotice.Category.FRIGHTENING, "note": "The ending: donations."},
    )
    notice = ContentNotice.objects.get()
    for _ in range(2):
        services.notice_second(notice=notice, user=make_user())
    html = member_client.get(community_url).content.decode()
    assert "Frightening or intense scenes" in html
    assert '<details class="spoiler"><summary>Show context' in html
    assert "2 other members agree" in html


def test_seconding_a_notice_once_through_the_page(client, make_user, member, book, community_url):
    notice = services.notice_create(book=book, author=member, category="violence")
    client.force_login(make_user())
    url = _url("notice_second", book, notice.pk)
    html = client.post(url, **HTMX).content.decode()
    client.post(url)
    assert NoticeSecond.objects.count() == 1
    assert "You agree with this notice." in html and "1 other member agrees" in html


def test_authors_cannot_second_their_own_notice(member_client, member, book):
    notice = services.notice_create(book=book, author=member, category="violence")
    response = member_client.post(_url("notice_second", book, notice.pk))
    assert response.status_code == 400 and not NoticeSecond.objects.exists()


def test_unknown_notice_category_is_refused(member_client, book):
    response = member_client.post(_url("notice_create", book), {"category": "gore"})
    assert response.status_code == 400 and not ContentNotice.objects.exists()


def test_quotes_show_their_page_or_chapter(member_client, book, community_url):
    member_client.post(
        _url("quote_create", book), {"text": "Never let me go.", "location": "chapter 6"}
    )
    html = member_client.get(community_url).content.decode()
    assert "Never let me go." in html and "chapter 6" in html
    assert Quote.objects.get().location == "chapter 6"


def test_injection_in_every_contribution_field_is_escaped(member_client, book, community_url):
    member_client.post(_url("summary_create", book), {"body": INJECTION})
    member_client.post(_url("notice_create", book), {"category": "other", "note": INJECTION})
    member_client.post(_url("quote_create", book), {"text": INJECTION, "location": INJECTION})
    html = member_client.get(community_url).content.decode()
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;") >= 4


def test_anonymous_contributions_are_refused(client, book):
    assert client.post(_url("summary_create", book), {"body": "x"}).status_code == 302
    assert client.post(_url("quote_create", book), {"text": "x"}).status_code == 302
    assert not Summary.objects.exists() and not Quote.objects.exists()
