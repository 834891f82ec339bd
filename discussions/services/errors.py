class DiscussionError(Exception):
    """A rule stops this action; the message is shown to the member."""

    status = 400


class NotAllowed(DiscussionError):
    status = 403
