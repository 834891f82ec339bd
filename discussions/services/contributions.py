"""Summaries, content notices (and seconding them) and quotes."""

from __future__ import annotations

from catalog.models import Book
from discussions.models import ContentNotice, NoticeSecond, Quote, Summary
from discussions.services.errors import DiscussionError


def summary_create(*, book: Book, author, body: str) -> Summary:
    return Summary.objects.create(book=book, author=author, body=body.strip())


def notice_create(*, book: Book, author, category: str, note: str = "") -> ContentNotice:
    return ContentNotice.objects.create(
        book=book, author=author, category=category, note=note.strip()
    )


def notice_second(*, notice: ContentNotice, user) -> NoticeSecond:
    if notice.author_id == user.pk:
        raise DiscussionError("You wrote this notice; others can second it.")
    second, _ = NoticeSecond.objects.get_or_create(notice=notice, user=user)
    return second


def quote_create(*, book: Book, author, text: str, location: str = "") -> Quote:
    return Quote.objects.create(book=book, author=author, text=text.strip(), location=location)
