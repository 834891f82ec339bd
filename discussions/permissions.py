"""Who may see and do what in clubs. Every discussions view asks here, nowhere else.

The rule that matters most: a private club and everything in it is a 404 for
anyone who is not a member, so its existence never leaks.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from bookclub.http import ExplainedRefusal
from discussions.models import BookList, Club, ClubRead, Meeting, Membership, Poll

FEED_TOKEN_SALT = "discussions.club-feed"


def can_organise(user, club: Club) -> bool:
    """Club organisers, plus staff and site-wide organisers (User.can_organise)."""
    return bool(user and user.is_authenticated and user.can_organise(club))


def can_view_members_only(user, club: Club) -> bool:
    """Members see what is for members only (online links, ballots, progress)."""
    return club.is_member(user) or can_organise(user, club)


def club_for(user, slug: str) -> Club:
    """The club if this user may see it, else 404 (never 403: that would confirm it exists)."""
    return get_object_or_404(Club.objects.visible_to(user), slug=slug).remember_memberships()


def club_for_viewer(user, slug: str) -> Club:
    """club_for, in one query for a member: their membership comes with the club."""
    membership = Membership.objects.with_club(slug, user) if user.is_authenticated else None
    if membership is not None:
        return membership.club.remember_membership(user, membership)
    return club_for(user, slug)


def club_for_member(user, slug: str) -> Club:
    """The club for actions only members may take: 404 if hidden, 403 if visible but not joined."""
    club = club_for(user, slug)
    if not can_view_members_only(user, club):
        raise PermissionDenied("Only members of this club can do that.")
    return club


def club_for_participant(user, slug: str) -> Club:
    """Acts that speak for the club (ballots, RSVPs): its members only, not visiting staff."""
    club = club_for_viewer(user, slug)  # 404 if they may not even see it
    if not club.is_member(user):
        raise PermissionDenied("Join the club to take part.")
    return club


def club_for_organiser(user, slug: str) -> Club:
    club = club_for(user, slug)
    if not can_organise(user, club):
        if club.is_organiser(user):  # an organiser, held back by the club's 2FA rule
            raise ExplainedRefusal(
                "This club asks its organisers to use two-factor authentication: turn it on "
                "(Profile, Account security) to manage the club."
            )
        raise PermissionDenied("Only this club's organisers can do that.")
    return club


def can_hand_over(user, club: Club) -> bool:
    """The owner, and site staff (who rescue a club whose owner has gone)."""
    return bool(user and user.is_authenticated and user.is_active) and (
        club.is_owner(user) or user.is_staff
    )


def club_for_owner(user, slug: str) -> Club:
    club = club_for(user, slug)
    if not can_hand_over(user, club):
        raise PermissionDenied("Only the club's owner can hand it over.")
    return club


def meeting_in(club: Club, pk: int, *, for_display: bool = True) -> Meeting:
    """The club's meeting, else 404. for_display=False skips loading what a page shows
    of it (book, section, creator, source): an answer that only redirects needs none."""
    if for_display:
        meetings = Meeting.objects.select_related("book", "section", "created_by", "source")
        meeting = get_object_or_404(meetings, club=club, pk=pk)
    else:
        meeting = Meeting.objects.in_club(club, pk)
        if meeting is None:
            raise Http404("No such meeting.")
    # The same club object, so its per-request memberships memo serves the meeting too.
    meeting.club = club
    return meeting


def read_in(club: Club, pk: int) -> ClubRead:
    """The club's read (with its book), else 404."""
    read = ClubRead.objects.in_club(club, pk)
    if read is None:
        raise Http404("No such read.")
    return read


def poll_in(club: Club, pk: int) -> Poll:
    return get_object_or_404(Poll.objects.select_related("club"), club=club, pk=pk)


def feed_token(*, user, club: Club) -> str:
    """A private-feed token for calendar apps, which cannot send our session cookie."""
    return signing.dumps({"u": user.pk, "c": club.pk}, salt=FEED_TOKEN_SALT, compress=True)


def club_for_feed(request, slug: str) -> Club:
    """Feeds: the session's view of the club, or a member's signed token for private clubs."""
    club = Club.objects.filter(slug=slug).first()
    if club is None:
        raise Http404("No such club.")
    if club.is_public or can_view_members_only(request.user, club):
        return club
    token = request.GET.get("token", "")
    try:
        data = signing.loads(token, salt=FEED_TOKEN_SALT)
    except signing.BadSignature:
        raise Http404("No such club.") from None
    # Still a member now? Leaving the club revokes the token without storing anything.
    if data.get("c") != club.pk or not club.memberships.filter(user_id=data.get("u")).exists():
        raise Http404("No such club.")
    return club


def book_discussed_by(club: Club, book_slug: str):
    """A book the club meets about, else 404: a club's question bank is for its books."""
    from catalog.models import Book

    book = Book.objects.filter(slug=book_slug, meetings__club=club).distinct().first()
    if book is None:
        raise Http404("No such book in this club.")
    return book


def question_in(club: Club, pk: int):
    """The club's question, else 404."""
    from discussions.models import Question

    question = Question.objects.in_club(club, pk)
    if question is None:
        raise Http404("No such question.")
    return question


def can_take_notes(user, meeting: Meeting) -> bool:
    """Who writes a meeting's notes: its club's organisers for now. The rota's note-taker
    joins them here, and every notes form and view asks only this."""
    return can_organise(user, meeting.club)


def can_edit_list(user, book_list: BookList) -> bool:
    """A member's list is theirs alone; a club's list, any of its members' (and organisers')."""
    if not getattr(user, "is_authenticated", False):
        return False
    if book_list.club_id is None:
        return book_list.owner_id == user.pk
    return can_view_members_only(user, book_list.club)


def book_list_for(user, pk: int) -> BookList:
    """The list if this user may see it, else 404 (a private one's existence stays unsaid)."""
    queryset = BookList.objects.visible_to(user).select_related("owner", "club")
    return get_object_or_404(queryset, pk=pk)


def book_list_for_editor(user, pk: int) -> BookList:
    """The list for changing it: 404 if hidden, 403 if seen but not the user's to edit."""
    book_list = book_list_for(user, pk)
    if not can_edit_list(user, book_list):
        raise PermissionDenied("Only the list's owner (or its club's members) can change it.")
    return book_list
