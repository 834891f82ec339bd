"""Load with integrity: simulated members write through two app processes at once.

Each member is one thread with its own signed-in session, alternating between the processes
(so sessions, CSRF and counters must be shared through Redis and PostgreSQL), writing
sequentially and recording exactly what each answer told it. Afterwards every write action
checks the database against those records.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field

from bench.actions import Attempt, WriteAction
from bench.web import Browser


@dataclass
class LoadRun:
    attempts: list[Attempt] = field(default_factory=list)
    setup_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0  # monotonic


def sign_in(usernames: list[str]) -> dict[str, str]:
    """Session cookies created in-process (sessions live in the shared Redis cache).

    Logging 50 members in through the form would spend 50 deliberate password hashings and
    trip the per-address log-in limit; the form itself is exercised by the throughput phase.
    """
    from django.test import Client

    from bookclub.accounts.models import User

    sessions = {}
    for user in User.objects.filter(username__in=usernames):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies["sessionid"].value
    return sessions


def _member(
    run: LoadRun,
    *,
    member: str,
    index: int,
    session: str,
    ports: list[int],
    actions: list[WriteAction],
    facts: dict[str, str],
    seed: int,
    run_id: str,
    seconds: float,
    keep_going,
    lock: threading.Lock,
    ready: threading.Barrier,
    go: threading.Event,
) -> None:
    rng = random.Random(f"{seed}:writer:{member}")
    browser = Browser(ports, cookies={"sessionid": session})
    for action in actions:
        if action.form_path:
            reply = browser.get(action.form_path.format(**facts))
            if reply.status != 200:
                with lock:
                    run.setup_problems.append(f"{member}: {action.form_path} -> {reply.status}")
    # Every member is signed in and holds a CSRF cookie before the clock (and any fault) starts.
    ready.wait()
    go.wait()
    until = run.started + seconds
    weights = [action.weight for action in actions]
    seq = 0
    while time.monotonic() < until or (keep_going and keep_going()):
        action = rng.choices(actions, weights)[0]
        seq += 1
        token = f"{run_id}-{index}-{seq}"
        port = ports[seq % len(ports)]
        started = time.monotonic() - run.started
        path, fields = action.request(facts, member, token, rng)
        reply = browser.post(path, fields, port=port)
        attempt = Attempt(
            action=action.name,
            member=member,
            token=token,
            seq=seq,
            port=port,
            started=started,
            seconds=reply.seconds,
            status=reply.status,
            error=reply.error,
            acknowledged=action.acknowledged(reply),
            signed_out="/accounts/login/" in reply.location,
        )
        with lock:
            run.attempts.append(attempt)
        time.sleep(rng.uniform(0.02, 0.2))  # a member reads a little between writes
    browser.close()


def run_load(
    *,
    ports: list[int],
    members: list[str],
    actions: list[WriteAction],
    facts: dict[str, str],
    seconds: float,
    seed: int,
    on_start=None,
    keep_going=None,
) -> LoadRun:
    """Run the writers for `seconds`, and on while `keep_going()` (a fault still under way).

    `on_start(started)` lets a fault injector join in at the start.
    """
    sessions = sign_in(members)
    run = LoadRun()
    run_id = secrets.token_hex(3)
    lock = threading.Lock()
    ready, go = threading.Barrier(len(members) + 1), threading.Event()
    threads = [
        threading.Thread(
            target=_member,
            name=f"member-{member}",
            kwargs={
                "run": run,
                "member": member,
                "index": index,
                "session": sessions[member],
                "ports": ports,
                "actions": actions,
                "facts": facts,
                "seed": seed,
                "run_id": run_id,
                "seconds": seconds,
                "keep_going": keep_going,
                "lock": lock,
                "ready": ready,
                "go": go,
            },
            daemon=True,
        )
        for index, member in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=300)
    run.started = time.monotonic()
    go.set()
    if on_start:
        on_start(run.started)
    for thread in threads:
        thread.join(timeout=seconds + 120)
    run.seconds = time.monotonic() - run.started
    return run


def save(run: LoadRun, outage, path) -> None:
    """Every attempt (and outage probe) as JSON lines, for digging into a failed check."""
    with open(path, "w") as out:
        for attempt in run.attempts:
            out.write(json.dumps({"kind": "write", **asdict(attempt)}) + "\n")
        for probe in outage.probes if outage else []:
            out.write(json.dumps({"kind": "probe", **asdict(probe)}) + "\n")
        if outage:
            summary = {"down_at": outage.down_at, "up_at": outage.up_at}
            out.write(json.dumps({"kind": "outage", **summary, "window": outage.window}) + "\n")
