"""Data versions: a write retires cached pages at once and again when it commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from bookclub.request_memo import RequestMemoMiddleware
from bookclub.versions import read_version, version_changed

KEY = "test:version"
OTHER = "test:other-version"


def in_a_request(work):
    """Run work() as a view would: with the request memo in place."""
    return RequestMemoMiddleware(lambda request: work())(None)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_each_changed_version_once_now_and_once_on_commit():
    before = read_version(KEY)

    def write_three_rows():
        with transaction.atomic():
            for _ in range(3):
                version_changed(KEY)
            during = read_version(KEY)
        return during

    during = in_a_request(write_three_rows)
    assert during == before + 1  # the request reads its own change
    assert read_version(KEY) == before + 2  # and the commit retired what others cached


@pytest.mark.django_db(transaction=True)
def test_a_second_transaction_in_the_request_bumps_at_once_again():
    before = read_version(KEY)

    def two_transactions():
        with transaction.atomic():
            version_changed(KEY)
        with transaction.atomic():
            version_changed(KEY)
            return read_version(KEY)

    assert in_a_request(two_transactions) == before + 3
    assert read_version(KEY) == before + 4


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_lose_the_outer_writes_bump():
    key_before = read_version(KEY)

    def write_then_fail_inside():
        with transaction.atomic():
            version_changed(KEY)
            try:
                with transaction.atomic():
                    version_changed(OTHER)
                    raise RuntimeError("the inner write fails")
            except RuntimeError:
                pass

    in_a_request(write_then_fail_inside)
    assert read_version(KEY) == key_before + 2


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_bumps_once():
    before = read_version(KEY)
    in_a_request(lambda: version_changed(KEY))
    assert read_version(KEY) == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_bumps_nothing_on_commit():
    before = read_version(KEY)

    def fail():
        with transaction.atomic():
            version_changed(KEY)
            raise RuntimeError("nothing is stored")

    with pytest.raises(RuntimeError):
        in_a_request(fail)
    assert read_version(KEY) == before + 1  # the bump at once; no commit, no second one
