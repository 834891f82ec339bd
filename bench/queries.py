"""SQL queries per page, counted in-process with Django's test client on the bench database.

Each page is requested twice and the second request is counted: the first warms per-process
caches (content types, the current Site) exactly as a long-running worker has them warm.
A write is counted on its third post (see count_action).
"""

from __future__ import annotations

import random

from bench.actions import WriteAction
from bench.config import Page


def _client(member: str | None):
    from django.test import Client

    from bookclub.accounts.models import User

    client = Client()
    if member:
        client.force_login(User.objects.get(username=member))
    return client


def count_page(page: Page, facts: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(facts["signed_in_member"] if page.signed_in else None)
    path = page.path.format(**facts)
    first = client.get(path)
    conditional, allowed = {}, {200}
    if page.revalidate:
        # The revalidation is counted as wrk sends it, with the ETag of the first GET. Without
        # an ETag it is a plain GET: the throughput check reports the missing 304, not this.
        if first.get("ETag"):
            conditional = {"HTTP_IF_NONE_MATCH": first["ETag"]}
        allowed = {200, 304}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **conditional)
    if response.status_code not in allowed:
        raise RuntimeError(f"{page.name}: {path} answered {response.status_code}")
    return len(captured.captured_queries)


def count_action(action: WriteAction, facts: dict[str, str], seed: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = facts["signed_in_member"]
    client = _client(member)
    action.prepare(facts)

    def request(token: str):
        # The same choices every time (e.g. a reply rather than a top-level comment): the
        # first write the throughput phase makes with this seed.
        return action.request(facts, member, token, random.Random(seed))

    # Two posts first: the first may make the member a follower of the thread (which
    # retires their cached "follows"), the second refills it; the third is a member's
    # steady state, the same at any data size.
    for warm in ("queries-warm-1", "queries-warm-2"):
        client.post(*request(warm))
    path, fields = request("queries-count")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, fields)
    if not 200 <= response.status_code < 400:
        raise RuntimeError(f"{action.name}: POST {path} answered {response.status_code}")
    return len(captured.captured_queries)


def count_all(
    pages: list[Page], actions: list[WriteAction], facts: dict[str, str], seed: int
) -> dict:
    counts = {page.name: count_page(page, facts) for page in pages if page.count_queries}
    counts.update({action.name: count_action(action, facts, seed) for action in actions})
    return counts
