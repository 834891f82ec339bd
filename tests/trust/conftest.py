"""The pages the trust suite checks, signed in and out, and the tools it checks them with.

Each new main page is added to `main_pages` once, and every check (HTML validity,
accessibility) covers it from then on.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class TrustPage:
    label: str
    path: str
    signed_in: bool


def require(tool_path: Path | str | None, what: str) -> None:
    """A missing checker skips locally but fails in CI, where every check must run."""
    if tool_path and (Path(tool_path).exists() or shutil.which(str(tool_path))):
        return
    message = f"{what} is not installed; `npm ci` (and `apt-get install default-jre`) provide it."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def main_pages(make_user) -> tuple[list[TrustPage], object]:
    """Builds the data the main pages need and returns them with the member who signs in."""
    from django.core.management import call_command

    from discussions.models import Club
    from discussions.services.clubs import club_join
    from discussions.services.questions import question_create

    call_command("import_seeds", stdout=io.StringIO())
    member = make_user(display_name="Kathy H.", bio="Carer.")
    club = Club.objects.get(slug="mcl-book-discussion")
    club_join(club=club, user=member)
    meeting = club.meetings.get()
    poll = club.polls.get()
    read = _read_with_a_schedule(club, meeting.book)
    question = question_create(
        club=club, book=meeting.book, author=member, body="Why does *Kathy* stay?"
    )
    bank = f"{club.get_absolute_url()}books/{meeting.book.slug}/questions/"
    pages = []
    for signed_in in (False, True):
        pages += [
            TrustPage("home", "/", signed_in),
            TrustPage("profile", member.get_absolute_url(), signed_in),
            TrustPage("not found", "/no/such/page/", signed_in),
            TrustPage("books", "/books/", signed_in),
            TrustPage("book", "/books/never-let-me-go/", signed_in),
            TrustPage("author", "/authors/kazuo-ishiguro/", signed_in),
            TrustPage("search", "/search/?q=clone", signed_in),
            TrustPage("clubs", "/clubs/", signed_in),
            TrustPage("club", club.get_absolute_url(), signed_in),
            TrustPage("meeting", meeting.get_absolute_url(), signed_in),
            TrustPage("poll", poll.get_absolute_url(), signed_in),
            TrustPage("club read", read.get_absolute_url(), signed_in),
            TrustPage("printable schedule", read.get_absolute_url() + "print/", signed_in),
            TrustPage("question bank", bank, signed_in),
            TrustPage("question", question.get_absolute_url(), signed_in),
        ]
    pages += [
        TrustPage("sign up", "/accounts/signup/", False),
        TrustPage("log in", "/accounts/login/", False),
        TrustPage("password reset", "/accounts/password/reset/", False),
        TrustPage("profile edit", "/profile/", True),
        TrustPage("password change", "/accounts/password/change/", True),
        TrustPage("notifications", "/notifications/", True),
        TrustPage("new club", "/clubs/new/", True),
        TrustPage("catch-up", read.get_absolute_url() + "catch-up/", True),
        TrustPage("agenda", meeting.get_absolute_url() + "agenda/", True),
        TrustPage("agenda print", meeting.get_absolute_url() + "agenda/print/", True),
        TrustPage("two-factor authentication", "/accounts/2fa/", True),
        TrustPage("confirm it is you", "/accounts/reauthenticate/", True),
        TrustPage("sessions", "/accounts/sessions/", True),
        TrustPage("account deletion", "/profile/delete/", True),
    ]
    return pages, member


def _read_with_a_schedule(club, book):
    import datetime

    from django.utils import timezone

    from discussions.services.reads import read_create, schedule_add

    today = timezone.localdate()
    read = read_create(club=club, book=book, starts_on=today, created_by=None)
    schedule_add(read=read, unit="chapters", first=1, last=6, due_on=today)
    schedule_add(read=read, unit="chapters", first=7, last=12, due_on=today + datetime.timedelta(7))
    return read
