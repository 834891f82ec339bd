from discussions.models.clubs import Club, Invite, JoinRequest, Membership  # noqa: F401
from discussions.models.meetings import RSVP, Meeting, ReadingProgress, ReadingSection, Reminder  # noqa: F401
from discussions.models.polls import Ballot, BallotChoice, Candidate, Poll  # noqa: F401
