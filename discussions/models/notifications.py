"""In-app notifications: replies, mentions, followed threads, and news about meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        """The user's notifications about things they can still see.

        Someone who left a private club keeps their old rows, but they must not
        reveal that club's meetings or discussion any more.
        """
        from discussions.models.clubs import Club, Membership

        mine = self.filter(recipient=user)
        if user.is_active and user.is_staff:
            return mine
        public = Club.Visibility.PUBLIC
        # EXISTS rather than a join: a join on memberships would repeat rows.
        belongs = Membership.objects.filter(user=user)
        return mine.filter(
            Q(comment__thread__book__isnull=False)
            | Q(comment__thread__meeting__club__visibility=public)
            | Q(Exists(belongs.filter(club=OuterRef("comment__thread__meeting__club"))))
            | Q(comment__thread__question__club__visibility=public)
            | Q(Exists(belongs.filter(club=OuterRef("comment__thread__question__club"))))
            | Q(meeting__club__visibility=public)
            | Q(Exists(belongs.filter(club=OuterRef("meeting__club"))))
            # Sent only to the club's organisers and to the member who asked.
            | Q(join_request__isnull=False)
        )


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "replied to your comment"
        MENTION = "mention", "mentioned you"
        THREAD = "thread", "commented in a thread you follow"
        MEETING_CHANGED = "meeting_changed", "A meeting you answered changed"
        MEETING_POSTPONED = "postponed", "A meeting you answered was postponed"
        MEETING_CANCELLED = "cancelled", "A meeting you answered was cancelled"
        PROMOTED = "promoted", "A seat came free for you"
        RECAP = "recap", "The recap of a meeting you went to is out"
        JOIN_REQUESTED = "join_requested", "asked to join"
        JOIN_APPROVED = "join_approved", "Your request to join was approved"
        JOIN_DECLINED = "join_declined", "Your request to join was declined"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    comment = models.ForeignKey(
        "discussions.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Meeting news (changed, cancelled, a seat for you) is about a meeting, not a comment.
    meeting = models.ForeignKey(
        "discussions.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A request to join a by-request club: news for its organisers, then for the asker.
    join_request = models.ForeignKey(
        "discussions.JoinRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What changed, e.g. "start time, place": the meeting row only holds the new state.
    detail = models.CharField(max_length=255, blank=True, default="")
    # The line as it read when sent ("Postponed: Part One"): the meeting row moves on, and
    # news must keep saying what happened then. Empty on rows from before it was stored.
    headline = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "comment"], name="notification_once_per_comment"
            ),
            models.CheckConstraint(
                condition=(
                    Q(comment__isnull=False, meeting__isnull=True, join_request__isnull=True)
                    | Q(comment__isnull=True, meeting__isnull=False, join_request__isnull=True)
                    | Q(comment__isnull=True, meeting__isnull=True, join_request__isnull=False)
                ),
                name="notification_about_one_thing",
                violation_error_message=(
                    "A notification is about one comment, meeting or join request."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def meeting_headline(cls, *, kind: str, title: str, detail: str = "") -> str:
        """What a piece of meeting news says, fixed when it is sent."""
        if kind == cls.Kind.PROMOTED:
            return f"A seat came free for you: {title}"
        if kind == cls.Kind.MEETING_CANCELLED:
            return f"Cancelled: {title}"
        if kind == cls.Kind.MEETING_POSTPONED:
            return f"Postponed: {title}"
        if kind == cls.Kind.RECAP:
            return f"Recap out: {title}"
        changed = f" ({detail})" if detail else ""
        return f"Changed: {title}{changed}"

    @property
    def text(self) -> str:
        """One line for the list: who did what, or what happened to which meeting."""
        if self.headline:
            return self.headline
        if self.meeting_id:
            if self.kind == self.Kind.PROMOTED:
                return f"A seat came free for you: {self.meeting.title}"
            if self.meeting.is_cancelled:
                return f"Cancelled: {self.meeting.title}"
            changed = f" ({self.detail})" if self.detail else ""
            return f"Changed: {self.meeting.title}{changed}"
        return f"{self.comment.author_name} {self.get_kind_display()}"

    @classmethod
    def join_headline(cls, *, kind: str, join_request) -> str:
        club = join_request.club.name
        if kind == cls.Kind.JOIN_REQUESTED:
            return f"{join_request.user.public_name} asked to join {club}"
        if kind == cls.Kind.JOIN_APPROVED:
            return f"Welcome: your request to join {club} was approved"
        return f"Your request to join {club} was declined"

    def get_target_url(self) -> str:
        if self.join_request_id:
            club = self.join_request.club
            if self.kind == self.Kind.JOIN_REQUESTED:
                return reverse("discussions:club_manage", kwargs={"slug": club.slug})
            return club.get_absolute_url()
        if self.meeting_id:
            return self.meeting.get_absolute_url()
        return self.comment.get_absolute_url()
