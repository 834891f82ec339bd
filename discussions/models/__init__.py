"""Discussions models, one module per feature."""

from discussions.models.agenda import Agenda
from discussions.models.clubs import Club, Invite, JoinRequest, Membership
from discussions.models.contributions import ContentNotice, NoticeSecond, Quote, Summary
from discussions.models.library import ReadThrough, Shelf, ShelfEntry
from discussions.models.library_imports import LibraryImport, MemberAddedBook, PrivateNote
from discussions.models.lists import BookList, ListItem, ReadingGoal
from discussions.models.meetings import RSVP, Meeting, ReadingProgress, ReadingSection, Reminder
from discussions.models.nominations import Nomination, NominationSecond
from discussions.models.notifications import Notification
from discussions.models.polls import Ballot, BallotChoice, Candidate, Poll
from discussions.models.questions import Question, QuestionVote
from discussions.models.ratings import AgeVote, Rating
from discussions.models.reads import ClubRead, ReadFollow, ScheduledSection
from discussions.models.rota import RotaRole, RotaSlot
from discussions.models.threads import Comment, CommentRevision, Flag, Follow, Thread

__all__ = [
    "ReadingGoal",
    "PrivateNote",
    "MemberAddedBook",
    "ListItem",
    "LibraryImport",
    "BookList",
    "RSVP",
    "AgeVote",
    "Agenda",
    "Ballot",
    "BallotChoice",
    "Candidate",
    "Club",
    "ClubRead",
    "Comment",
    "CommentRevision",
    "ContentNotice",
    "Flag",
    "Follow",
    "Invite",
    "JoinRequest",
    "Meeting",
    "Membership",
    "Nomination",
    "NominationSecond",
    "Notification",
    "NoticeSecond",
    "Poll",
    "Question",
    "QuestionVote",
    "Quote",
    "Rating",
    "ReadFollow",
    "ReadingProgress",
    "ReadThrough",
    "ReadingSection",
    "Reminder",
    "ScheduledSection",
    "RotaRole",
    "RotaSlot",
    "Shelf",
    "ShelfEntry",
    "Summary",
    "Thread",
]
