"""The HTTP adapter: ``http:URL``, where URL is the engine's base URL, e.g. ``http:https://engine/v1``.

The binding (``contract/openapi.yaml``): ``GET {URL}/metadata`` answers the engine's metadata;
``POST {URL}/decisions`` with a case as its JSON body answers 200 and a decision, or 400/422 and a
rejection. One keep-alive client serves the whole run. Anything else that comes back (a 5xx, a
body that is not a JSON object, silence, a closed connection) is the engine breaking, and is
reported as :class:`~adapters.errors.EngineError` with what the engine sent.
"""

from __future__ import annotations

import json
import os
import ssl
import time
from collections.abc import Generator
from typing import NoReturn

import httpx

from .base import AdapterOptions, JSONObject
from .errors import AdapterSpecError, EngineError, EngineUnreachable

__all__ = ["MAX_BODY_BYTES", "HttpAdapter"]

#: The most an engine may answer to one request. A decision is a few hundred bytes; anything
#: near this is a runaway engine, and reading it all would only cost memory and time.
MAX_BODY_BYTES = 8 * 1024 * 1024

#: How much of a bad body an error carries, for the report.
DETAIL_CHARS = 2000

#: Statuses whose body is a rejection: the engine read the case and refused it.
_REJECTION_STATUSES = frozenset({400, 422})


class HttpAdapter:
    """Talk to an engine over HTTP(S), one request a case, on one keep-alive connection."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._base_url = _base_url(spec)
        self._timeout = options.timeout
        self._connect_timeout = options.connect_timeout
        self._secret = _read_token(spec, options.token_env)
        self._metadata: JSONObject | None = None
        self._closed = False
        self._client = httpx.Client(
            base_url=self._base_url,
            timeout=httpx.Timeout(
                connect=options.connect_timeout,
                read=options.timeout,
                write=options.timeout,
                pool=options.connect_timeout,
            ),
            verify=_tls_context(spec, options.ca_bundle),
            auth=_BearerAuth(self._secret) if self._secret else None,
            headers={"Accept": "application/json"},
            # A redirect is not part of the binding; following one could carry the case (and,
            # same-origin, the token) somewhere the vendor did not name.
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"HttpAdapter({self.spec!r})"

    def metadata(self) -> JSONObject:
        if self._metadata is None:
            status, body = self._exchange("GET", "metadata", None)
            if status != 200:
                self._fail(f"GET metadata answered HTTP {status}", body)
            self._metadata = self._json_object(body, "the metadata")
        return self._metadata

    def decide(self, case: JSONObject) -> JSONObject:
        # allow_nan=False: NaN is not JSON, and an engine must never be sent what it cannot parse.
        content = json.dumps(case, ensure_ascii=False, allow_nan=False).encode("utf-8")
        status, body = self._exchange("POST", "decisions", content)
        if status == 200:
            return self._json_object(body, "the decision")
        if status in _REJECTION_STATUSES:
            return self._json_object(body, f"the HTTP {status} rejection")
        if status >= 500:
            self._fail(f"HTTP {status}", body)
        if status in (401, 403):
            self._fail(f"HTTP {status}: the engine refused the credentials (see token_env)", body)
        self._fail(f"unexpected HTTP {status}; the binding allows 200, 400 and 422", body)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._client.close()

    # --- one request, bounded in size and time -------------------------------------------

    def _exchange(self, method: str, path: str, content: bytes | None) -> tuple[int, bytes]:
        """Send one request and return the status and the whole body, or raise EngineError."""
        if self._closed:
            raise RuntimeError(f"{self.spec}: the adapter is closed")
        headers = {"Content-Type": "application/json"} if content is not None else None
        started = time.monotonic()
        try:
            with self._client.stream(method, path, content=content, headers=headers) as response:
                return response.status_code, self._read_body(response, started)
        except httpx.ConnectTimeout:
            raise EngineUnreachable(
                self.spec, f"no connection to {self._base_url} within {self._connect_timeout:g} s"
            ) from None
        except httpx.ConnectError as exc:
            raise EngineUnreachable(
                self.spec, f"cannot connect to {self._base_url}: {exc}"
            ) from None
        except httpx.ReadTimeout:
            raise EngineError(self.spec, f"no answer within {self._timeout:g} s") from None
        except httpx.WriteTimeout:
            raise EngineError(
                self.spec, f"the engine did not take the request within {self._timeout:g} s"
            ) from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            # httpx says "Server disconnected" or "peer closed connection" when the engine hung up,
            # and names the fault otherwise (garbage instead of HTTP); keep the two apart.
            text = str(exc)
            if isinstance(exc, httpx.RemoteProtocolError) and not _is_hang_up(text):
                raise EngineError(self.spec, f"the answer is not valid HTTP: {text}") from None
            raise EngineError(
                self.spec, f"the connection was closed before a full answer came back ({text})"
            ) from None
        except httpx.HTTPError as exc:
            raise EngineError(
                self.spec, f"the request failed: {type(exc).__name__}: {exc}"
            ) from None

    def _read_body(self, response: httpx.Response, started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            self._fail(
                f"the body is {int(declared)} bytes, over the {_mib(MAX_BODY_BYTES)} limit", b""
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                self._fail(f"the body is larger than {_mib(MAX_BODY_BYTES)}; reading stopped", body)
            # httpx's read timeout is per read: an engine that trickles a byte at a time would
            # never trip it, so the whole answer is held to the same limit as well.
            if self._timeout is not None and time.monotonic() - started > self._timeout:
                self._fail(f"no complete answer within {self._timeout:g} s", body)
        return bytes(body)

    def _json_object(self, body: bytes, what: str) -> JSONObject:
        try:
            data = json.loads(body)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            self._fail(f"the body is not JSON ({what}): {exc}", body)
        if not isinstance(data, dict):
            self._fail(f"{what} is a JSON {_json_type(data)}, not an object", body)
        return data

    def _fail(self, message: str, body: bytes | bytearray) -> NoReturn:
        detail = bytes(body[: DETAIL_CHARS * 4]).decode("utf-8", errors="replace")
        if self._secret:
            # An engine that echoes its request headers must not get the token into a report;
            # redacted before the cut, so that no prefix of it survives at the edge either.
            detail = detail.replace(self._secret.reveal(), "[token]")
        raise EngineError(self.spec, message, detail[:DETAIL_CHARS])


class _Secret:
    """A string that does not show itself in a repr, a traceback's locals or a debugger."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


