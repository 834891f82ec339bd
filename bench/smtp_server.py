"""A mail server the bench controls: it counts every message delivered to it, and its
listener can be closed and opened again, so the mail server "refuses connections" for real.

Standard library only (asyncio, on a thread of its own): enough SMTP for smtplib and
Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). Closing the listener
leaves sessions already under way to finish, as a mail server being restarted gracefully
does; new connections are refused until it listens again.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser


@dataclass
class Delivered:
    at: float  # monotonic
    message_id: str
    to: str


@dataclass
class MailServer:
    port: int
    host: str = "127.0.0.1"
    delivered: list[Delivered] = field(default_factory=list)
    refused_since: float | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> MailServer:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp", daemon=True)
        self._thread.start()
        self.accept()
        return self

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def accept(self) -> None:
        """Listen (again): connections are answered from now on."""

        async def listen():
            self._server = await asyncio.start_server(
                self._session, self.host, self.port, reuse_address=True
            )
            self.port = self._server.sockets[0].getsockname()[1]  # port 0: the one given

        self._call(listen())
        self.refused_since = None

    def refuse(self) -> None:
        """Close the listener: every new connection is refused until accept()."""

        async def close():
            self._server.close()
            await self._server.wait_closed()

        self.refused_since = time.monotonic()
        self._call(close())

    def stop(self) -> None:
        if self._loop is None:
            return
        if self.refused_since is None:
            self.refuse()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop = None

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        async def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await say("220 bench.smtp ready")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    await say("250 bench.smtp")
                elif verb == b"DATA":
                    await say("354 end with <CRLF>.<CRLF>")
                    self._record(await self._read_data(reader))
                    await say("250 queued")
                elif verb == b"QUIT":
                    await say("221 bye")
                    break
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    await say("250 ok")
                else:
                    await say("502 not implemented")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    @staticmethod
    async def _read_data(reader: asyncio.StreamReader) -> bytes:
        lines = []
        while (line := await reader.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # dot-stuffing
        return b"".join(lines)

    def _record(self, data: bytes) -> None:
        headers = BytesHeaderParser().parsebytes(data)
        self.delivered.append(
            Delivered(time.monotonic(), headers.get("Message-ID", ""), headers.get("To", ""))
        )
