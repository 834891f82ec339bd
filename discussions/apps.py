from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

COMMUNITY_MODELS = (
    "Comment",
    "Thread",
    "Rating",
    "AgeVote",
    "Summary",
    "ContentNotice",
    "NoticeSecond",
    "Quote",
)
CLUB_MODELS = (
    "Club",
    "Membership",
    "Meeting",
    "ReadingSection",
    "Poll",
    "ClubRead",
    "ScheduledSection",
    "RotaRole",
    "RotaSlot",
    "Nomination",
    "NominationSecond",
)
# A club's question bank (discussions/models/questions.py).
QUESTION_MODELS = ("Question", "QuestionVote")
# What a member's profile shows of their library (read-throughs' dates are not on it).
LIBRARY_MODELS = ("Shelf", "ShelfEntry")
# A member's own choices, which discussions/viewer.py caches per member.
READER_MODELS = (
    "Rating",
    "AgeVote",
    "NoticeSecond",
    "Follow",
    "Flag",
    "RSVP",
    "ReadingProgress",
    "Shelf",
    "ShelfEntry",
    "ReadThrough",
    "ReadFollow",
    "QuestionVote",
    "PrivateNote",
)


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from catalog.importer import documents_stored
        from discussions.importing import stored

        documents_stored.connect(stored, dispatch_uid="discussions-seed-documents")
        # Cache invalidation only (discussions/cache.py): whatever writes these rows —
        # services, the admin, the importer — retires the versions that show them.
        from discussions.cache import (
            clubs_changed,
            community_row_changed,
            meeting_row_changed,
            question_row_changed,
            reader_row_changed,
            shelf_row_changed,
        )

        for name in COMMUNITY_MODELS:
            model = self.get_model(name)
            post_save.connect(community_row_changed, sender=model, dispatch_uid=f"cc-{name}")
            post_delete.connect(community_row_changed, sender=model, dispatch_uid=f"cd-{name}")
        for name in CLUB_MODELS:
            model = self.get_model(name)
            post_save.connect(clubs_changed, sender=model, dispatch_uid=f"kc-{name}")
            post_delete.connect(clubs_changed, sender=model, dispatch_uid=f"kd-{name}")
        for name in QUESTION_MODELS:
            model = self.get_model(name)
            post_save.connect(question_row_changed, sender=model, dispatch_uid=f"qc-{name}")
            post_delete.connect(question_row_changed, sender=model, dispatch_uid=f"qd-{name}")
        for name in LIBRARY_MODELS:
            model = self.get_model(name)
            post_save.connect(shelf_row_changed, sender=model, dispatch_uid=f"lc-{name}")
            post_delete.connect(shelf_row_changed, sender=model, dispatch_uid=f"ld-{name}")
        for name in READER_MODELS:
            model = self.get_model(name)
            post_save.connect(reader_row_changed, sender=model, dispatch_uid=f"rc-{name}")
            post_delete.connect(reader_row_changed, sender=model, dispatch_uid=f"rd-{name}")
        for name in ("RSVP", "Agenda"):
            model = self.get_model(name)
            post_save.connect(meeting_row_changed, sender=model, dispatch_uid=f"mc-{name}")
            post_delete.connect(meeting_row_changed, sender=model, dispatch_uid=f"md-{name}")
