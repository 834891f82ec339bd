"""Email faults (issue #16): the mail server refusing connections, and the Celery worker
killed mid-batch and started again, each during a load of the writers.

Comments on a followed thread (bench.actions.FollowedComment) owe one email to each of its
followers; the bench's own mail server (bench/smtp_server.py) counts what arrives by
Message-ID, which the outbox derives from each email's idempotency key. After each load the
bench waits for the emails owed, then a while longer (two sweeps past the outbox's stale
time) so that a late second delivery is counted too: expected, sent, duplicated, lost.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from bench import dataset
from bench.actions import FollowedComment
from bench.celery_worker import STALE_SECONDS, SWEEP_SECONDS, CeleryProcess
from bench.faults import FaultThread
from bench.integrity import LoadRun
from bench.smtp_server import MailServer

AFTER = 3.0  # seconds the load goes on after a fault ends
BUSY_LIMIT = 20.0  # seconds to wait for the worker to be sending before killing it anyway
DRAIN_LIMIT = 180.0  # seconds after the load for every email owed to arrive
GRACE = STALE_SECONDS + 2 * SWEEP_SECONDS  # for a late duplicate, after the last one arrived


@dataclass
class EmailFault(FaultThread):
    """A fault `delay` seconds into the load, held `hold` seconds (or until recovered)."""

    name: str
    mail: MailServer
    delay: float
    hold: float
    started: float = 0.0  # load start (monotonic)
    down_at: float | None = None
    up_at: float | None = None
    error: str = ""
    _thread: threading.Thread | None = None

    def running(self) -> bool:
        """Until a few seconds after recovery, so requests right after it are seen too."""
        alive = self._thread is not None and self._thread.is_alive()
        return alive or (self.up_at is not None and self.now() < self.up_at + AFTER)

    @property
    def window(self) -> tuple[float, float] | None:
        if self.down_at is None:
            return None
        return self.down_at, self.up_at if self.up_at is not None else self.now()

    def _run(self) -> None:
        try:
            time.sleep(self.delay)
            self.inject()
        except Exception as error:  # noqa: BLE001 - reported; restore() puts things back
            self.error = repr(error)
        finally:
            self.restore()
            if self.up_at is None:
                self.up_at = self.now()

    def inject(self) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        raise NotImplementedError


@dataclass
class SmtpRefusal(EmailFault):
    """The mail server's listener closed: every connection refused for `hold` seconds."""

    def inject(self) -> None:
        self.down_at = self.now()
        self.mail.refuse()
        time.sleep(self.hold)
        self.mail.accept()
        self.up_at = self.now()

    def restore(self) -> None:
        if self.mail.refused_since is not None:
            self.mail.accept()


@dataclass
class WorkerKill(EmailFault):
    """SIGKILL to the worker while it is sending, down `hold` seconds, then started again
    (up_at: once it says it is ready)."""

    worker: CeleryProcess | None = None
    pending_at_kill: int = 0
    sent_before_kill: int = 0

    def inject(self) -> None:
        from django.db import connection

        from bookclub.outbox.models import OutboundEmail

        sending_by = self.now() + BUSY_LIMIT
        while self.now() < sending_by and not self._sending():
            time.sleep(0.02)
        self.sent_before_kill = sum(d.at >= self.started for d in self.mail.delivered)
        self.down_at = self.now()
        self.worker.kill()
        try:
            self.pending_at_kill = OutboundEmail.objects.pending().count()
        finally:
            connection.close()  # this thread's own connection
        time.sleep(self.hold)
        self.worker.start()
        self.up_at = self.now()

    def _sending(self) -> bool:
        last = self.mail.delivered[-1].at if self.mail.delivered else 0.0
        return time.monotonic() - last < 0.2

    def restore(self) -> None:
        if self.worker.process is None or self.worker.process.poll() is not None:
            self.worker.start()


@dataclass
class MailCount:
    expected: int
    sent: int  # emails owed that arrived (once or more)
    duplicated: int  # arrivals beyond the first, of any email in the load's time
    lost: int
    other: int  # arrivals owed by nothing this load posted (e.g. a seat came free)
    misaddressed: int
    waited: float  # seconds after the load until the last email owed arrived
    problems: list[str] = field(default_factory=list)


def owed_emails(action: FollowedComment, run: LoadRun) -> dict[str, str]:
    """Message-ID -> address of every email the load's stored comments owe."""
    from bookclub.accounts.models import User
    from bookclub.outbox.services import message_id

    if not run.attempts:
        return {}
    run_id = run.attempts[0].token.split("-")[0]
    followers = User.objects.filter(
        username__in=[dataset.member_username(i) for i in dataset.MAIL_FOLLOWERS]
    ).values_list("pk", "email")
    return {
        message_id(f"comment:{comment}:to:{user}"): address
        for comment in action.stored(run_id)
        for user, address in followers
    }


def drain(action: FollowedComment, run: LoadRun, mail: MailServer) -> MailCount:
    """Wait for every email the load owes (up to DRAIN_LIMIT), then GRACE, and count."""
    owed = owed_emails(action, run)
    ended = time.monotonic()
    deadline = ended + DRAIN_LIMIT

    def arrived() -> dict[str, str]:
        return {d.message_id: d.to for d in mail.delivered if d.at >= run.started}

    while not owed.keys() <= arrived().keys() and time.monotonic() < deadline:
        time.sleep(0.2)
    waited = time.monotonic() - ended
    time.sleep(GRACE)
    arrivals = [d for d in mail.delivered if d.at >= run.started]
    times = Counter(d.message_id for d in arrivals)
    seen = arrived()
    sent = [key for key in owed if key in seen]
    misaddressed = [key for key in sent if seen[key] != owed[key]]
    lost = [key for key in owed if key not in seen]
    return MailCount(
        expected=len(owed),
        sent=len(sent),
        duplicated=sum(count - 1 for count in times.values()),
        lost=len(lost),
        other=len(seen.keys() - owed.keys()),
        misaddressed=len(misaddressed),
        waited=waited,
        problems=[f"{key} never arrived" for key in lost[:3]]
        + [f"{key} arrived {times[key]} times" for key in times if times[key] > 1][:3]
        + [f"{key} went to {seen[key]}, owed to {owed[key]}" for key in misaddressed[:3]],
    )


def set_aside_owed_work() -> tuple[int, int]:
    """The earlier phases ran with no worker (their servers queue work nobody consumes):
    the fan-outs and emails they left owed are set aside, so the sweeper does not spend
    this phase on thousands of them and the counts are this phase's own."""
    from bookclub.outbox.models import OutboundEmail
    from discussions.models import Comment

    fan_outs = Comment.objects.filter(fan_out_pending=True).update(fan_out_pending=False)
    emails = OutboundEmail.objects.pending().update(
        status=OutboundEmail.Status.FAILED, last_error="Set aside by the bench (no worker ran)."
    )
    return fan_outs, emails
