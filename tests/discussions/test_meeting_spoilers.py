"""Comments tagged with a reading section stay collapsed for readers who have not got there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from discussions.models import Comment, Membership
from discussions.services.comments import comment_create, thread_for_book, thread_for_meeting
from discussions.services.errors import DiscussionError
from discussions.services.meetings import progress_record, section_add

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTICE = "Discusses Part Two — you haven't reached it yet."


@pytest.fixture
def meeting(public_club, make_meeting):
    return make_meeting(public_club, title="Part One night")


@pytest.fixture
def part_one(meeting):
    return section_add(book=meeting.book, title="Part One")


@pytest.fixture
def part_two(meeting, part_one):
    return section_add(book=meeting.book, title="Part Two")


@pytest.fixture
def reader(make_user, public_club):
    user = make_user(username="reader")
    Membership.objects.create(club=public_club, user=user)
    return user


@pytest.fixture
def ahead_comment(meeting, organiser, part_two):
    thread = thread_for_meeting(meeting=meeting)
    return comment_create(
        thread=thread, author=organiser, body="Tommy's rage in the field", section=part_two
    )


def _gated(html: str, text: str) -> bool:
    """Is `text` inside a collapsed <details> spoiler gate?"""
    match = re.search(r'<details class="spoiler-gate">(.*?)</details>', html, re.S)
    return bool(match) and text in match.group(1)


def _page(client, meeting) -> str:
    return client.get(meeting.get_absolute_url()).content.decode()


def test_a_reader_behind_sees_the_comment_collapsed_behind_a_notice(
    client, meeting, reader, part_one, ahead_comment
):
    progress_record(user=reader, book=meeting.book, section=part_one)
    client.force_login(reader)
    html = _page(client, meeting)
    assert NOTICE in html and "<summary>" in html
    assert _gated(html, "rage in the field")
    assert "Discusses Part Two</span>" in html  # the tag in the comment's header


def test_a_reader_ahead_sees_the_text_with_its_section_tag(
    client, meeting, reader, part_two, ahead_comment
):
    progress_record(user=reader, book=meeting.book, section=part_two)
    client.force_login(reader)
    html = _page(client, meeting)
    assert "rage in the field" in html and not _gated(html, "rage in the field")
    assert "you haven't reached it yet" not in html
    assert '<span class="section-tag">Discusses Part Two</span>' in html


def test_the_authors_card_is_marked_for_site_js_to_open_for_them(
    client, meeting, organiser, ahead_comment
):
    client.force_login(organiser)  # no progress recorded; the cards are shared
    html = _page(client, meeting)
    assert f'data-user-id="{organiser.pk}"' in html
    card = html.split(f'id="comment-{ahead_comment.pk}"', 1)[1].split("</article>", 1)[0]
    assert f'data-author="{organiser.pk}"' in card and "rage in the field" in card


def test_anonymous_visitors_count_as_having_read_nothing(client, meeting, ahead_comment):
    html = _page(client, meeting)
    assert NOTICE in html and _gated(html, "rage in the field")


def test_untagged_comments_are_never_collapsed(client, meeting, organiser, part_two):
    thread = thread_for_meeting(meeting=meeting)
    comment_create(thread=thread, author=organiser, body="General thoughts")
    html = _page(client, meeting)
    assert "General thoughts" in html and "spoiler-gate" not in html


def test_permalinks_inline_cards_and_reply_pages_are_gated_too(
    client, meeting, reader, organiser, part_one, ahead_comment
):
    progress_record(user=reader, book=meeting.book, section=part_one)
    client.force_login(reader)
    detail = client.get(reverse("discussions:comment", args=[ahead_comment.pk])).content.decode()
    assert _gated(detail, "rage in the field")
    reply = client.get(reverse("discussions:comment_reply", args=[ahead_comment.pk]))
    assert _gated(reply.content.decode(), "rage in the field")
    refused = client.post(
        reverse("discussions:comment_moderate", args=[ahead_comment.pk]), {"action": "hide"}
    )
    assert refused.status_code == 403
    client.force_login(organiser)
    card = client.post(
        reverse("discussions:comment_moderate", args=[ahead_comment.pk]),
        {"action": "restore"},
        **HTMX,
    ).content.decode()
    # The author's own card: gated like everyone's, named for site.js to open it for them.
    assert "rage in the field" in card and f'data-author="{organiser.pk}"' in card


def test_edit_history_of_a_spoiler_is_gated(client, meeting, reader, organiser, ahead_comment):
    from discussions.services.comments import comment_edit

    comment_edit(comment=ahead_comment, editor=organiser, body="Tommy's rage, revised")
    client.force_login(reader)
    html = client.get(reverse("discussions:comment_history", args=[ahead_comment.pk]))
    assert _gated(html.content.decode(), "rage in the field")


def test_members_tag_comments_and_replies_start_from_the_parents_section(
    client, meeting, reader, part_two, ahead_comment
):
    client.force_login(reader)
    html = _page(client, meeting)
    assert 'name="section"' in html and ">Part Two</option>" in html
    reply_form = client.get(reverse("discussions:comment_reply", args=[ahead_comment.pk]))
    assert f'<option value="{part_two.pk}" selected>' in reply_form.content.decode()
    url = reverse(
        "discussions:meeting_comment_create", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )
    client.post(url, {"body": "about part two", "section": part_two.pk})
    assert Comment.objects.get(body="about part two").section == part_two


def test_a_section_of_another_book_is_a_field_error(client, meeting, reader, make_book):
    other = section_add(book=make_book(), title="Elsewhere")
    client.force_login(reader)
    url = reverse(
        "discussions:meeting_comment_create", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )
    for extra in ({}, HTMX):
        response = client.post(url, {"body": "hello", "section": other.pk}, **extra)
        assert response.status_code == 400
        assert "Choose one of this book&#x27;s reading sections." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_service_refuses_sections_that_do_not_belong(meeting, reader, make_book, book):
    other = section_add(book=make_book(), title="Elsewhere")
    with pytest.raises(DiscussionError):
        comment_create(
            thread=thread_for_meeting(meeting=meeting), author=reader, body="x", section=other
        )
    own = section_add(book=book, title="Part One")
    with pytest.raises(DiscussionError):  # book threads take no section tags
        comment_create(thread=thread_for_book(book=book), author=reader, body="x", section=own)


def test_book_threads_have_no_section_field(client, member, book):
    client.force_login(member)
    html = client.get(
        reverse("discussions:book_community", kwargs={"slug": book.slug})
    ).content.decode()
    assert 'name="body"' in html and 'name="section"' not in html


def test_meeting_pages_with_threads_and_spoiler_gates_are_valid_html(
    client, meeting, reader, organiser, part_one, ahead_comment, tmp_path
):
    import json
    import shutil
    import subprocess

    from tests.trust.conftest import VNU_JAR, require

    require(shutil.which("java"), "Java")
    require(VNU_JAR, "vnu.jar")
    progress_record(user=reader, book=meeting.book, section=part_one)
    comment_create(thread=ahead_comment.thread, author=reader, body="a reply", parent=ahead_comment)
    files = []
    for user in (None, reader, organiser):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in (
            meeting.get_absolute_url(),
            reverse("discussions:comment", args=[ahead_comment.pk]),
        ):
            target = tmp_path / f"{len(files):02d}.html"
            target.write_bytes(client.get(path).content)
            files.append(str(target))
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = [f"{m['url']}: {m['message']}" for m in messages if m.get("type") != "info"]
    assert not errors, "\n".join(errors)
    assert "you haven't reached it yet" in (tmp_path / "02.html").read_text()
