"""Replies and mentions notify in the app and, for members who opted in, by email."""

import pytest
from django.core import mail
from django.urls import reverse

from discussions.models import Comment, Follow, Notification
from discussions.services.comments import comment_create, thread_follow, thread_for_book
from discussions.services.notifications import unsubscribe_token


def test_a_reply_notifies_the_parent_author_in_app_and_by_email(
    member, make_user, post, django_capture_on_commit_callbacks
):
    replier = make_user()
    parent = post(member, "question")
    with django_capture_on_commit_callbacks(execute=True):
        post(replier, "answer", parent=parent)
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == Notification.Kind.REPLY
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email] and "answer" in message.body
    assert "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_mentions_notify_the_mentioned_member(
    member, make_user, post, django_capture_on_commit_callbacks
):
    mentioned = make_user(username="kathy")
    with django_capture_on_commit_callbacks(execute=True):
        post(member, "what do you think, @kathy?")
    assert Notification.objects.get(recipient=mentioned).kind == Notification.Kind.MENTION
    assert mail.outbox[0].to == [mentioned.email]


def test_members_who_opted_out_get_no_email(
    member, make_user, post, django_capture_on_commit_callbacks
):
    quiet = make_user(email_notifications=False)
    parent = post(quiet, "question")
    with django_capture_on_commit_callbacks(execute=True):
        post(member, "answer", parent=parent)
    assert Notification.objects.filter(recipient=quiet).exists() and mail.outbox == []


def test_you_are_not_notified_of_your_own_comments(member, post):
    parent = post(member, "question")
    post(member, f"self-reply @{member.username}", parent=parent)
    assert not Notification.objects.exists()


def test_following_a_thread_without_commenting_notifies_of_new_comments(
    member, make_user, thread, post
):
    thread_follow(thread=thread, user=member, follow=True)
    post(make_user(), "news")
    assert Notification.objects.get(recipient=member).kind == Notification.Kind.THREAD


def test_unread_count_shows_in_the_header_and_clears(member_client, member, make_user, post):
    post(make_user(), f"hey @{member.username}")
    html = member_client.get(reverse("home")).content.decode()
    assert 'href="/notifications/">Notifications <span class="badge"' in html
    page = member_client.get(reverse("discussions:notifications")).content.decode()
    assert "mentioned you" in page
    member_client.post(reverse("discussions:notifications_read"))
    html = member_client.get(reverse("home")).content.decode()
    assert 'Notifications <span class="badge"' not in html


def test_the_header_badge_stops_counting_at_99_plus(member_client, member, make_user, post):
    author = make_user()
    comments = [post(author, f"reply number {n}") for n in range(101)]
    Notification.objects.bulk_create(
        Notification(recipient=member, kind=Notification.Kind.REPLY, comment=comment)
        for comment in comments
    )
    html = member_client.get(reverse("home")).content.decode()
    assert '<span class="badge">99+<span class="visually-hidden"> unread</span>' in html


def test_opening_a_notification_marks_it_read(member_client, member, make_user, post):
    comment = post(make_user(), f"hey @{member.username}")
    notification = Notification.objects.get()
    url = reverse("discussions:notification", args=[notification.pk])
    assert member_client.get(url).status_code == 405, "a GET never marks it read"
    notification.refresh_from_db()
    assert notification.read_at is None
    response = member_client.post(url)
    assert response["Location"] == comment.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notifications_are_private(client, make_user, member, post):
    post(make_user(), f"hey @{member.username}")
    client.force_login(make_user())
    url = reverse("discussions:notification", args=[Notification.objects.get().pk])
    assert client.post(url).status_code == 404


def test_unsubscribe_link_shows_a_confirmation_and_post_applies_it(client, member, thread):
    Follow.objects.create(thread=thread, user=member)
    url = reverse(
        "discussions:unsubscribe",
        kwargs={"token": unsubscribe_token(user=member, thread_id=thread.pk)},
    )
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert Follow.objects.get().email is True
    assert client.post(url).status_code == 200
    assert Follow.objects.get().email is False


