"""Faults: stop PostgreSQL, or Redis, in the middle of a load, start it again, and watch what
members and load balancers see meanwhile.

Each is started again in a `finally`, and run.py checks both once more at exit, so a failed
or interrupted run never leaves the machine without its database or the bench's cache.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from bench.postgres import CLUSTER
from bench.redis_server import REDIS
from bench.web import Browser, Reply

HANG_LIMIT = 5.0  # seconds: an answer slower than this during the outage counts as a hang
RECOVERY_LIMIT = 20.0  # seconds after PostgreSQL is back for every process to serve again
REDIS_AFTER = 3.0  # seconds of pages read after Redis is back: it comes back empty
SIGNED_IN_MARK = "Log out"  # the header's button: on every page a signed-in member reads


class FaultThread:
    """A fault run on a thread of its own from the load's start (`_run`), its times in
    seconds since then. Mixed into the dataclasses below, which hold `started` and `_thread`."""

    started: float
    _thread: threading.Thread | None

    def now(self) -> float:
        return time.monotonic() - self.started

    def start(self, started: float) -> None:
        self.started = started
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()

    def join(self) -> None:
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        raise NotImplementedError


@dataclass
class Probe:
    at: float
    port: int
    path: str
    status: int | None
    seconds: float


@dataclass
class Outage(FaultThread):
    """Stops PostgreSQL `delay` seconds into the load for `hold` seconds, then starts it."""

    ports: list[int]
    delay: float
    hold: float
    page_path: str  # a database-backed page a visitor reads
    started: float = 0.0  # load start (monotonic), set by start()
    down_at: float | None = None
    up_at: float | None = None
    recovered_at: dict[int, float] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    error: str = ""
    _thread: threading.Thread | None = None

    def running(self) -> bool:
        """Until recovery plus a few seconds, so writes after the outage are checked too."""
        return self._thread is not None and (
            self._thread.is_alive() or self.now() < (self.window or (0, 0))[1] + 3
        )

    @property
    def window(self) -> tuple[float, float] | None:
        """When 503s are allowed: from the stop until every process served again (+1 s)."""
        if self.down_at is None:
            return None
        end = max(self.recovered_at.values(), default=self.now())
        return self.down_at, end + 1.0

    def _probe(self, browser: Browser, port: int, path: str) -> Probe:
        at = self.now()
        reply = browser.get(path, port=port)
        probe = Probe(at, port, path, reply.status, reply.seconds)
        self.probes.append(probe)
        return probe

    def _probe_round(self, browser: Browser) -> None:
        for port in self.ports:
            self._probe(browser, port, "/healthz")
            self._probe(browser, port, self.page_path)

    def _run(self) -> None:
        browser = Browser(self.ports, timeout=30)
        try:
            time.sleep(self.delay)
            self.down_at = self.now()
            CLUSTER.ctl("stop", "--mode=fast")
            held_until = self.now() + self.hold
            while self.now() < held_until:
                self._probe_round(browser)
                time.sleep(0.2)
            CLUSTER.ctl("start")
            self.up_at = self.now()
        except Exception as error:  # noqa: BLE001 - reported, and the finally restores the database
            self.error = repr(error)
        finally:
            CLUSTER.ensure_up()
            if self.up_at is None:
                self.up_at = self.now()
        deadline = self.up_at + RECOVERY_LIMIT
        while len(self.recovered_at) < len(self.ports) and self.now() < deadline:
            for port in self.ports:
                if port in self.recovered_at:
                    continue
                health = self._probe(browser, port, "/healthz")
                page = self._probe(browser, port, self.page_path)
                if health.status == 200 and page.status == 200:
                    self.recovered_at[port] = self.now()
            time.sleep(0.2)
        browser.close()


@dataclass
class PageProbe:
    """One GET during the Redis outage phase, and whether it showed what it should."""

    at: float
    port: int
    page: str
    status: int | None
    seconds: float
    signed_in: bool
    signed_out: bool  # a signed-in reader's page without "Log out", or sent to log in
    content_ok: bool  # 200 with the page's expected text (or a 304 to a revalidation)


@dataclass
class Sighting:
    viewer: str
    at: float
    redis_down: bool
    shown: bool  # the comment is on the page the viewer is shown
    from_cache: bool  # a 304: the viewer was shown the copy it held


@dataclass
class Posted:
    """A comment the staleness check posted, and every later look at the page showing it."""

    label: str
    token: str
    at: float
    status: int | None
    acknowledged: bool
    location: str  # where a redirect sent the member
    sightings: list[Sighting] = field(default_factory=list)


@dataclass
class Viewer:
    """A reader of one page with a browser's HTTP cache: it revalidates with its ETag, and a
    304 shows it the copy it holds, so a stale 304 hides a new comment as it would here."""

    name: str
    browser: Browser
    signed_in: bool
    etag: str = ""
    body: bytes = b""

    def look(self, path: str, port: int) -> tuple[Reply, bytes]:
        """GET path as a browser would: what it answered, and the page the reader is shown."""
        conditional = {"If-None-Match": self.etag} if self.etag else {}
        reply = self.browser.get(path, port=port, headers=conditional)
        if reply.status == 304:
            return reply, self.body
        if reply.status == 200:
            self.etag, self.body = reply.headers.get("etag", ""), reply.body
        return reply, reply.body


@dataclass
class RedisOutage(FaultThread):
    """Stops the bench's Redis `delay` seconds into the load for `hold` seconds, then starts it.

    Meanwhile it reads `pages` ((name, path, expected text, signed in)) on every process as a
    visitor and as a signed-in member, and checks for staleness: a member posts a comment
    while Redis is down and another right after it is back, and a visitor and another member
    must see each on their very next GET of `comment_page` and on every one after.
    """

    ports: list[int]
    delay: float
    hold: float
    pages: list[tuple[str, str, str, bool]]
    comment_path: str  # where the member posts (formatted)
    comment_page: str  # the page that shows the comment, newest first (formatted)
    writer_session: str  # session cookies, created before the load
    reader_session: str
    started: float = 0.0
    down_at: float | None = None
    up_at: float | None = None
    finished_at: float | None = None
    probes: list[PageProbe] = field(default_factory=list)
    posted: list[Posted] = field(default_factory=list)
    error: str = ""
    _thread: threading.Thread | None = None
    _turn: int = 0

    def running(self) -> bool:
        """Until the reads after Redis is back are done: the writers keep writing till then."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def window(self) -> tuple[float, float] | None:
        """From the stop until the end of the reads after Redis is back: no error allowed."""
        if self.down_at is None:
            return None
        return self.down_at, self.finished_at or self.now()

    def _record(self, viewer: Viewer, page: str, reply: Reply, shown: bytes, expect: str, port):
        text = shown.decode("utf-8", "replace")
        answered = reply.status == 200 or (reply.status == 304 and bool(viewer.body))
        self.probes.append(
            PageProbe(
                self.now() - reply.seconds,
                port,
                page,
                reply.status,
                reply.seconds,
                signed_in=viewer.signed_in,
                # An error page is counted as an error, not as a sign-out.
                signed_out=viewer.signed_in
                and (
                    "/accounts/login/" in reply.location
                    or (answered and SIGNED_IN_MARK not in text)
                ),
                content_ok=answered and expect in text,
            )
        )

    def _probe_round(self, visitor: Viewer, member: Viewer) -> None:
        for port in self.ports:
            for name, path, expect, signed_in in self.pages:
                viewer = member if signed_in else visitor
                reply = viewer.browser.get(path, port=port)
                self._record(viewer, name, reply, reply.body, expect, port)

    def _look(self, viewers: list[Viewer]) -> None:
        """Each viewer reads the comment page once; every comment posted so far must be on it."""
        down = self.down_at is not None and self.up_at is None
        for viewer in viewers:
            port = self.ports[self._turn % len(self.ports)]
            self._turn += 1
            reply, shown = viewer.look(self.comment_page, port)
            self._record(viewer, f"comment page ({viewer.name})", reply, shown, "", port)
            for posted in self.posted:
                if posted.acknowledged:
                    seen = posted.token.encode() in shown
                    cached = reply.status == 304
                    posted.sightings.append(Sighting(viewer.name, self.now(), down, seen, cached))

    def _post(self, member: Viewer, label: str) -> None:
        token = f"redis-{secrets.token_hex(4)}"
        at = self.now()
        reply = member.browser.post(self.comment_path, {"body": f"Redis outage check {token}"})
        acknowledged = (
            reply.status is not None
            and 200 <= reply.status < 400
            and "/accounts/login/" not in reply.location
        )
        self.posted.append(Posted(label, token, at, reply.status, acknowledged, reply.location))

    def _run(self) -> None:
        visitor = Viewer("visitor", Browser(self.ports, timeout=30), signed_in=False)
        member, reader = (
            Viewer(name, Browser(self.ports, timeout=30, cookies={"sessionid": session}), True)
            for name, session in (
                ("member", self.writer_session),
                ("another member", self.reader_session),
            )
        )
        try:
            time.sleep(self.delay)
            # Before: the viewers hold the page as it was (and its ETag), the member a CSRF cookie.
            member.browser.get(self.comment_page)
            self._look([visitor, reader])
            self.down_at = self.now()
            REDIS.stop()
            self._post(member, "posted while Redis was down")
            held_until = self.down_at + self.hold
            while self.now() < held_until:
                self._probe_round(visitor, member)
                self._look([visitor, reader])
                time.sleep(0.2)
            REDIS.ensure_up()
            self.up_at = self.now()
        except Exception as error:  # noqa: BLE001 - reported, and the finally restores Redis
            self.error = repr(error)
        finally:
            REDIS.ensure_up()
            if self.up_at is None:
                self.up_at = self.now()
        self._look([visitor, reader])  # the first GETs after Redis is back
        self._post(member, "posted after Redis was back")
        self._look([visitor, reader])  # the very next GETs after that write
        while self.now() < self.up_at + REDIS_AFTER:
            self._probe_round(visitor, member)
            self._look([visitor, reader])
            time.sleep(0.2)
        self.finished_at = self.now()
        for viewer in (visitor, member, reader):
            viewer.browser.close()