class _BearerAuth(httpx.Auth):
    """Add ``Authorization: Bearer ...`` to each request, keeping it out of the client's headers."""

    def __init__(self, secret: _Secret) -> None:
        self._secret = secret

    def __repr__(self) -> str:
        return "_BearerAuth(<secret>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer " + self._secret.reveal()
        yield request


def _base_url(spec: str) -> str:
    url = spec.partition(":")[2].rstrip("/")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise AdapterSpecError(f"{spec}: {url!r} is not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise AdapterSpecError(
            f"{spec}: expected http:URL with an http:// or https:// base URL, "
            "for example http:http://127.0.0.1:8000/v1"
        )
    if parsed.query or parsed.fragment:
        raise AdapterSpecError(f"{spec}: the base URL must not carry a query or a fragment")
    if parsed.userinfo:
        # The adapter string is printed in every message and report; credentials in it would be.
        raise AdapterSpecError(
            "http: the base URL carries credentials, which would be printed with every result; "
            "put a bearer token in an environment variable and name it with --token-env"
        )
    return url


def _read_token(spec: str, variable: str | None) -> _Secret | None:
    if not variable:
        return None
    secret = _Secret(os.environ.get(variable, "").strip())
    if not secret:
        raise AdapterSpecError(
            f"{spec}: the environment variable {variable} should hold the bearer token, "
            "but it is unset or empty"
        )
    # Checked here because httpx would otherwise fail on the first request with a message that
    # quotes the whole header, token and all.
    if not all(0x21 <= ord(ch) <= 0x7E for ch in secret.reveal()):
        raise AdapterSpecError(
            f"{spec}: the bearer token in {variable} holds spaces, control or non-ASCII "
            "characters, which cannot go in an HTTP header"
        )
    return secret


def _tls_context(spec: str, ca_bundle: str | None) -> ssl.SSLContext | bool:
    if ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise AdapterSpecError(f"{spec}: cannot load the CA bundle {ca_bundle!r}: {exc}") from None


def _is_hang_up(message: str) -> bool:
    lowered = message.lower()
    return "disconnect" in lowered or "closed" in lowered


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"
