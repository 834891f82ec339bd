"""Clubs, who belongs to them and how people get in."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone


class ClubQuerySet(models.QuerySet):
    def public(self) -> ClubQuerySet:
        return self.filter(visibility=Club.Visibility.PUBLIC)

    def visible_to(self, user) -> ClubQuerySet:
        """Public clubs plus private clubs the user belongs to; staff see every club."""
        if user is None or not user.is_authenticated:
            return self.public()
        if user.is_active and user.is_staff:
            return self.all()
        belongs = Membership.objects.filter(club=OuterRef("pk"), user=user)
        return self.filter(Q(visibility=Club.Visibility.PUBLIC) | Q(Exists(belongs)))

    def of_member(self, user) -> ClubQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def search(self, query: str) -> ClubQuerySet:
        query = query.strip()
        if not query:
            return self
        return self.filter(Q(name__icontains=query) | Q(description__icontains=query))


class Club(models.Model):
    """A reading group. Private clubs, and all they contain, exist only for their members."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: anyone can see it"
        PRIVATE = "private", "Private: only members can see it"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Open: anyone can join"
        REQUEST = "request", "By request: organisers approve"
        INVITE = "invite", "By invite link only"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    # One owner among the organisers: the one who can hand the club over.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_clubs",
    )
    nomination_quota = models.PositiveSmallIntegerField(
        "nominations per member", default=2, help_text="Open nominations each member may have."
    )
    seconds_needed = models.PositiveSmallIntegerField("seconds to reach the ballot", default=1)
    read_length_weeks = models.PositiveSmallIntegerField("usual read length (weeks)", default=4)
    pages_per_week = models.PositiveSmallIntegerField(
        "comfortable pace (pages a week)", default=100
    )
    # Private clubs only: organising them needs a second factor at log-in (a stolen password
    # alone must not open members' private meetings and addresses).
    organisers_need_two_factor = models.BooleanField(
        "organisers must use two-factor authentication", default=False
    )

    objects = ClubQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination_quota__gte=1),
                name="club_nomination_quota_positive",
                violation_error_message="Let each member nominate at least 1 book.",
            ),
            models.CheckConstraint(
                condition=Q(read_length_weeks__gte=1) & Q(pages_per_week__gte=1),
                name="club_reading_pace_positive",
                violation_error_message="A read lasts at least 1 week at 1 page a week or more.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discussions:club_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def is_visible_to(self, user) -> bool:
        """The rule of ClubQuerySet.visible_to, for a club already loaded (uses the
        memberships memo): public, or the user is active staff or a member."""
        if self.is_public:
            return True
        if user is None or not user.is_authenticated:
            return False
        return (user.is_active and user.is_staff) or self.is_member(user)

    def remember_membership(self, user, membership) -> Club:
        """Seed the memberships memo with a membership loaded elsewhere (e.g. cached)."""
        self.remember_memberships()
        self.__dict__["_membership_memo"][user.pk] = membership
        return self

    def membership_for(self, user) -> Membership | None:
        """The user's membership; looked up once per request where remember_memberships()
        was called (views do, through discussions.permissions: a page asks many times)."""
        if user is None or not user.is_authenticated:
            return None
        memo = self.__dict__.get("_membership_memo")
        if memo is None:
            return self.memberships.filter(user=user).first()
        if user.pk not in memo:
            memo[user.pk] = self.memberships.filter(user=user).first()
        return memo[user.pk]

    def remember_memberships(self) -> Club:
        self.__dict__["_membership_memo"] = {}
        return self

    def forget_memberships(self) -> None:
        if "_membership_memo" in self.__dict__:
            self.__dict__["_membership_memo"] = {}

    def is_member(self, user) -> bool:
        return self.membership_for(user) is not None

    def admits_organiser(self, user) -> bool:
        """Whether this club lets one of its organisers act as one now: a private club
        that asks for two-factor authentication waits until they have turned it on."""
        needs = self.organisers_need_two_factor and not self.is_public
        return not needs or user.has_two_factor

    def is_organiser(self, user) -> bool:
        """True for this club's organisers (site staff are handled by User.can_organise)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        membership = self.membership_for(user)
        return membership is not None and membership.role == Membership.Role.ORGANISER

    def is_owner(self, user) -> bool:
        return bool(user and user.is_authenticated and self.owner_id == user.pk)

    def books_read(self, now=None):
        """Books the club has read: those of its past meetings (cancelled ones aside), the
        latest first. The one place the rule lives: nominations refuse these books, and the
        club's "Books we've read" list shows them, so that list fills itself."""
        from catalog.models import Book
        from discussions.models.meetings import Meeting

        past = Meeting.objects.filter(club=self).past(now).active()
        return (
            Book.objects.filter(meetings__in=past.order_by())
            .annotate(read_on=models.Max("meetings__ends_at"))
            .order_by("-read_on", "pk")
        )


class MembershipQuerySet(models.QuerySet):
    def with_club(self, slug: str, user) -> Membership | None:
        """The member's membership of the club with this slug, with the club."""
        return self.select_related("club").filter(club__slug=slug, user=user).first()


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", "Organiser"
        MEMBER = "member", "Member"

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="club_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["club", "user"], name="membership_once_per_club"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.club} ({self.role})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget_on_club()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget_on_club()
        return result

    def _forget_on_club(self) -> None:
        # The club instance a view holds may have memoised the old membership.
        club = self._state.fields_cache.get("club")
        if club is not None:
            club.forget_memberships()

    @property
    def is_organiser(self) -> bool:
        return self.role == self.Role.ORGANISER

    @staticmethod
    def sole_organiser_id(memberships: list[Membership]) -> int | None:
        """The one organiser among a club's `memberships` (None when there are several)."""
        organisers = [m.pk for m in memberships if m.is_organiser]
        return organisers[0] if len(organisers) == 1 else None


class JoinRequest(models.Model):
    """Someone asking to join a by-request club; organisers work through the pending queue."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="club_join_requests"
    )
    message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "user"],
                condition=Q(status="pending"),
                name="join_request_one_pending_per_user",
                violation_error_message=(
                    "You have already asked to join; an organiser will decide soon."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.club} ({self.status})"


def _new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """A shareable join link; revoking it stops new joins through it at once."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True, default=_new_invite_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite to {self.club}"

    def get_absolute_url(self) -> str:
        return reverse(
            "discussions:invite_accept", kwargs={"slug": self.club.slug, "token": self.token}
        )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
