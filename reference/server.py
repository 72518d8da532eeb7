"""The reference engine over HTTP, as ``contract/openapi.yaml`` binds the contract.

``GET /v1/metadata`` and ``POST /v1/decisions``; run it with ``python -m
policy_conformance.reference.server`` and point the kit at ``http:http://127.0.0.1:8000/v1``. Every
answer is JSON: a body the engine cannot read gets a 400 rejection, never a 500, so that the server
itself holds to the contract.

The server expects to be probed as hard as it probes: a request's headers and its body must each
arrive within a few seconds or the connection is closed, connections beyond a limit are refused,
and its log is written at a bounded rate, however many clients misbehave at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from . import decide, metadata
from .fhir_faces import fhir_routes

__all__ = [
    "BASE_PATH",
    "BODY_TIMEOUT",
    "HEADERS_TIMEOUT",
    "LOG_RECORDS_PER_SECOND",
    "MAX_CONNECTIONS",
    "MAX_NESTING",
    "MAX_REQUEST_BYTES",
    "app",
    "running",
    "serve",
]

#: Where the binding lives on the server; the adapter string is ``http:http://HOST:PORT/v1``.
BASE_PATH = "/v1"

#: The largest case the server reads. A real case is a few kilobytes; past this it is an attack
#: or a mistake, and reading it on would only cost memory.
MAX_REQUEST_BYTES = 1024 * 1024

#: How much of an oversized body is read and dropped so that the client sees the 413.
_DRAIN_BYTES = 16 * MAX_REQUEST_BYTES

#: The deepest nesting of arrays and objects a case may have; a real case nests a few levels.
MAX_NESTING = 64

#: Seconds a client has, from connecting (or from its last answer), to send a request's headers.
HEADERS_TIMEOUT = 5.0
#: Seconds a client has, once its headers are in, to send the whole body.
BODY_TIMEOUT = 10.0
#: Open connections beyond this are closed as soon as they are made.
MAX_CONNECTIONS = 256
#: Log records written per second at most; the rest are counted and the count logged.
LOG_RECORDS_PER_SECOND = 20


def _rejection(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"path": "", "message": message}]}, status, headers=headers)


async def _metadata(request: Request) -> Response:
    return JSONResponse(metadata())


async def _decisions(request: Request) -> Response:
    # The body is read before anything is judged, so that a refused request leaves the
    # keep-alive connection clean for the next one.
    body = await _bounded_body(request)
    if body is None:
        return _too_large(closing=True)
    if len(body) > MAX_REQUEST_BYTES:
        return _too_large(closing=False)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        return _rejection(
            400, f"the body must be application/json, not {media_type or 'unlabelled'}"
        )
    too_deep = f"the body nests arrays and objects more than {MAX_NESTING} deep"
    try:
        case = json.loads(body, parse_constant=_no_constant)
        # A lone surrogate (\ud800) parses, but no UTF-8 text can carry it back in an answer.
        json.dumps(case, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        return _rejection(400, too_deep)
    except UnicodeEncodeError:
        return _rejection(400, "the body holds a string that is not valid Unicode")
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        return _rejection(400, f"the body is not JSON: {exc}")
    if not isinstance(case, dict):
        return _rejection(400, f"the body is a JSON {_json_type(case)}, not a case object")
    if _nests_deeper(case, MAX_NESTING):
        return _rejection(400, too_deep)
    # decide() is quick, pure computation: called on the event loop rather than in a worker
    # thread, whose hand-off would cost more than the decision.
    reply = decide(case)
    return JSONResponse(reply, 422 if "errors" in reply else 200)


async def _bounded_body(request: Request) -> bytearray | None:
    """The body, cut off one byte past the limit; None when it is too big even to drain.

    A body a little over the limit is read to its end and dropped, because a server that answers
    and closes while the client is still sending makes the client's kernel see a reset, and the
    client then never reads the 413. A body too big for that gets the 413 and a closed line.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DRAIN_BYTES:
        return None
    body = bytearray()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _DRAIN_BYTES:
            return None
        if len(body) <= MAX_REQUEST_BYTES:
            body += chunk[: MAX_REQUEST_BYTES + 1 - len(body)]
    return body


def _nests_deeper(value: Any, limit: int) -> bool:
    """Whether ``value`` has arrays or objects more than ``limit`` levels down, level by level."""
    level = [value]
    for _ in range(limit):
        level = [
            child
            for node in level
            if isinstance(node, dict | list)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not any(isinstance(node, dict | list) for node in level):
            return False
    return True


def _too_large(closing: bool) -> JSONResponse:
    headers = {"Connection": "close"} if closing else None
    return _rejection(413, f"the body is larger than {MAX_REQUEST_BYTES} bytes", headers)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and methods answer JSON too, so a client never has to sniff an HTML page.
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers) if exc.headers else None
    message = f"{request.method} {request.url.path}: {exc.detail}"
    return _rejection(exc.status_code, message, headers)


app = Starlette(
    routes=[
        Route(f"{BASE_PATH}/metadata", _metadata, methods=["GET"]),
        Route(f"{BASE_PATH}/decisions", _decisions, methods=["POST"]),
        *fhir_routes(_bounded_body),
    ],
    exception_handlers={HTTPException: _http_error},
)


