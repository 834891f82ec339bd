"""The question bank (#17 item 4): members propose, upvote and answer questions per
reading section; organisers pin, reorder and retire them; private clubs keep them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discussions.models import Question, ReadingSection
from discussions.services.comments import comment_create
from discussions.services.meetings import progress_record
from discussions.services.questions import question_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user):
    return make_user(username="mira", display_name="Mira Member")


@pytest.fixture
def club(make_club, organiser, member):
    return make_club(organiser=organiser, members=[member], name="Open Shelf", slug="open-shelf")


@pytest.fixture
def meeting(club, make_meeting, book):
    part_one = ReadingSection.objects.create(book=book, position=1, title="Part One")
    ReadingSection.objects.create(book=book, position=2, title="Part Two", last_page=200)
    return make_meeting(club, book=book, section=part_one, title="Part One night")


@pytest.fixture
def part_two(meeting):
    return meeting.book.sections.get(position=2)


@pytest.fixture
def bank(club, book):
    return reverse("discussions:question_bank", args=[club.slug, book.slug])


def ask(club, meeting, author, body, section=None):
    return question_create(club=club, book=meeting.book, author=author, body=body, section=section)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_member_proposes_a_question_and_sees_it_in_the_bank_and_on_the_meeting_page(
    client, member, club, meeting, book
):
    signed_in(client, member)
    create = reverse("discussions:question_create", args=[club.slug, book.slug])
    response = client.post(
        create, {"body": "Why does Kathy *never* ask?", "section": meeting.section_id}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Why does Kathy <em>never</em> ask?" in page
    assert "Asked by Mira Member" in page
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Why does Kathy <em>never</em> ask?" in meeting_page


def test_a_blank_or_overlong_question_is_refused_in_plain_words_and_keeps_the_text(
    client, member, club, meeting, book
):
    signed_in(client, member)
    create = reverse("discussions:question_create", args=[club.slug, book.slug])
    blank = client.post(create, {"body": "   "})
    assert blank.status_code == 400
    assert "Write your question first." in blank.content.decode()
    long_text = "Why " * 300
    overlong = client.post(create, {"body": long_text})
    assert overlong.status_code == 400
    assert "A question can be at most 1,000 characters." in overlong.content.decode()
    assert long_text.strip() in overlong.content.decode()
    other_book_section = ReadingSection.objects.create(
        book=meeting.book.__class__.objects.create(title="Other", slug="other"),
        position=1,
        title="Elsewhere",
    )
    wrong = client.post(create, {"body": "Kept?", "section": other_book_section.pk})
    assert wrong.status_code == 400
    assert "Choose one of this book&#x27;s reading sections." in wrong.content.decode()
    assert "Kept?" in wrong.content.decode()
    assert not Question.objects.exists()


def test_each_member_upvotes_a_question_once_and_can_take_the_vote_back(
    client, member, organiser, club, meeting, bank
):
    question = ask(club, meeting, organiser, "Who is Madame?", meeting.section)
    vote = reverse("discussions:question_vote", args=[club.slug, question.pk])
    signed_in(client, member)
    client.post(vote, {"vote": "1"})
    response = client.post(vote, {"vote": "1", "next": bank}, HTTP_HX_REQUEST="true")
    card = response.content.decode()
    assert "1 vote" in card and "Upvoted" in card
    assert 'aria-pressed="true"' in card
    assert question.votes.count() == 1
    response = client.post(vote, {"vote": "0", "next": bank})
    assert response["Location"] == bank
    assert "0 votes" in client.get(bank).content.decode()


def test_the_most_upvoted_questions_come_first_after_the_pinned_one(
    client, member, organiser, make_user, club, meeting, bank
):
    quiet = ask(club, meeting, member, "Quiet question", meeting.section)
    loud = ask(club, meeting, member, "Loud question", meeting.section)
    pinned = ask(club, meeting, member, "Pinned question", meeting.section)
    for voter in (make_user(), make_user()):
        club.memberships.create(user=voter)
        signed_in(client, voter).post(
            reverse("discussions:question_vote", args=[club.slug, loud.pk]), {"vote": "1"}
        )
    signed_in(client, organiser)
    organise = reverse("discussions:question_organise", args=[club.slug, pinned.pk])
    assert client.post(organise, {"action": "pin"}).status_code == 302
    page = client.get(bank).content.decode()
    assert (
        page.index("Pinned question") < page.index("Loud question") < page.index("Quiet question")
    )
    assert quiet.pk


def test_organisers_reorder_and_retire_questions_and_members_cannot(
    client, member, organiser, club, meeting, bank
):
    first = ask(club, meeting, member, "First asked", meeting.section)
    second = ask(club, meeting, member, "Second asked", meeting.section)
    move = reverse("discussions:question_organise", args=[club.slug, second.pk])
    assert signed_in(client, member).post(move, {"action": "up"}).status_code == 403
    signed_in(client, organiser)
    client.post(move, {"action": "up"})
    page = client.get(bank).content.decode()
    assert page.index("Second asked") < page.index("First asked")
    client.post(
        reverse("discussions:question_organise", args=[club.slug, first.pk]), {"action": "retire"}
    )
    page = client.get(bank).content.decode()
    retired = page[page.index("Retired questions") :]
    assert "First asked" in retired
    vote = reverse("discussions:question_vote", args=[club.slug, first.pk])
    refused = signed_in(client, member).post(vote, {"vote": "1"})
    assert refused.status_code == 400
    assert "no longer open for votes" in refused.content.decode()
    nonsense = signed_in(client, organiser).post(move, {"action": "explode"})
    assert nonsense.status_code == 400


def test_a_member_who_has_not_reached_the_section_sees_its_question_and_answers_collapsed(
    client, member, organiser, make_user, club, meeting, part_two
):
    question = ask(club, meeting, organiser, "Did Tommy know all along?", part_two)
    comment_create(thread=question.thread, author=organiser, body="He guessed at the cottages.")
    reader = make_user()
    club.memberships.create(user=reader)
    signed_in(client, reader)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "About Part Two — you haven't reached it yet." in page
    assert "Discusses Part Two — you haven't reached it yet." in page
    progress_record(user=reader, book=meeting.book, page=250)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "you haven't reached it yet" not in page
    assert "He guessed at the cottages." in page


def test_members_answer_a_question_in_its_own_thread(client, member, organiser, club, meeting):
    question = ask(club, meeting, organiser, "What do the tapes mean?", meeting.section)
    signed_in(client, member)
    post = reverse("discussions:comment_create", args=[question.thread.pk])
    response = client.post(post, {"body": "Lost things come back."})
    assert response.status_code == 302
    assert response["Location"].startswith(question.get_absolute_url())
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Lost things come back." in page
    assert "1 answer" in page
    answer = question.thread.comments.get()
    assert answer.section_id == meeting.section_id


def test_a_deleted_question_keeps_its_answers_as_a_comment_does(
    client, member, organiser, club, meeting, bank
):
    answered = ask(club, meeting, member, "Answered question", meeting.section)
    comment_create(thread=answered.thread, author=organiser, body="An answer that stays.")
    lonely = ask(club, meeting, member, "Lonely question", meeting.section)
    signed_in(client, member)
    for question in (answered, lonely):
        delete = reverse("discussions:question_delete", args=[club.slug, question.pk])
        assert client.get(delete).status_code == 200
        assert client.post(delete).status_code == 302
    page = client.get(answered.get_absolute_url()).content.decode()
    assert "[deleted question]" in page and "Answered question" not in page
    assert "An answer that stays." in page
    assert "takes no new ones" in page
    assert not Question.objects.filter(pk=lonely.pk).exists()
    assert "Lonely question" not in client.get(bank).content.decode()


def test_only_the_author_or_an_organiser_may_delete_a_question(
    client, member, make_user, club, meeting
):
    question = ask(club, meeting, member, "Mine to delete", meeting.section)
    other = make_user()
    club.memberships.create(user=other)
    delete = reverse("discussions:question_delete", args=[club.slug, question.pk])
    assert signed_in(client, other).post(delete).status_code == 403
    assert Question.objects.filter(pk=question.pk, deleted_at__isnull=True).exists()


def test_a_private_clubs_questions_are_hidden_from_everyone_outside_it(
    client, make_user, private_club, organiser, make_meeting, book
):
    meeting = make_meeting(private_club, book=book, title="Hidden gathering")
    question = ask(private_club, meeting, organiser, "A secret question")
    comment_create(thread=question.thread, author=organiser, body="A secret answer")
    answer = question.thread.comments.get()
    pages = [
        reverse("discussions:question_bank", args=[private_club.slug, book.slug]),
        question.get_absolute_url(),
        reverse("discussions:thread", args=[question.thread.pk]),
        reverse("discussions:comment", args=[answer.pk]),
    ]
    outsider = make_user()
    for who in (None, outsider):
        if who:
            client.force_login(who)
        for path in pages:
            response = client.get(path)
            assert response.status_code == 404, (who, path)
            assert b"secret" not in response.content.lower(), path
    for path in ("/search/?q=secret", "/books/never-let-me-go/community/", "/notifications/"):
        assert b"A secret" not in client.get(path, follow=True).content


def test_the_question_bank_page_costs_the_same_queries_however_many_questions(
    client, member, organiser, club, meeting, bank, django_assert_max_num_queries
):
    signed_in(client, member)
    client.get(bank)
    for number in range(12):
        question = ask(club, meeting, organiser, f"Question {number}", meeting.section)
        comment_create(thread=question.thread, author=organiser, body="An answer")
    with django_assert_max_num_queries(12):
        page = client.get(bank)
    assert "Question 11" in page.content.decode()
    with django_assert_max_num_queries(12):
        client.get(question.get_absolute_url())


def test_a_book_the_club_does_not_meet_about_has_no_question_bank(
    client, member, club, meeting, make_book
):
    other = make_book(title="Elsewhere")
    response = signed_in(client, member).get(
        reverse("discussions:question_bank", args=[club.slug, other.slug])
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_meetings_old_text_questions_become_questions_in_its_clubs_bank():
    """Migration 0013 turns each line of the old "discussion questions" text into a question
    (numbering dropped) and the old agenda text into the meeting's agenda."""
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    others = [node for node in leaves if node[0] != "discussions"]
    before = [*others, ("discussions", "0011_library_shelves")]
    after = [*others, ("discussions", "0013_question_bank")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(username="olduser")
    book = old.get_model("catalog", "Book").objects.create(title="Old", slug="old-book")
    club = old.get_model("discussions", "Club").objects.create(name="Old club", slug="old-club")
    section = old.get_model("discussions", "ReadingSection").objects.create(
        book=book, position=1, title="Part One"
    )
    start = timezone.now()
    meeting = old.get_model("discussions", "Meeting").objects.create(
        club=club,
        book=book,
        section=section,
        title="Old meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="UTC",
        created_by=user,
        questions="1. Why <b>now</b>?\n\n- Who tells it?\n",
        agenda="Tea, then talk.",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    questions = new.get_model("discussions", "Question").objects.order_by("position")
    assert [(q.body, q.section_id, q.author_id, q.club_id) for q in questions] == [
        ("Why <b>now</b>?", section.pk, user.pk, club.pk),
        ("Who tells it?", section.pk, user.pk, club.pk),
    ]
    assert "&lt;b&gt;" in questions[0].body_html
    assert (
        new.get_model("discussions", "Thread").objects.filter(question__in=questions).count() == 2
    )
    agenda = new.get_model("discussions", "Agenda").objects.get(meeting_id=meeting.pk)
    assert agenda.body == "Tea, then talk."
    MigrationExecutor(connection).migrate(leaves)
