"""Discussions models, one module per feature."""

from discussions.models.contributions import ContentNotice, NoticeSecond, Quote, Summary
from discussions.models.notifications import Notification
from discussions.models.ratings import AgeVote, Rating
from discussions.models.threads import Comment, CommentRevision, Flag, Follow, Thread

__all__ = [
    "AgeVote",
    "Comment",
    "CommentRevision",
    "ContentNotice",
    "Flag",
    "Follow",
    "Notification",
    "NoticeSecond",
    "Quote",
    "Rating",
    "Summary",
    "Thread",
]