class _GuardedProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on reading each request and a connection cap.

    uvicorn times out idle keep-alive connections but not a request sent a byte at a time: a
    client could hold a connection (and its memory) for ever. Here the headers must be in within
    ``headers_timeout`` and the body within ``body_timeout`` of them, or the line is closed.

    At the cap, a new connection is not refused while another holds a slot without a request in
    service: the slots belong to complete requests. The longest-waiting connection whose request
    is still arriving (a slow client) is closed to make room, else the oldest idle one; only when
    every slot serves a request is the newcomer refused. A flood of slow clients thus costs each
    of them its slot in turn, and a client that sends its request promptly is served.
    """

    headers_timeout = HEADERS_TIMEOUT
    body_timeout = BODY_TIMEOUT
    max_connections = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._reading: asyncio.TimerHandle | None = None
        self._awaiting_body = False
        self._connected_at = time.monotonic()
        # The request cycle whose request has fully arrived (it is in service until answered).
        self._complete: object | None = None
        if len(self.connections) > self.max_connections:
            evicted = self._make_room()
            if evicted is None:
                self.logger.warning(
                    "refused a connection: %d are open, each serving a request",
                    self.max_connections,
                )
                transport.close()
                return
            self.logger.warning(
                "closed a connection %s to make room: %d are open already",
                evicted,
                self.max_connections,
            )
        self._expect("headers", self.headers_timeout)

    def _serving(self) -> bool:
        """Whether a complete request of this connection is being answered."""
        cycle = self.cycle
        return cycle is not None and cycle is self._complete and not cycle.response_complete

    def _make_room(self) -> str | None:
        """Close the connection that least deserves its slot; how it was holding it, or None."""
        candidates = [
            other
            for other in self.connections
            if other is not self
            and isinstance(other, _GuardedProtocol)
            and not other.transport.is_closing()
            and not other._serving()
        ]
        if not candidates:
            return None
        # A request still arriving goes before a line idle after its answer; the oldest first.
        victim = min(candidates, key=lambda c: (c._answered(), c._connected_at))
        how = "that was idle" if victim._answered() else "whose request had not arrived"
        victim._settle()
        victim.transport.close()
        return how

    def _answered(self) -> bool:
        """Whether the connection's last request was answered and no other has begun."""
        cycle = self.cycle
        return cycle is not None and bool(cycle.response_complete)

    def connection_lost(self, exc: Exception | None) -> None:
        self._settle()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        between = self.cycle is None or self.cycle.response_complete
        if between and self._reading is None:
            self._expect("headers", self.headers_timeout)
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is None or self.cycle.response_complete:
            return
        if self.cycle.more_body and not self._awaiting_body:
            self._awaiting_body = True
            self._expect("body", self.body_timeout)
        elif not self.cycle.more_body:
            self._complete = self.cycle
            self._settle()

    def _expect(self, part: str, timeout: float) -> None:
        self._settle()
        self._awaiting_body = part == "body"
        self._reading = self.loop.call_later(timeout, self._overdue, part, timeout)

    def _settle(self) -> None:
        if getattr(self, "_reading", None) is not None:
            self._reading.cancel()  # type: ignore[union-attr]
        self._reading = None
        self._awaiting_body = False

    def _overdue(self, part: str, timeout: float) -> None:
        self._reading = None
        if not self.transport.is_closing():
            self.logger.warning("closed a connection: the request %s took over %g s", part, timeout)
            self.transport.close()


class _RateLimit(logging.Filter):
    """Let through at most ``per_second`` records a second; count the rest and say how many."""

    def __init__(self, per_second: int) -> None:
        super().__init__()
        self._per_second = per_second
        self._window = 0
        self._passed = 0
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        window = int(time.monotonic())
        if window != self._window:
            if self._dropped:
                record.msg = f"[{self._dropped} log records dropped] {record.msg}"
            self._window, self._passed, self._dropped = window, 0, 0
        if self._passed >= self._per_second:
            self._dropped += 1
            return False
        self._passed += 1
        return True


def _config(
    asgi_app: ASGIApp,
    *,
    headers_timeout: float = HEADERS_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    **settings: Any,
) -> uvicorn.Config:
    protocol = type(
        "GuardedProtocol",
        (_GuardedProtocol,),
        {
            "headers_timeout": headers_timeout,
            "body_timeout": body_timeout,
            "max_connections": max_connections,
        },
    )
    config = uvicorn.Config(
        asgi_app,
        http=protocol,
        # Requests under way at once; beyond it uvicorn answers 503 rather than queue them. One
        # over the cap: a connection closed to make room is counted until its close is done.
        limit_concurrency=max_connections + 1,
        timeout_keep_alive=math.ceil(headers_timeout),
        **settings,
    )
    for name in ("uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RateLimit) for f in logger.filters):
            logger.addFilter(_RateLimit(LOG_RECORDS_PER_SECOND))
    return config


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the reference engine on ``host:port`` until interrupted."""
    uvicorn.Server(_config(app, host=host, port=port)).run()


@contextmanager
def running(
    asgi_app: ASGIApp = app, host: str = "127.0.0.1", port: int = 0, **limits: Any
) -> Iterator[str]:
    """Serve ``asgi_app`` from a background thread for the length of a ``with`` block.

    Yields the server's root URL (``http://HOST:PORT``); port 0 takes a free one. For tests and
    benchmarks that need a real socket: the server is stopped and its thread joined on exit.
    ``limits`` may lower ``headers_timeout``, ``body_timeout`` and ``max_connections``.
    """
    # IPPROTO_TCP spelled out: asyncio turns Nagle off only on sockets that say they are TCP,
    # and with Nagle on, every keep-alive answer waits out the client's delayed ACK (~40 ms).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    config = _config(
        asgi_app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # A client left hanging must not hold the test run up at shutdown.
        timeout_graceful_shutdown=1,
        **limits,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name=f"uvicorn:{bound_port}", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the server on {host}:{bound_port} did not start")
            thread.join(0.01)
        authority = f"[{host}]" if ":" in host else host
        yield f"http://{authority}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m policy_conformance.reference.server [--host HOST] [--port PORT]``."""
    parser = argparse.ArgumentParser(description="Serve the reference engine over HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
