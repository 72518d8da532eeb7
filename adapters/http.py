"""The HTTP adapter: ``http:URL``, where URL is the engine's base URL, e.g. ``http:https://engine/v1``.

The binding (``contract/openapi.yaml``): ``GET {URL}/metadata`` answers the engine's metadata;
``POST {URL}/decisions`` with a case as its JSON body answers 200 and a decision, or 400/422 and a
rejection. One keep-alive client serves the whole run. Anything else that comes back (a 5xx, a
body that is not a JSON object, silence, a closed connection) is the engine breaking, and is
reported as :class:`~adapters.errors.EngineError` with what the engine sent.

What an engine sends cannot extend a case: every read and write on the connection is held to one
deadline for the whole exchange (``102 Processing`` every second, headers a line at a time, a
trickled body all end there). Answers are read undecoded (the kit asks for ``identity`` and
refuses any other ``Content-Encoding``, so a compressed bomb is never expanded) and capped; a
decision must echo the case id it answers, or the connection is taken to be out of step and
replaced. The bearer token, and the forms of it an engine could echo, never leave the adapter:
they are cut out of every answer, metadata and message.
"""

from __future__ import annotations

import base64
import json
import os
import re
import ssl
import time
import urllib.parse
from collections.abc import Generator, Iterable
from typing import Any, NoReturn

import httpcore
import httpx

from .base import AdapterOptions, JSONObject
from .errors import AdapterSpecError, AnswerTooDeep, EngineError, EngineUnreachable
from .limits import TooDeeplyNested, load_json

__all__ = ["MAX_BODY_BYTES", "HttpAdapter"]

#: The most an engine may answer to one request. A decision is a few hundred bytes; anything
#: near this is a runaway engine, and reading it all would only cost memory and time.
MAX_BODY_BYTES = 8 * 1024 * 1024

#: How much of a bad body an error carries, for the report.
DETAIL_CHARS = 2000
#: The shortest piece of the bearer token (its start or its end, in any case) that is redacted.
NEAR_COPY_CHARS = 8

#: Statuses whose body is a rejection: the engine read the case and refused it.
_REJECTION_STATUSES = frozenset({400, 422})


