import pytest

from discussions.models import ReadingProgress, ReadingSection
from discussions.services.meetings import progress_record, section_add
from discussions.services.spoilers import is_spoiler_for, progress_for_meeting


@pytest.fixture
def sections(make_book):
    book = make_book("Never Let Me Go")
    return [
        section_add(book=book, title="Part One", last_page=110, last_percent=38),
        section_add(book=book, title="Part Two", last_page=210, last_percent=73),
        section_add(book=book, title="Part Three", last_page=288, last_percent=100),
    ]


def test_untagged_text_is_never_a_spoiler():
    assert is_spoiler_for(reader_progress=None, section=None) is False


def test_a_reader_with_no_progress_is_protected_from_every_section(sections):
    assert is_spoiler_for(reader_progress=None, section=sections[0]) is True


def test_finishing_a_section_unlocks_it_and_earlier_ones_only(sections, member):
    one, two, three = sections
    progress = progress_record(user=member, book=one.book, section=two)
    assert is_spoiler_for(reader_progress=progress, section=one) is False
    assert is_spoiler_for(reader_progress=progress, section=two) is False
    assert is_spoiler_for(reader_progress=progress, section=three) is True


def test_page_progress_counts_when_the_section_says_where_it_ends(sections, member):
    one, two, _ = sections
    progress = progress_record(user=member, book=one.book, page=150)
    assert is_spoiler_for(reader_progress=progress, section=one) is False
    assert is_spoiler_for(reader_progress=progress, section=two) is True


def test_percentage_progress_counts_and_finishing_the_book_unlocks_all(sections, member):
    one, two, three = sections
    progress = progress_record(user=member, book=one.book, percent=40)
    assert is_spoiler_for(reader_progress=progress, section=one) is False
    assert is_spoiler_for(reader_progress=progress, section=two) is True
    progress = progress_record(user=member, book=one.book, percent=100)
    assert is_spoiler_for(reader_progress=progress, section=three) is False


def test_when_progress_cannot_be_compared_the_comment_stays_hidden(make_book, member):
    book = make_book()
    section = section_add(book=book, title="Chapters 1-9")  # no page or percentage bound
    progress = progress_record(user=member, book=book, page=500)
    assert is_spoiler_for(reader_progress=progress, section=section) is True


def test_progress_in_another_book_does_not_unlock_anything(sections, make_book, member):
    other = progress_record(user=member, book=make_book(), percent=100)
    assert is_spoiler_for(reader_progress=other, section=sections[0]) is True


def test_recording_progress_again_replaces_it(sections, member):
    book = sections[0].book
    progress_record(user=member, book=book, section=sections[0])
    progress_record(user=member, book=book, section=sections[1])
    assert ReadingProgress.objects.get(user=member, book=book).section == sections[1]


def test_progress_for_a_meeting_loads_with_its_section_in_one_query(
    sections, member, make_club, make_meeting, django_assert_num_queries
):
    club = make_club(members=[member])
    meeting = make_meeting(club, book=sections[0].book)
    progress_record(user=member, book=meeting.book, section=sections[1])
    with django_assert_num_queries(1):
        progress = progress_for_meeting(user=member, meeting=meeting)
        assert progress.section.position == 2
        assert is_spoiler_for(reader_progress=progress, section=sections[2]) is True


def test_sections_are_numbered_in_reading_order(sections):
    assert [s.position for s in ReadingSection.objects.filter(book=sections[0].book)] == [1, 2, 3]
