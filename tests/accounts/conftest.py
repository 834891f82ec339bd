# The discussions world (books, clubs, meetings, comments) for the account tests that
# follow a member's contributions through their account's deletion.
from tests.discussions.conftest import (  # noqa: F401
    _fast_password_hashing,
    book,
    make_book,
    make_club,
    make_meeting,
    organiser,
    private_club,
    public_club,
    thread,
)
