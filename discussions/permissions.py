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
from discussions.models import Club, Meeting, Membership, Poll

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


def club_for_member(user, slug: str) -> Club:
    """The club for actions only members may take: 404 if hidden, 403 if visible but not joined."""
    club = club_for(user, slug)
    if not can_view_members_only(user, club):
        raise PermissionDenied("Only members of this club can do that.")
    return club


def club_for_participant(user, slug: str) -> Club:
    """Acts that speak for the club (ballots, RSVPs): its members only, not visiting staff."""
    membership = Membership.objects.with_club(slug, user) if user.is_authenticated else None
    if membership is not None:
        # A member sees their club, private or not: one query finds both.
        return membership.club.remember_membership(user, membership)
    club_for(user, slug)  # 404 if they may not even see it
    raise PermissionDenied("Join the club to take part.")


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