class HttpAdapter:
    """Talk to an engine over HTTP(S), one request a case, on one keep-alive connection."""

    #: The media type of what is sent and asked for; a FHIR interface's adapter says its own.
    media_type = "application/json"

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._base_url = _base_url(spec)
        self._timeout = options.timeout
        self._connect_timeout = options.connect_timeout
        self._secret = _read_token(spec, options.token_env)
        self._metadata: JSONObject | None = None
        self._closed = False
        self._options = options
        self._verify = _tls_context(spec, options.ca_bundle)
        self._deadline = _Deadline()
        self._client = self._connect()

    def _connect(self) -> httpx.Client:
        options = self._options
        transport = httpx.HTTPTransport(verify=self._verify)
        # httpx offers no hook for its network backend; the pool's is swapped for one whose
        # every read and write stops at the exchange's deadline.
        transport._pool._network_backend = _DeadlineBackend(self._deadline)
        return httpx.Client(
            base_url=self._base_url,
            transport=transport,
            timeout=httpx.Timeout(
                connect=options.connect_timeout,
                read=options.timeout,
                write=options.timeout,
                pool=options.connect_timeout,
            ),
            auth=_BearerAuth(self._secret) if self._secret else None,
            # identity: an engine's answer is read as sent, never expanded by a decoder.
            headers={"Accept": self.media_type, "Accept-Encoding": "identity"},
            # A redirect is not part of the binding; following one could carry the case (and,
            # same-origin, the token) somewhere the vendor did not name.
            follow_redirects=False,
        )

    def _reconnect(self) -> None:
        """Drop the connection, whatever state it is in, and start afresh for the next request."""
        self._client.close()
        self._client = self._connect()

    def __repr__(self) -> str:
        return f"HttpAdapter({self.spec!r})"

    def metadata(self) -> JSONObject:
        if self._metadata is None:
            status, body = self._exchange("GET", "metadata", None, self._timeout)
            if status != 200:
                self._fail(f"GET metadata answered HTTP {status}", body)
            self._metadata = self._json_object(body, "the metadata")
        metadata: JSONObject = self._redacted(self._metadata)
        return metadata

    def decide(self, case: JSONObject) -> JSONObject:
        # allow_nan=False: NaN is not JSON, and an engine must never be sent what it cannot parse.
        content = json.dumps(case, ensure_ascii=False, allow_nan=False).encode("utf-8")
        status, body = self._exchange("POST", "decisions", content, self._timeout)
        if status in (200, *_REJECTION_STATUSES):
            what = "the decision" if status == 200 else f"the HTTP {status} rejection"
            reply = self._json_object(body, what)
            self._check_in_step(case, reply)
            redacted: JSONObject = self._redacted(reply)
            return redacted
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

    def _exchange(
        self, method: str, path: str, content: bytes | None, limit: float | None
    ) -> tuple[int, bytes]:
        """Send one request and return the status and the whole body, or raise EngineError.

        ``limit`` seconds bound the whole exchange, connecting included.
        """
        if self._closed:
            raise RuntimeError(f"{self.spec}: the adapter is closed")
        try:
            return self._timed_exchange(method, path, content, limit)
        except EngineError:
            # Whatever was left half-read on the line must not answer the next request.
            self._reconnect()
            raise

    def _timed_exchange(
        self, method: str, path: str, content: bytes | None, limit: float | None
    ) -> tuple[int, bytes]:
        headers = {"Content-Type": self.media_type} if content is not None else None
        self._deadline.start(limit)
        try:
            with self._client.stream(method, path, content=content, headers=headers) as response:
                return response.status_code, self._read_body(response)
        except (_DeadlinePassed, httpx.ReadTimeout):
            # Some of an answer, then silence or a trickle, is not the same fault as silence.
            began = "no complete answer" if self._deadline.answered else "no answer"
            raise EngineError(self.spec, f"{began} within {limit:g} s") from None
        except httpx.ConnectTimeout:
            raise EngineUnreachable(
                self.spec, f"no connection to {self._base_url} within {self._connect_timeout:g} s"
            ) from None
        except httpx.ConnectError as exc:
            raise EngineUnreachable(
                self.spec, f"cannot connect to {self._base_url}: {exc}"
            ) from None
        except httpx.WriteTimeout:
            raise EngineError(
                self.spec, f"the engine did not take the request within {limit:g} s"
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
                self.spec, self._scrub(f"the request failed: {type(exc).__name__}: {exc}")
            ) from None

    def _read_body(self, response: httpx.Response) -> bytes:
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            # Decoding is where a few kilobytes become gigabytes; the kit asked for none.
            self._fail(
                f"the answer is sent with Content-Encoding {encoding!r}; the kit asks for "
                "identity and does not decode answers",
                b"",
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            self._fail(
                f"the body is {int(declared)} bytes, over the {_mib(MAX_BODY_BYTES)} limit", b""
            )
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                self._fail(f"the body is larger than {_mib(MAX_BODY_BYTES)}; reading stopped", body)
        return bytes(body)

    def _json_object(self, body: bytes, what: str) -> JSONObject:
        try:
            data = load_json(body)
        except TooDeeplyNested as exc:
            raise AnswerTooDeep(self.spec, f"{what} is refused: {exc}") from None
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            self._fail(f"the body is not JSON ({what}): {exc}", body)
        if not isinstance(data, dict):
            self._fail(f"{what} is a JSON {_json_type(data)}, not an object", body)
        return data

    def _check_in_step(self, case: JSONObject, reply: JSONObject) -> None:
        """Refuse an answer that echoes another case's id: the line is out of step."""
        sent, echoed = case.get("case_id"), reply.get("case_id")
        if isinstance(sent, str) and isinstance(echoed, str) and sent != echoed:
            self._reconnect()
            raise EngineError(
                self.spec,
                self._scrub(
                    f"the answer is for case {echoed!r}, not for case {sent!r}: the connection "
                    "is out of step (an engine answering a request twice?) and was replaced"
                ),
            )

    def _fail(self, message: str, body: bytes | bytearray) -> NoReturn:
        # Redacted before the cut, so that no prefix of the token survives at the edge.
        detail = self._scrub(bytes(body[: DETAIL_CHARS * 4]).decode("utf-8", errors="replace"))
        raise EngineError(self.spec, self._scrub(message), detail[:DETAIL_CHARS])

    def _scrub(self, text: str) -> str:
        """``text`` with the token, in every form an engine could echo it, cut out."""
        if not self._secret:
            return text
        return self._secret.pattern().sub("[token]", text)

    def _cuts_anything(self) -> bool:
        """Whether there is a secret to cut out of what the engine sends back."""
        return bool(self._secret)

    def _redacted(self, value: Any) -> Any:
        """A copy of ``value`` with the token cut out of every key and string, however deep."""
        if not self._cuts_anything():
            return value
        if isinstance(value, str):
            return self._scrub(value)
        if isinstance(value, dict):
            return {self._scrub(k): self._redacted(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._redacted(item) for item in value]
        return value


class _Secret:
    """A string that does not show itself in a repr, a traceback's locals or a debugger."""

    __slots__ = ("_pattern", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        self._pattern: re.Pattern[str] | None = None

    def reveal(self) -> str:
        return self._value

    def forms(self) -> list[str]:
        """The token and what an engine that echoes it might make of it, longest first.

        URL- and JSON-escaped copies (an echoed header reads ``Bearer [token]``), and base64 of
        the token, bare or in its header, at each of the three alignments it can take inside a
        longer encoding.
        """
        header = "Bearer " + self._value
        found = {self._value, urllib.parse.quote(self._value, safe="")}
        found.add(json.dumps(self._value)[1:-1])
        for plain in (self._value, header, "Authorization: " + header):
            found.update(_base64_cores(plain.encode()))
        return sorted((f for f in found if len(f) >= NEAR_COPY_CHARS), key=len, reverse=True)

    def pattern(self) -> re.Pattern[str]:
        """Every form of :meth:`forms`, and near copies an engine might make of the token.

        Matched in any case, and with any prefix or suffix of at least ``NEAR_COPY_CHARS``
        characters of the token (or of its escaped copies) counting as the token: an engine
        that echoes the token less its last character, or lower-cased, has still shown it.
        """
        if self._pattern is None:
            near = {
                self._value,
                urllib.parse.quote(self._value, safe=""),
                json.dumps(self._value)[1:-1],
            }
            whole = [re.escape(form) for form in self.forms()]
            partial = [_prefixes_or_suffixes(form) for form in sorted(near, key=len, reverse=True)]
            self._pattern = re.compile("|".join([*whole, *partial]), re.IGNORECASE)
        return self._pattern

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


def _prefixes_or_suffixes(form: str) -> str:
    """A pattern for every prefix and every suffix of ``form`` at least ``NEAR_COPY_CHARS`` long.

    Built as nested optional groups, so that matching costs a few steps per character of text
    however long the token is, where an alternation of every cut would try each one in turn.
    """
    least = min(NEAR_COPY_CHARS, len(form))
    head, tail = form[:least], form[least:]
    # A prefix: the first characters, then as many of the rest as follow, in order.
    prefix = ""
    for char in reversed(tail):
        prefix = f"(?:{re.escape(char)}{prefix})?"
    # A suffix: as many of the characters before the last ones as precede them, in order.
    body, last = form[: len(form) - least], form[len(form) - least :]
    suffix = ""
    for char in body:
        suffix = f"(?:{suffix}{re.escape(char)})?"
    return f"{re.escape(head)}{prefix}|{suffix}{re.escape(last)}"


def _base64_cores(data: bytes) -> Iterable[str]:
    """What any base64 text holding ``data`` contains, at each alignment, whatever surrounds it."""
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data).decode()
        # Groups of four characters carry three bytes; those touched by the padding bytes in
        # front or by whatever follows the data are left out.
        first = 4 if offset else 0
        last = (offset + len(data)) // 3 * 4
        for alphabet in (encoded, encoded.replace("+", "-").replace("/", "_")):
            yield alphabet[first:last]


class _DeadlinePassed(Exception):
    """The exchange outlived its deadline; raised from inside the network stream."""


class _Deadline:
    """The end of the exchange under way, as a ``time.monotonic()`` value (None: no end)."""

    def __init__(self) -> None:
        self.at: float | None = None
        #: Whether any of the answer has come back yet.
        self.answered = False

    def start(self, limit: float | None) -> None:
        self.at = None if limit is None else time.monotonic() + limit
        self.answered = False

    def cap(self, timeout: float | None) -> float | None:
        """The time one read or write may take: its own timeout, cut at the deadline."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise _DeadlinePassed
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write stops at the exchange's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._stream.read(max_bytes, self._deadline.cap(timeout))
        self._deadline.answered = True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.cap(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, self._deadline.cap(timeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    """httpcore's own backend, with every connection held to the exchange's deadline."""

    def __init__(self, deadline: _Deadline) -> None:
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(
            host, port, self._deadline.cap(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self._deadline)


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