def test_one_click_unsubscribe_works_without_csrf_or_login(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse(
        "discussions:unsubscribe", kwargs={"token": unsubscribe_token(user=member, thread_id=None)}
    )
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.email_notifications is False


def test_forged_unsubscribe_tokens_are_refused(client, member):
    url = reverse("discussions:unsubscribe", kwargs={"token": "forged:token"})
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    member.refresh_from_db()
    assert member.email_notifications is True


def test_an_edit_that_adds_a_mention_notifies_once(member, make_user, post):
    from discussions.services.comments import comment_edit

    kathy = make_user(username="kathy")
    comment = post(member, "no mention")
    comment_edit(comment=comment, editor=member, body="now with @kathy")
    comment_edit(comment=comment, editor=member, body="now with @kathy again")
    assert Notification.objects.filter(recipient=kathy, kind=Notification.Kind.MENTION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_commit_never_turns_a_stored_reply_into_an_error(
    client, make_user, book, monkeypatch, settings
):
    """The bench's outage caught it: a reply was stored, then notifying its followers met
    the stopped database and the member was answered 503. Now the fan-out stays owed and
    the sweeper makes it once the database is back."""
    from django.db import OperationalError

    from discussions.services import notifications
    from discussions.tasks import sweep_fan_outs

    def database_gone(**_arguments):
        raise OperationalError("server closed the connection unexpectedly")

    author, replier = make_user(), make_user()
    thread = thread_for_book(book=book)
    parent = comment_create(thread=thread, author=author, body="Anyone?")
    monkeypatch.setattr(notifications, "comment_fan_out", database_gone)
    client.force_login(replier)
    response = client.post(reverse("discussions:comment_reply", args=[parent.pk]), {"body": "Me!"})
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent, body="Me!")
    assert reply.fan_out_pending and not Notification.objects.filter(recipient=author).exists()
    monkeypatch.undo()
    settings.OUTBOX_STALE_SECONDS = 0
    assert sweep_fan_outs.delay().get() == 1
    assert Notification.objects.filter(recipient=author, comment=reply).count() == 1
    assert sweep_fan_outs.delay().get() == 0


def test_a_reply_is_answered_before_anyone_is_notified(
    client, make_user, book, django_capture_on_commit_callbacks
):
    """The request only stores the reply, marked as owing its fan-out; the task, enqueued
    on commit, makes the in-app notification and queues the email, once."""
    from discussions.tasks import fan_out_comment

    author, replier = make_user(email="author@example.org"), make_user()
    parent = comment_create(thread=thread_for_book(book=book), author=author, body="Anyone?")
    client.force_login(replier)
    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(
            reverse("discussions:comment_reply", args=[parent.pk]), {"body": "Me"}
        )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert reply.fan_out_pending
    assert not Notification.objects.filter(recipient=author).exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_commit:
            callback()
    assert Notification.objects.get(recipient=author, comment=reply).kind == "reply"
    assert [message.to for message in mail.outbox] == [["author@example.org"]]
    reply.refresh_from_db()
    assert not reply.fan_out_pending
    with django_capture_on_commit_callbacks(execute=True):
        assert fan_out_comment.delay(reply.pk).get() == 0
    assert len(mail.outbox) == 1 and Notification.objects.filter(recipient=author).count() == 1


@pytest.mark.parametrize("with_replies", [True, False])
def test_a_deleted_comment_leaves_no_notification_about_it(
    client, member, make_user, post, with_replies
):
    from discussions.services.comments import comment_delete

    author = make_user(display_name="Tommy")
    comment = post(author, f"What do you think, @{member.username}?")
    if with_replies:
        post(make_user(), "A reply that keeps the comment as a tombstone", parent=comment)
    client.force_login(member)
    page = client.get(reverse("discussions:notifications")).content.decode()
    assert "Tommy mentioned you" in page
    assert 'Notifications <span class="badge"' in client.get(reverse("home")).text
    comment_delete(comment=comment, user=author)
    page = client.get(reverse("discussions:notifications")).content.decode()
    assert "mentioned you" not in page
    assert "[deleted]" not in page
    assert 'Notifications <span class="badge"' not in client.get(reverse("home")).text
