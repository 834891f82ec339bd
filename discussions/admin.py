"""Admin: a moderation queue of flagged comments plus the community contributions."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize

from discussions.models import (
    AgeVote,
    Comment,
    ContentNotice,
    Flag,
    MemberAddedBook,
    Notification,
    Quote,
    Rating,
    Summary,
    Thread,
)
from discussions.services.comments import comments_moderate_in_bulk, flags_dismiss


class OpenFlagsFilter(admin.SimpleListFilter):
    title = "open flags"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged, not yet reviewed"), ("no", "No open flags")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_flags__gt=0)
        if self.value() == "no":
            return queryset.filter(open_flags=0)
        return queryset


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    readonly_fields = ["reporter", "reason", "note", "created_at", "resolved_at"]
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: filter by open flags, hide or restore in bulk."""

    # What a moderator decides on first, and a short excerpt: at 1280 px the flags and
    # hidden columns sat past the table's edge behind an 80-character excerpt.
    list_display = [
        "pk",
        "open_flags",
        "is_hidden",
        "author_name",
        "excerpt",
        "thread",
        "created_at",
    ]
    list_filter = [OpenFlagsFilter, "is_hidden"]
    search_fields = ["body", "author__username", "imported_handle"]
    raw_id_fields = ["thread", "parent", "root", "author"]
    readonly_fields = ["path", "reply_count", "body_html", "edited_at", "deleted_at", "hidden_at"]
    inlines = [FlagInline]
    actions = ["hide", "restore"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author", "thread__book")
            .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
            .order_by("-open_flags", "-created_at")
        )

    @admin.display(ordering="open_flags")
    def open_flags(self, obj) -> int:
        return obj.open_flags

    @admin.display(description="comment")
    def excerpt(self, obj) -> str:
        return obj.body[:60]

    @admin.action(description="Hide selected comments (resolves their flags)")
    def hide(self, request, queryset):
        self._moderate(request, queryset, hide=True)

    @admin.action(description="Restore selected comments (resolves their flags)")
    def restore(self, request, queryset):
        self._moderate(request, queryset, hide=False)

    def _moderate(self, request, queryset, *, hide: bool) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = comments_moderate_in_bulk(comment_ids=ids, hide=hide)
        done = "hidden" if hide else "restored"
        self.message_user(request, f"{changed} comment{pluralize(changed)} {done}.")


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["comment", "reporter"]
    actions = ["dismiss"]

    @admin.action(description="Dismiss selected flags (leave the comments as they are)")
    def dismiss(self, request, queryset):
        dismissed = flags_dismiss(flag_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{dismissed} flag{pluralize(dismissed)} dismissed.")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_locked", "created_at"]
    list_filter = ["is_locked"]
    raw_id_fields = ["book", "meeting"]


@admin.register(Rating, AgeVote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "imported_handle", "source", "created_at"]
    raw_id_fields = ["book", "user"]


@admin.register(Summary, ContentNotice, Quote)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at"]
    raw_id_fields = ["book", "author"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "comment", "meeting", "created_at", "read_at"]
    raw_id_fields = ["recipient", "comment", "meeting"]


@admin.register(MemberAddedBook)
class MemberAddedBookAdmin(admin.ModelAdmin):
    """Books members brought in by importing: staff check them and tick "curated"."""

    list_display = ["book", "provenance", "added_by", "created_at", "curated"]
    list_filter = ["curated"]
    list_editable = ["curated"]
    search_fields = ["book__title", "provenance"]
    raw_id_fields = ["book", "added_by"]
