"""The reference engine over HTTP, as ``contract/openapi.yaml`` binds the contract.

``GET /v1/metadata`` and ``POST /v1/decisions``; run it with ``python -m
policy_conformance.reference.server`` and point the kit at ``http:http://127.0.0.1:8000/v1``. Every
answer is JSON: a body the engine cannot read gets a 400 rejection, never a 500, so that the server
itself holds to the contract.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
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

from . import decide, metadata

__all__ = ["BASE_PATH", "MAX_REQUEST_BYTES", "app", "running", "serve"]

#: Where the binding lives on the server; the adapter string is ``http:http://HOST:PORT/v1``.
BASE_PATH = "/v1"

#: The largest case the server reads. A real case is a few kilobytes; past this it is an attack
#: or a mistake, and reading it on would only cost memory.
MAX_REQUEST_BYTES = 1024 * 1024

#: How much of an oversized body is read and dropped so that the client sees the 413.
_DRAIN_BYTES = 16 * MAX_REQUEST_BYTES


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
    try:
        case = json.loads(body, parse_constant=_no_constant)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        return _rejection(400, f"the body is not JSON: {exc}")
    if not isinstance(case, dict):
        return _rejection(400, f"the body is a JSON {_json_type(case)}, not a case object")
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
    ],
    exception_handlers={HTTPException: _http_error},
)


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the reference engine on ``host:port`` until interrupted."""
    uvicorn.run(app, host=host, port=port)


@contextmanager
def running(asgi_app: ASGIApp = app, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``asgi_app`` from a background thread for the length of a ``with`` block.

    Yields the server's root URL (``http://HOST:PORT``); port 0 takes a free one. For tests and
    benchmarks that need a real socket: the server is stopped and its thread joined on exit.
    """
    # IPPROTO_TCP spelled out: asyncio turns Nagle off only on sockets that say they are TCP,
    # and with Nagle on, every keep-alive answer waits out the client's delayed ACK (~40 ms).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    config = uvicorn.Config(
        asgi_app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # A client left hanging must not hold the test run up at shutdown.
        timeout_graceful_shutdown=1,
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
