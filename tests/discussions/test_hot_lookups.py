"""The hand-written lookups that every reply, comment and RSVP starts with
(bookclub/joined_rows.py) give what the ORM's select_related() gives, on SQLite and
PostgreSQL alike, and a new comment is stored with its ancestors' counts or not at all."""

import pytest
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.forms.models import model_to_dict

from discussions.models import RSVP, Comment, Meeting, Membership, Thread
from discussions.services.comments import comment_create, thread_for_meeting


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_comment_comes_with_its_thread_and_book_as_the_orm_loads_them(member, post, book):
    top = post(member, "Top *comment*")
    reply = post(member, "A reply", parent=top)
    expected = Comment.objects.select_related("thread__book").get(pk=reply.pk)

    loaded = Comment.objects.with_thread(reply.pk)

    assert _fields(loaded) == _fields(expected)
    assert _fields(loaded.thread) == _fields(expected.thread)
    assert _fields(loaded.thread.book) == _fields(book) == _fields(expected.thread.book)
    assert loaded.thread.meeting is None
    assert loaded.created_at.tzinfo is not None  # converted, not text, on SQLite too


def test_a_meeting_comment_comes_with_its_meeting_and_club(
    member, make_club, make_meeting, django_assert_num_queries
):
    club = make_club(members=[member])
    meeting = make_meeting(club)
    thread = thread_for_meeting(meeting=meeting)
    comment = comment_create(thread=thread, author=member, body="See you there")

    expected = Meeting.objects.get(pk=meeting.pk)
    with django_assert_num_queries(1):
        loaded = Comment.objects.with_thread(comment.pk)
        assert loaded.thread.book is None
        assert _fields(loaded.thread.meeting) == _fields(expected)
        assert loaded.thread.meeting.club.slug == club.slug
        assert loaded.thread.club.is_public


def test_looking_up_what_is_not_there_finds_none(member, book, make_club):
    assert Comment.objects.with_thread(987654) is None
    assert Thread.objects.of_book(book.slug) is None  # no comment yet, so no thread
    assert Thread.objects.of_book("no-such-book") is None
    assert Membership.objects.with_club(make_club().slug, member) is None


def test_a_book_thread_comes_with_its_book(thread, book, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = Thread.objects.of_book(book.slug)
        assert found == thread and found.book.title == book.title


def test_an_rsvp_starts_from_the_membership_meeting_and_answer(
    member, make_club, make_meeting, django_assert_num_queries
):
    club = make_club(members=[member])
    meeting = make_meeting(club, capacity=3)
    RSVP.objects.create(meeting=meeting, user=member, response=RSVP.Response.MAYBE)

    with django_assert_num_queries(3):
        membership = Membership.objects.with_club(club.slug, member)
        found = Meeting.objects.in_club(membership.club, meeting.pk)
        answer = RSVP.objects.answer_of(found, member)
    assert model_to_dict(membership) == model_to_dict(Membership.objects.get(pk=membership.pk))
    assert _fields(found) == _fields(Meeting.objects.get(pk=meeting.pk))
    assert answer.response == RSVP.Response.MAYBE and answer.meeting is found
    assert Meeting.objects.in_club(make_club(), meeting.pk) is None  # another club's id


@pytest.mark.django_db(transaction=True)
def test_the_locking_read_refuses_to_run_outside_a_transaction(member, make_club, make_meeting):
    meeting = make_meeting(make_club(members=[member]))
    with pytest.raises(TransactionManagementError):
        Meeting.objects.locked(meeting)
    with transaction.atomic():
        fresh = Meeting.objects.locked(meeting)
    assert _fields(fresh) == _fields(Meeting.objects.get(pk=meeting.pk))


@pytest.mark.django_db(transaction=True)
def test_a_reply_that_cannot_be_stored_leaves_every_count_as_it_was(member, post):
    """The row and its ancestors' counts go in together: a reply refused by the database
    (here a reading section that does not exist) changes nothing."""
    top = post(member, "top")
    middle = post(member, "middle", parent=top)
    before = Comment.objects.count()

    with pytest.raises(IntegrityError):
        Comment.objects.create_in_tree(
            thread=top.thread,
            parent=middle,
            author=member,
            body="lost?",
            body_html="<p>lost?</p>",
            created_at=middle.created_at,
            section_id=987654,
        )

    assert Comment.objects.count() == before
    counts = dict(Comment.objects.values_list("pk", "reply_count"))
    assert counts == {top.pk: 1, middle.pk: 0}


def test_seats_taken_counts_only_the_members_going(make_user, make_club, make_meeting):
    members = [make_user() for _ in range(4)]
    meeting = make_meeting(make_club(members=members), capacity=10)
    for member, response in zip(members, ["going", "going", "maybe", "not_going"], strict=True):
        RSVP.objects.create(meeting=meeting, user=member, response=response)
    other = make_meeting(make_club(members=members[:1]))
    RSVP.objects.create(meeting=other, user=members[0], response="going")

    assert RSVP.objects.seats_taken(meeting) == 2
    assert RSVP.objects.seats_taken(meeting) == meeting.rsvps.filter(response="going").count()
