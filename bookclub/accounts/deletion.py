"""Deleting a member's account, at once (no grace period: see the README, "Accounts").

What stays, and how:
- comments with replies become "[deleted member]" tombstones, so the replies stay; the
  others go (discussions' comment_delete, one at a time, with its reply counts);
- ratings and age votes are withdrawn, so the book pages' aggregates drop them at once
  (their deletions bump the books' versions);
- poll ballots stay counted, with no voter (Ballot.voter is set to NULL);
- each club is left as discussions leaves it (membership_remove): seats at upcoming
  meetings are released and the waitlist promoted, one seat each, with its notifications;
  the last organiser of a club must hand it over first;
- emails to the member's addresses are purged from the outbox, and the username is
  reserved, so nobody can sign up as them.
Everything else of theirs (notifications, follows, shelves, summaries, sessions,
authenticators) goes with the account row.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction

from bookclub.accounts.models import ReservedUsername, User
from bookclub.outbox.services import emails_purge


class AccountDeletionRefused(Exception):
    """Why the account cannot be deleted yet, in words for the member."""


def _leave_clubs(user: User) -> None:
    from discussions.models import Membership
    from discussions.services.clubs import membership_remove

    for membership in Membership.objects.filter(user=user).select_related("club", "user"):
        if membership.club.owner_id == user.pk:
            raise AccountDeletionRefused(
                f"You own {membership.club.name}: hand it to another member first (“Make "
                "owner” on the club's Manage page), then delete your account."
            )
        try:
            membership_remove(membership=membership)
        except ValidationError:
            raise AccountDeletionRefused(
                f"You are the only organiser of {membership.club.name}: make another member "
                "an organiser first (on the club's Manage page), then delete your account."
            ) from None


def _erase_comments(user: User) -> None:
    from discussions.models import Comment
    from discussions.services.comments import comment_delete

    # Deepest first: a reply of theirs goes before their comment it answers, which may
    # then have no replies left and go too.
    for comment in Comment.objects.filter(author=user).select_related("thread").order_by("-path"):
        comment_delete(comment=comment, user=user, member_left=True)


def _withdraw_ratings(user: User) -> None:
    from catalog.models import Book
    from discussions.models import AgeVote, Rating
    from discussions.services.ratings import age_vote_withdraw, rating_withdraw

    rated = Rating.objects.filter(user=user).values("book")
    for book in Book.objects.filter(pk__in=rated):
        rating_withdraw(book=book, user=user)
    voted = AgeVote.objects.filter(user=user).values("book")
    for book in Book.objects.filter(pk__in=voted):
        age_vote_withdraw(book=book, user=user)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the member's account and what is personal in what they wrote (module
    docstring); refused (AccountDeletionRefused) while they are a club's last organiser."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _leave_clubs(user)
    _erase_comments(user)
    _withdraw_ratings(user)
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    emails_purge(to=sorted(addresses))
    ReservedUsername.objects.get_or_create(username=user.username)
    user.delete()


def username_is_reserved(username: str) -> bool:
    return ReservedUsername.objects.filter(username__iexact=username).exists()
