"""The one-statement tree insert: a new comment is stored with its ancestors' counts or
not at all, on SQLite and PostgreSQL; and the seat count an RSVP starts from."""

import pytest
from django.db import IntegrityError

from discussions.models import RSVP, Comment


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


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
