"""Throughput and latency with wrk, one endpoint at a time, against one gunicorn server.

Every run uses the same Lua script, so the per-response bookkeeping (status counts, bounces
to the login page) costs every endpoint the same. The script's done() prints the figures in
a machine-readable form; the human `--latency` table goes to the log.

A write is measured as members make it: the script cycles through a list of (path, body)
posts drawn from the write action (a comment is a new comment or a reply to some comment, an
RSVP changes its answer), not one post replayed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.environment import LOG_DIR

DEFAULT_CONNECTIONS = 8  # two workers x four threads: every connection served at once
DEFAULT_THREADS = 1  # one wrk thread leaves the second core to the server

LUA = r"""
local threads = {}
local method, placeholder = %(method)s, %(placeholder)s
local posts = {%(posts)s}  -- {path, body} pairs, taken in turn

function setup(thread) table.insert(threads, thread) end

function init(args)
  statuses = {}
  bounced = 0
  counter = 0
end

function request()
  if method == "GET" then return wrk.format("GET") end
  counter = counter + 1
  local post = posts[(counter - 1) %% #posts + 1]
  return wrk.format("POST", post[1], nil, (string.gsub(post[2], placeholder, tostring(counter))))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local location = headers["Location"] or headers["location"]
  if location and string.find(location, "/accounts/login/", 1, true) then
    bounced = bounced + 1
  end
end

function done(summary, latency, requests)
  local totals, bounces = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    bounces = bounces + thread:get("bounced")
  end
  local out = function(key, value) io.write(string.format("BENCH %%s %%d\n", key, value)) end
  for status, count in pairs(totals) do out("status " .. status, count) end
  local e = summary.errors
  out("requests", summary.requests)
  out("duration_us", summary.duration)
  out("socket_errors", e.connect + e.read + e.write + e.timeout)
  out("bounced", bounces)
  out("p50_us", latency:percentile(50))
  out("p99_us", latency:percentile(99))
end
"""


@dataclass
class WrkResult:
    name: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: int = 0
    bounced: int = 0

    @property
    def failures(self) -> int:
        """Answers that were not 2xx/3xx, lost connections, and bounces to the log-in page."""
        bad = sum(count for status, count in self.statuses.items() if status >= 400)
        return bad + self.socket_errors + self.bounced


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return path


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(
    name: str,
    url: str,
    *,
    seconds: float,
    headers: dict[str, str] | None = None,
    posts: list[tuple[str, str]] | None = None,
    placeholder: str = "WRKCOUNTER",
    connections: int = DEFAULT_CONNECTIONS,
    threads: int = DEFAULT_THREADS,
) -> WrkResult:
    """wrk against url: GET it, or POST each of posts' (path, body) in turn."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    script = LOG_DIR / f"wrk-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.lua"
    script.write_text(
        LUA
        % {
            "method": _lua_string("POST" if posts else "GET"),
            "posts": ", ".join(
                f"{{{_lua_string(path)}, {_lua_string(body)}}}" for path, body in posts or []
            ),
            "placeholder": _lua_string(placeholder),
        }
    )
    command = [
        ensure_wrk(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
    ]
    all_headers = {"Host": "127.0.0.1", **(headers or {})}
    if posts:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    for key, value in all_headers.items():
        command += ["--header", f"{key}: {value}"]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        raise RuntimeError(f"wrk failed for {name}: {completed.stderr or completed.stdout}")
    output = completed.stdout
    with (LOG_DIR / "wrk.log").open("a") as log:
        log.write(f"== {name} {url}\n{output}\n")
    return parse(name, output)


def parse(name: str, output: str) -> WrkResult:
    result = WrkResult(name)
    duration_us = 0
    for line in output.splitlines():
        parts = line.split()
        if not parts or parts[0] != "BENCH":
            continue
        key, values = parts[1], [int(v) for v in parts[2:]]
        if key == "status":
            result.statuses[values[0]] = values[1]
        elif key == "requests":
            result.requests = values[0]
        elif key == "duration_us":
            duration_us = values[0]
        elif key == "socket_errors":
            result.socket_errors = values[0]
        elif key == "bounced":
            result.bounced = values[0]
        elif key == "p50_us":
            result.p50_ms = values[0] / 1000
        elif key == "p99_us":
            result.p99_ms = values[0] / 1000
    if duration_us:
        result.rps = result.requests / (duration_us / 1e6)
    return result


def clean_scripts() -> None:
    for path in Path(LOG_DIR).glob("wrk-*.lua"):
        path.unlink()
