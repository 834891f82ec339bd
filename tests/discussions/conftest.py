"""Fixtures for the discussions tests: a book, its thread and a seed source."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from catalog.models import Book, Source
from discussions.services.comments import comment_create, thread_for_book

_books = itertools.count(1)


@pytest.fixture
def make_book(db):
    def make(**overrides):
        number = next(_books)
        fields = {"title": f"Book {number}", "slug": f"book-{number}"}
        fields.update(overrides)
        return Book.objects.create(**fields)

    return make


@pytest.fixture
def book(make_book):
    return make_book(title="Never Let Me Go", slug="never-let-me-go")


@pytest.fixture
def thread(book):
    return thread_for_book(book=book)


@pytest.fixture
def library(db):
    return Source.objects.create(
        kind=Source.Kind.LIBRARY_CATALOG, title="Never Let Me Go", file="001_test.txt"
    )


@pytest.fixture
def community_url(book):
    return reverse("discussions:book_community", kwargs={"slug": book.slug})


@pytest.fixture
def post(thread):
    """post(author, body, parent=None) -> Comment, through the service."""

    def make(author, body="A comment", parent=None):
        return comment_create(thread=thread, author=author, body=body, parent=parent)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests create many members; real password hashing is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
