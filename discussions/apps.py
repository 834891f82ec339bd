from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        # Cache invalidation only (discussions/cache.py): whatever writes these rows —
        # services, the admin, the importer — retires the book's cached community.
        from discussions.cache import clubs_changed, community_row_changed

        for name in (
            "Comment",
            "Thread",
            "Rating",
            "AgeVote",
            "Summary",
            "ContentNotice",
            "NoticeSecond",
            "Quote",
        ):
            model = self.get_model(name)
            post_save.connect(community_row_changed, sender=model, dispatch_uid=f"cc-{name}")
            post_delete.connect(community_row_changed, sender=model, dispatch_uid=f"cd-{name}")
        for name in ("Club", "Membership", "Meeting", "ReadingSection"):
            model = self.get_model(name)
            post_save.connect(clubs_changed, sender=model, dispatch_uid=f"kc-{name}")
            post_delete.connect(clubs_changed, sender=model, dispatch_uid=f"kd-{name}")
        # A member's flagged comments are cached for their shared pages (personal.py).
        from discussions.personal import flag_row_changed

        flag = self.get_model("Flag")
        post_save.connect(flag_row_changed, sender=flag, dispatch_uid="flag-saved")
        post_delete.connect(flag_row_changed, sender=flag, dispatch_uid="flag-deleted")
        # A meeting's shared page follows its RSVPs and its discussion.
        from discussions.cache import meeting_row_changed

        for name in ("RSVP", "Thread", "Comment"):
            model = self.get_model(name)
            post_save.connect(meeting_row_changed, sender=model, dispatch_uid=f"mc-{name}")
            post_delete.connect(meeting_row_changed, sender=model, dispatch_uid=f"md-{name}")
        # The meeting page's cached reads of a member's progress and follows.
        from discussions.personal import follow_row_changed, progress_row_changed

        for name, handler in (
            ("ReadingProgress", progress_row_changed),
            ("Follow", follow_row_changed),
        ):
            model = self.get_model(name)
            post_save.connect(handler, sender=model, dispatch_uid=f"pc-{name}")
            post_delete.connect(handler, sender=model, dispatch_uid=f"pd-{name}")
