"""The HTTP benchmark's load generator: keep-alive HTTP/1.1 over asyncio streams.

On this machine's two cores the load process shares the CPU with the server it measures and
with PostgreSQL. httpx spent about 3 ms of CPU per request building and parsing (more than
the api/ layer itself), CPU the server then lacked, so the figures measured the client as
much as the server. This client writes a request as one preformatted byte string and reads
the answer by its Content-Length: what wrk or a load balancer costs, not what a rich client
costs. It speaks only what the benchmark needs (JSON bodies, no chunked answers, no TLS).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One persistent connection; requests on it go one after the other."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Answer:
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        reused = self._streams is not None
        try:
            head, reader = await self._send(message)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            # A kept-alive connection the server closed while it was idle (uvicorn after
            # 5 s) answers nothing: sent again on a new one, as httpx does. Not when
            # part of an answer came (the request was read).
            partial = isinstance(error, asyncio.IncompleteReadError) and error.partial
            if not reused or partial:
                raise
            await self.close()
            head, reader = await self._send(message)
        status_line, *fields = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        length, close = 0, False
        for field in fields:
            name, _, value = field.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                raise ValueError(f"chunked answers are not read here: {status_line}")
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        answer = Answer(status, await reader.readexactly(length))
        if close:
            await self.close()
        return answer

    async def _send(self, message: bytes) -> tuple[bytes, asyncio.StreamReader]:
        """Write the request; the answer's status line and header fields, and where the
        body follows."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(message)
        return await reader.readuntil(b"\r\n\r\n"), reader

    async def close(self) -> None:
        if self._streams is not None:
            _, writer = self._streams
            self._streams = None
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


class Pool:
    """Connections for an open loop: a request takes an idle one or opens another, so as
    many are open as requests are in flight (the way httpx's pool did it)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._idle: list[Connection] = []
        self._all: list[Connection] = []

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Answer:
        if self._idle:
            connection = self._idle.pop()
        else:
            connection = Connection(self.base)
            self._all.append(connection)
        try:
            answer = await connection.request(method, path, headers, body)
        except BaseException:
            await connection.close()
            self._all.remove(connection)
            raise
        self._idle.append(connection)
        return answer

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()
