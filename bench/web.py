"""A small HTTP client for simulated members: keep-alive connections and a cookie jar.

Standard library only, so the bench adds no dependency, and every timeout is explicit: a
request that hangs is reported as a hang instead of stalling the run.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

IDLE_REUSE_LIMIT = 3.0  # seconds; below gunicorn's --keep-alive=5


@dataclass
class Reply:
    status: int | None  # None: no answer (connection error or timeout)
    location: str
    body: bytes
    seconds: float
    error: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # names lowercased

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One member's view of the site across one or more app processes (ports)."""

    def __init__(self, ports: list[int], *, timeout: float = 15, cookies: dict | None = None):
        self.ports = ports
        self.timeout = timeout
        self.cookies: dict[str, str] = dict(cookies or {})
        self._connections: dict[int, http.client.HTTPConnection] = {}
        self._last_used: dict[int, float] = {}
        self._turn = 0

    def _next_port(self) -> int:
        port = self.ports[self._turn % len(self.ports)]
        self._turn += 1
        return port

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        port: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        port = port or self._next_port()
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.monotonic()
        # Never reuse a connection the server may be closing: gunicorn drops idle keep-alive
        # connections after 5 s, and a write sent into that race would be reported as lost.
        if time.monotonic() - self._last_used.get(port, 0.0) > IDLE_REUSE_LIMIT:
            self.close(port)
        try:
            connection = self._connections.get(port)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
                self._connections[port] = connection
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close(port)
            return Reply(None, "", b"", time.monotonic() - started, error=repr(error))
        self._last_used[port] = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.close(port)
        location = response.headers.get("Location", "")
        seconds = time.monotonic() - started
        answered = {name.lower(): value for name, value in response.headers.items()}
        return Reply(response.status, location, content, seconds, headers=answered)

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict[str, str], **kwargs) -> Reply:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request("POST", path, body=urlencode(fields).encode(), **kwargs)

    def close(self, port: int | None = None) -> None:
        ports = [port] if port else list(self._connections)
        for key in ports:
            connection = self._connections.pop(key, None)
            if connection:
                connection.close()
