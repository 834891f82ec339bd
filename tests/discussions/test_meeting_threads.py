"""A meeting's own threaded discussion: who may read and post, and that private clubs never leak."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from discussions.models import Club, Comment, Follow, Membership, Thread
from discussions.services.comments import comment_create, thread_for_meeting

HTMX = {"HTTP_HX_REQUEST": "true"}
ROLES = ["anonymous", "outsider", "member", "organiser", "staff"]


@pytest.fixture(params=["public", "private"])
def club(request, public_club, private_club):
    return public_club if request.param == "public" else private_club


@pytest.fixture
def meeting(club, make_meeting):
    return make_meeting(club, title="Part One night")


@pytest.fixture
def people_in(organiser, make_user, staff):
    """people_in(club) -> (users, clients): each role of the permission table, on its own client."""

    def make(club):
        member = make_user(username="milo")
        Membership.objects.create(club=club, user=member)
        users = {
            "anonymous": None,
            "outsider": make_user(username="outsider"),
            "member": member,
            "organiser": organiser,
            "staff": staff,
        }
        clients = {}
        for role, user in users.items():
            clients[role] = Client()
            if user is not None:
                clients[role].force_login(user)
        return users, clients

    return make


@pytest.fixture
def people(club, people_in):
    return people_in(club)


@pytest.fixture
def existing(meeting, people):
    """A member's comment already in the meeting's thread."""
    users, _ = people
    thread = thread_for_meeting(meeting=meeting)
    return comment_create(thread=thread, author=users["member"], body="The tapes matter")


def _post_url(meeting):
    return reverse(
        "discussions:meeting_comment_create", kwargs={"slug": meeting.club.slug, "pk": meeting.pk}
    )


def _can_read(role: str, club: Club) -> bool:
    return club.is_public or role in ("member", "organiser", "staff")


def _can_post(role: str) -> bool:
    return role in ("member", "organiser", "staff")


def test_a_thread_is_about_exactly_one_book_or_one_meeting(meeting, book):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(book=book, meeting=meeting)
    assert thread_for_meeting(meeting=meeting) == thread_for_meeting(meeting=meeting)


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_meeting_thread_follows_the_clubs_visibility(
    role, club, meeting, people, existing
):
    _, clients = people
    client = clients[role]
    expected = 200 if _can_read(role, club) else 404
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == expected
    for name in ("comment", "comment_history"):
        assert (
            client.get(reverse(f"discussions:{name}", args=[existing.pk])).status_code == expected
        )
    thread_page = client.get(reverse("discussions:thread", args=[existing.thread_id]))
    assert thread_page.status_code == expected
    if expected == 200:
        html = page.content.decode()
        assert meeting.thread_title() in html and "The tapes matter" in html


@pytest.mark.parametrize("role", ROLES)
def test_posting_needs_club_membership(role, club, meeting, people, existing):
    _, clients = people
    client = clients[role]
    response = client.post(_post_url(meeting), {"body": f"{role} was here"})
    reply = client.post(
        reverse("discussions:comment_reply", args=[existing.pk]), {"body": f"{role} replies"}
    )
    generic = client.post(
        reverse("discussions:comment_create", args=[existing.thread_id]), {"body": f"{role} too"}
    )
    if role == "anonymous":
        for answer in (response, reply, generic):
            assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    elif _can_post(role):
        assert response.status_code == 302
        assert response["Location"].startswith(meeting.get_absolute_url() + "#c")
        assert reply.status_code == 302 and generic.status_code == 302
    elif club.is_public:
        for answer in (response, reply, generic):
            assert answer.status_code == 403
            assert "Only members of Open Shelf can post" in answer.content.decode()
    else:
        assert {response.status_code, reply.status_code, generic.status_code} == {404}
    posted = Comment.objects.filter(thread__meeting=meeting).exclude(pk=existing.pk).count()
    assert posted == (3 if _can_post(role) else 0)


@pytest.mark.parametrize("role", ["outsider", "member", "organiser", "staff"])
def test_the_page_offers_the_form_only_to_those_who_may_post(role, club, meeting, people):
    _, clients = people
    response = clients[role].get(meeting.get_absolute_url())
    if not _can_read(role, club):
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert ('action="' + _post_url(meeting) + '"' in html) == _can_post(role)
    if role == "outsider":
        assert "Only members of Open Shelf can post in this meeting" in html


def test_visitors_are_invited_to_sign_in(client, public_club, make_meeting):
    meeting = make_meeting(public_club)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "to join the discussion" in html and _post_url(meeting) not in html


@pytest.mark.parametrize("role", ROLES)
def test_moderating_is_for_the_clubs_organisers_and_staff(role, club, meeting, people, existing):
    _, clients = people
    client = clients[role]
    response = client.post(
        reverse("discussions:comment_moderate", args=[existing.pk]), {"action": "hide"}
    )
    lock = client.post(
        reverse("discussions:thread_lock", args=[existing.thread_id]), {"action": "lock"}
    )
    existing.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ("organiser", "staff"):
        assert response.status_code == 302 and existing.is_hidden
        assert lock.status_code == 302 and Thread.objects.get(pk=existing.thread_id).is_locked
    elif _can_read(role, club):
        assert response.status_code == 403 and lock.status_code == 403
        assert not existing.is_hidden
    else:
        assert response.status_code == 404 and lock.status_code == 404


def test_organisers_see_moderation_buttons_on_the_meeting_page(club, meeting, people, existing):
    _, clients = people
    organiser_html = clients["organiser"].get(meeting.get_absolute_url()).content.decode()
    member_html = clients["member"].get(meeting.get_absolute_url()).content.decode()
    assert "Lock thread" in organiser_html and ">Hide</button>" in organiser_html
    assert "Lock thread" not in member_html and ">Hide</button>" not in member_html


def test_a_private_clubs_thread_is_404_for_outsiders_on_every_url(
    private_club, make_meeting, people_in
):
    users, clients = people_in(private_club)
    meeting = make_meeting(private_club)
    thread = thread_for_meeting(meeting=meeting)
    parent = comment_create(thread=thread, author=users["member"], body="secret words")
    deep = parent
    for depth in range(8):  # deep enough for "continue this thread"
        deep = comment_create(thread=thread, author=users["member"], body=f"d{depth}", parent=deep)
    outsider = clients["outsider"]
    for pk in (parent.pk, deep.pk):
        for name in ("comment", "comment_reply", "comment_edit", "comment_delete"):
            assert outsider.get(reverse(f"discussions:{name}", args=[pk])).status_code == 404
        for name in ("comment_flag", "comment_history"):
            assert outsider.get(reverse(f"discussions:{name}", args=[pk])).status_code == 404
        for name in ("comment_reply", "comment_edit", "comment_delete", "comment_flag"):
            answer = outsider.post(reverse(f"discussions:{name}", args=[pk]), {"body": "x"})
            assert answer.status_code == 404
        assert (
            outsider.post(reverse("discussions:comment_moderate", args=[pk]), **HTMX).status_code
            == 404
        )
    assert outsider.get(reverse("discussions:thread", args=[thread.pk])).status_code == 404
    for name in ("thread_follow", "thread_lock", "comment_create"):
        url = reverse(f"discussions:{name}", args=[thread.pk])
        assert outsider.post(url, {"body": "x"}).status_code == 404
    assert outsider.post(_post_url(meeting), {"body": "x"}).status_code == 404
    assert not Follow.objects.filter(user=users["outsider"]).exists()
    assert Comment.objects.filter(body="x").count() == 0
    # The member can follow "continue this thread" from the page.
    member_html = clients["member"].get(meeting.get_absolute_url()).content.decode()
    assert "Continue this thread" in member_html


def test_a_member_who_leaves_a_private_club_loses_its_thread(private_club, make_meeting, people_in):
    users, clients = people_in(private_club)
    meeting = make_meeting(private_club)
    thread = thread_for_meeting(meeting=meeting)
    mine = comment_create(thread=thread, author=users["member"], body="my words")
    Membership.objects.filter(club=private_club, user=users["member"]).delete()
    client = clients["member"]
    assert client.get(reverse("discussions:comment", args=[mine.pk])).status_code == 404
    assert client.get(reverse("discussions:comment_edit", args=[mine.pk])).status_code == 404


def test_no_js_post_returns_to_the_meeting_page_and_htmx_gets_the_comment(
    client, public_club, make_meeting, member
):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    client.force_login(member)
    response = client.post(_post_url(meeting), {"body": "plain post"})
    comment = Comment.objects.get(body="plain post")
    assert response["Location"] == f"{meeting.get_absolute_url()}#c{comment.pk}"
    response = client.post(_post_url(meeting), {"body": "htmx *post*"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<em>post</em>" in html and "<html" not in html
    reply = client.post(
        reverse("discussions:comment_reply", args=[comment.pk]), {"body": "a reply"}
    )
    assert reply["Location"].startswith(meeting.get_absolute_url() + "#c")
    edit = client.post(reverse("discussions:comment_edit", args=[comment.pk]), {"body": "edited"})
    assert edit["Location"] == f"{meeting.get_absolute_url()}#c{comment.pk}"


def test_empty_meeting_comment_shows_the_field_error(client, public_club, make_meeting, member):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    client.force_login(member)
    response = client.post(_post_url(meeting), {"body": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert meeting.title in response.content.decode()
    response = client.post(_post_url(meeting), {"body": ""}, **HTMX)
    assert response.status_code == 400 and "<html" not in response.content.decode()


def test_sorting_and_load_more_on_the_meeting_page_return_partials(
    client, public_club, make_meeting, member
):
    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    thread = thread_for_meeting(meeting=meeting)
    for number in range(25):
        comment_create(thread=thread, author=member, body=f"comment number {number}")
    url = meeting.get_absolute_url()
    page = client.get(url).content.decode()
    assert f"{url}?sort=oldest" in page and "Load more comments" in page
    sorted_html = client.get(url, {"sort": "oldest"}, **HTMX).content.decode()
    assert "<html" not in sorted_html and 'aria-current="true"' in sorted_html
    assert "Who's coming" not in sorted_html
    more = client.get(url, {"sort": "newest", "page": 2}, **HTMX)
    html = more.content.decode()
    assert "comment number 0" in html and "comment number 24" not in html and "<html" not in html
    assert "HX-Request" in more["Vary"]
    # Without htmx the same URL is the whole meeting page.
    assert "Who's coming" in client.get(url, {"sort": "oldest"}).content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_meeting_page_queries_do_not_grow_with_the_thread(
    count, client, public_club, make_meeting, member, make_user, django_assert_max_num_queries
):
    from discussions.services.meetings import progress_record, section_add

    Membership.objects.create(club=public_club, user=member)
    meeting = make_meeting(public_club)
    one = section_add(book=meeting.book, title="Part One")
    two = section_add(book=meeting.book, title="Part Two")
    progress_record(user=member, book=meeting.book, section=one)
    thread = thread_for_meeting(meeting=meeting)
    authors = [make_user() for _ in range(3)]
    for author in authors:
        Membership.objects.create(club=public_club, user=author)
    parent = None
    for number in range(count):
        author = authors[number % 3]
        section = (None, one, two)[number % 3]
        # Every third comment replies to the previous top-level one.
        reply_to = parent if number % 3 == 2 else None
        comment = comment_create(
            thread=thread, author=author, body=f"c{number}", parent=reply_to, section=section
        )
        parent = comment if reply_to is None else parent
    client.force_login(member)
    with django_assert_max_num_queries(23):
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert "you haven't reached it yet" in html
