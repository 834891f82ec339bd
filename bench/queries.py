"""SQL queries per page, counted in-process with Django's test client on the bench database.

Each page is requested twice and the second request is counted: the first warms per-process
caches (content types, the current Site) exactly as a long-running worker has them warm.
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
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{page.name}: {path} answered {response.status_code}")
    return len(captured.captured_queries)


def count_action(action: WriteAction, facts: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = facts["signed_in_member"]
    client = _client(member)
    rng = random.Random(0)
    action.prepare(facts)
    client.post(*action.request(facts, member, "queries-warm", rng))
    path, fields = action.request(facts, member, "queries-count", rng)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, fields)
    if not 200 <= response.status_code < 400:
        raise RuntimeError(f"{action.name}: POST {path} answered {response.status_code}")
    return len(captured.captured_queries)


def count_all(pages: list[Page], actions: list[WriteAction], facts: dict[str, str]) -> dict:
    counts = {page.name: count_page(page, facts) for page in pages if page.count_queries}
    counts.update({action.name: count_action(action, facts) for action in actions})
    return counts
