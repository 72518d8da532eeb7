"""The HTTP adapter against the reference server and against a gallery of broken fake engines.

Every way an HTTP engine can fail that the adapter claims to handle has a fake here that proves
it: each fake is a few lines of raw socket code on its own loopback port, so that it can do what
no well-behaved web framework would (hang, hang up, trickle, send garbage, send megabytes).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from policy_conformance import reference
from policy_conformance.adapters import (
    Adapter,
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
    open_adapter,
)
from policy_conformance.adapters.http import MAX_BODY_BYTES, HttpAdapter
from policy_conformance.contract import violations
from policy_conformance.reference.server import running
from tests.kit import example

#: Short enough to keep the suite fast, long enough for a loaded CI machine to answer in time.
TIMEOUT = 0.5
FAST = AdapterOptions(timeout=TIMEOUT, connect_timeout=TIMEOUT)

TOKEN = "s3cr3t-T0ken.for-tests_only"  # noqa: S105 - a made-up token whose leaks the tests hunt
ENV_NAME = "ENGINE_TOKEN"

CASE: dict[str, Any] = {**example("case-primary-indication"), "case_id": "http-1"}

DECISION = {
    "case_id": "http-1",
    "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
    "outcome": "covered",
    "determination": "medically-necessary",
    "clauses": ["INO-RR-BALL"],
}


def test_the_case_used_here_is_a_valid_case() -> None:
    assert violations("case", CASE) == []


# --- the reference server -------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference_url() -> Iterator[str]:
    with running() as root:
        yield f"{root}/v1"


@pytest.fixture
def adapter(reference_url: str) -> Iterator[HttpAdapter]:
    opened = HttpAdapter(f"http:{reference_url}", FAST)
    yield opened
    opened.close()


def test_the_registry_builds_an_http_adapter(reference_url: str) -> None:
    opened = open_adapter(f"http:{reference_url}", FAST)
    try:
        assert isinstance(opened, HttpAdapter)
        assert isinstance(opened, Adapter)
        assert opened.spec == f"http:{reference_url}"
    finally:
        opened.close()


def test_metadata_round_trips(adapter: HttpAdapter) -> None:
    assert adapter.metadata() == reference.metadata()
    assert violations("metadata", adapter.metadata()) == []


def test_a_case_round_trips_to_the_engines_own_decision(adapter: HttpAdapter) -> None:
    decision = adapter.decide(CASE)
    assert decision == reference.decide(CASE)
    assert violations("decision", decision) == []
    assert decision["case_id"] == CASE["case_id"]


def test_a_malformed_case_comes_back_as_the_engines_rejection(adapter: HttpAdapter) -> None:
    malformed = {**CASE, "drug": {"name": "inotuzumab ozogamicin"}}
    rejection = adapter.decide(malformed)
    assert rejection == reference.decide(malformed)
    assert rejection["errors"]
    assert violations("rejection", rejection) == []


def test_close_is_idempotent_and_final(reference_url: str) -> None:
    opened = HttpAdapter(f"http:{reference_url}", FAST)
    opened.decide(CASE)
    opened.close()
    opened.close()
    with pytest.raises(RuntimeError, match="closed"):
        opened.decide(CASE)


# --- fake engines ---------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request, socket.socket, threading.Event], None]


@dataclass
class FakeEngine:
    """A loopback HTTP/1.1 server whose every request is answered by ``handler``, however badly."""

    handler: Handler
    tls: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        scheme = "https" if self.tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}/v1"
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        buffered = b""
        try:
            conn.settimeout(5)
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            while not self.stop.is_set():
                request, buffered = _read_request(conn, buffered)
                if request is None:
                    return
                self.requests.append(request)
                self.handler(request, conn, self.stop)
                if conn.fileno() == -1:
                    return
        except OSError:
            # The adapter hung up on a fake that was still talking: that is the point.
            return
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
            assert not thread.is_alive(), "a fake engine's thread outlived its test"


@pytest.fixture
def fake() -> Iterator[Callable[[Handler], FakeEngine]]:
    started: list[FakeEngine] = []

    def start(handler: Handler) -> FakeEngine:
        engine = FakeEngine(handler)
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.close()


@pytest.fixture
def connect(fake: Callable[[Handler], FakeEngine]) -> Iterator[Callable[..., HttpAdapter]]:
    """Start a fake engine and open an adapter on it."""
    opened: list[HttpAdapter] = []

    def open_on(handler: Handler, options: AdapterOptions = FAST) -> HttpAdapter:
        adapter = HttpAdapter(f"http:{fake(handler).url}", options)
        opened.append(adapter)
        return adapter

    yield open_on
    for adapter in opened:
        adapter.close()


def _read_request(conn: socket.socket, buffered: bytes) -> tuple[Request | None, bytes]:
    while b"\r\n\r\n" not in buffered:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        buffered += chunk
    head, _, rest = buffered.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    return Request(method, path, headers, rest[:length]), rest[length:]


def _respond(
    conn: socket.socket,
    status: int,
    body: bytes | str | object,
    content_type: str = "application/json",
) -> None:
    if isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    conn.sendall(head.encode() + data)


def answering(
    status: int, body: bytes | str | object, content_type: str = "application/json"
) -> Handler:
    def handler(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        _respond(conn, status, body, content_type)

    return handler


def metadata_then(decide: Handler) -> Handler:
    """A fake that answers metadata properly and decisions with ``decide``."""

    def handler(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        if request.path.endswith("/metadata"):
            _respond(conn, 200, reference.metadata())
        else:
            decide(request, conn, stop)

    return handler


def hangs(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(10)


def hangs_up(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    conn.close()


def trickles(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    while not stop.wait(0.05):
        conn.sendall(b" ")


def sends_garbage(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"SPEAK FRIEND AND ENTER\r\n\r\n")
    conn.close()


def sends_megabytes_declared(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    size = MAX_BODY_BYTES + 1024 * 1024
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
    block = b"[" * 65536
    for _ in range(size // len(block)):
        conn.sendall(block)


def sends_megabytes_forever(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    # Chunked and endless: there is no length to refuse up front, so the adapter must count.
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    block = b" " * 65536
    chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    while not stop.is_set():
        conn.sendall(chunk)


def test_metadata_from_an_engine_that_is_not_listening_is_unreachable() -> None:
    # Bound but not listening: connections are refused, and no other test can take the port.
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}/v1"
        adapter = HttpAdapter(f"http:{url}", FAST)
        try:
            with pytest.raises(EngineUnreachable, match="cannot connect") as caught:
                adapter.metadata()
            assert url in str(caught.value)
            with pytest.raises(EngineUnreachable):
                adapter.decide(CASE)
        finally:
            adapter.close()


def test_an_engine_that_never_accepts_is_unreachable_after_the_connect_timeout() -> None:
    # A listener whose accept queue is full: the kernel drops further handshakes, so connecting
    # hangs until the connect timeout, as with a firewalled or overwhelmed host.
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        address = listener.getsockname()
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                filler.connect_ex(address)
            adapter = HttpAdapter(
                f"http:http://127.0.0.1:{address[1]}/v1",
                AdapterOptions(timeout=TIMEOUT, connect_timeout=0.3),
            )
            try:
                with pytest.raises(EngineUnreachable) as caught:
                    adapter.metadata()
                assert caught.value.reason.endswith("within 0.3 s")
                assert caught.value.reason.startswith("no connection to")
            finally:
                adapter.close()
        finally:
            for filler in fillers:
                filler.close()


def test_a_name_that_does_not_resolve_is_unreachable() -> None:
    adapter = HttpAdapter("http:http://engine.invalid/v1", FAST)
    try:
        with pytest.raises(EngineUnreachable, match="cannot connect"):
            adapter.metadata()
    finally:
        adapter.close()


def test_an_engine_that_hangs_times_out(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(metadata_then(hangs))
    assert adapter.metadata()["name"]
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason == f"no answer within {TIMEOUT:g} s"
    assert time.monotonic() - started < TIMEOUT + 2


def test_an_engine_that_trickles_is_held_to_the_whole_timeout(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(trickles)
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason == f"no complete answer within {TIMEOUT:g} s"


def test_http_500_is_an_engine_error_with_the_body(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(answering(500, "Traceback: ZeroDivisionError in rule 7", "text/plain"))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason == "HTTP 500"
    assert "ZeroDivisionError in rule 7" in caught.value.detail
    assert "HTTP 500" in str(caught.value)


def test_http_500_with_a_json_body_is_still_an_engine_error(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(answering(503, {"errors": [{"message": "overloaded"}]}))
    with pytest.raises(EngineError, match="HTTP 503"):
        adapter.decide(CASE)


def test_the_detail_is_cut_to_the_first_2000_characters(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(answering(500, "é" * 5000, "text/plain"))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert caught.value.detail == "é" * 2000


def test_an_engine_that_hangs_up_is_an_engine_error(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(hangs_up)
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason.startswith("the connection was closed")


def test_an_answer_that_is_not_http_is_an_engine_error(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(sends_garbage)
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason.startswith("the answer is not valid HTTP")


def test_a_body_that_is_not_json_is_an_engine_error(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(answering(200, "<html>Service temporarily unavailable</html>", "text/html"))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason.startswith("the body is not JSON")
    assert "<html>Service temporarily unavailable</html>" in caught.value.detail


def test_a_body_that_is_not_utf8_is_an_engine_error(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(answering(200, b'{"case_id": "\xff"}'))
    with pytest.raises(EngineError, match="the body is not JSON"):
        adapter.decide(CASE)


@pytest.mark.parametrize(
    ("body", "kind"), [([DECISION], "array"), ("covered", "string"), (None, "null"), (7, "number")]
)
def test_json_that_is_not_an_object_is_an_engine_error(
    connect: Callable[..., HttpAdapter], body: object, kind: str
) -> None:
    adapter = connect(answering(200, json.dumps(body)))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason == f"the decision is a JSON {kind}, not an object"


@pytest.mark.parametrize("status", [400, 422])
def test_a_4xx_rejection_is_returned_as_the_engines_reply(
    connect: Callable[..., HttpAdapter], status: int
) -> None:
    rejection = {"errors": [{"path": "/drug", "message": "units is required"}]}
    adapter = connect(answering(status, rejection))
    assert adapter.decide(CASE) == rejection


def test_a_4xx_without_json_is_an_engine_error(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(answering(422, "Unprocessable", "text/plain"))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason.startswith("the body is not JSON (the HTTP 422 rejection)")


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "unexpected HTTP 404"), (302, "unexpected HTTP 302")]
)
def test_an_unexpected_status_is_an_engine_error(
    connect: Callable[..., HttpAdapter], status: int, phrase: str
) -> None:
    adapter = connect(answering(status, {"errors": [{"message": "no such thing"}]}))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason.startswith(phrase)


def test_a_declared_body_over_the_cap_is_refused_unread(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(sends_megabytes_declared)
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert "over the 8 MiB limit" in caught.value.reason


def test_an_endless_body_is_cut_off_at_the_cap(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(sends_megabytes_forever, AdapterOptions(timeout=10, connect_timeout=TIMEOUT))
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert type(caught.value) is EngineError
    assert caught.value.reason == "the body is larger than 8 MiB; reading stopped"
    assert len(caught.value.detail) <= 2000


def test_metadata_errors_are_engine_errors(connect: Callable[..., HttpAdapter]) -> None:
    adapter = connect(answering(404, "Not Found", "text/plain"))
    with pytest.raises(EngineError) as caught:
        adapter.metadata()
    assert type(caught.value) is EngineError
    assert caught.value.reason == "GET metadata answered HTTP 404"

    adapter = connect(answering(200, "[]"))
    with pytest.raises(EngineError, match="the metadata is a JSON array, not an object"):
        adapter.metadata()


def test_metadata_is_fetched_once(fake: Callable[[Handler], FakeEngine]) -> None:
    engine = fake(metadata_then(answering(200, DECISION)))
    adapter = HttpAdapter(f"http:{engine.url}", FAST)
    try:
        first = adapter.metadata()
        assert adapter.metadata() == first == reference.metadata()
        assert [r.path for r in engine.requests] == ["/v1/metadata"]
    finally:
        adapter.close()


def test_one_connection_carries_the_whole_run(fake: Callable[[Handler], FakeEngine]) -> None:
    engine = fake(metadata_then(answering(200, DECISION)))
    adapter = HttpAdapter(f"http:{engine.url}", FAST)
    try:
        adapter.metadata()
        for _ in range(5):
            assert adapter.decide(CASE) == DECISION
    finally:
        adapter.close()
    assert engine.connections == 1
    posted = engine.requests[-1]
    assert (posted.method, posted.path) == ("POST", "/v1/decisions")
    assert posted.headers["content-type"] == "application/json"
    assert json.loads(posted.body) == CASE
    assert "authorization" not in posted.headers


# --- the bearer token -----------------------------------------------------------------------


def guarded(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    """A fake that wants the token, and that echoes its request headers when it breaks."""
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        _respond(conn, 401, {"errors": [{"message": "who are you?"}]})
    elif request.path.endswith("/metadata"):
        _respond(conn, 200, reference.metadata())
    else:
        _respond(conn, 500, f"crashed handling {request.headers}", "text/plain")


def test_the_token_is_sent_and_never_shown(
    fake: Callable[[Handler], FakeEngine],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(ENV_NAME, TOKEN)
    engine = fake(guarded)
    adapter = HttpAdapter(f"http:{engine.url}", AdapterOptions(timeout=TIMEOUT, token_env=ENV_NAME))
    try:
        assert adapter.metadata() == reference.metadata()
        with pytest.raises(EngineError) as caught:
            adapter.decide(CASE)
        error = caught.value
        # The fake echoed the header: proof the token went out, and that the report hides it.
        assert "Bearer [token]" in error.detail
        shown = [
            str(error),
            repr(error),
            error.detail,
            error.reason,
            repr(adapter),
            str(vars(adapter)),
        ]
        shown += [str(error.__cause__), str(error.__context__), caplog.text]
        for text in shown:
            assert TOKEN not in text
    finally:
        adapter.close()


def test_without_the_token_the_engine_refuses(
    fake: Callable[[Handler], FakeEngine],
) -> None:
    engine = fake(guarded)
    adapter = HttpAdapter(f"http:{engine.url}", FAST)
    try:
        with pytest.raises(EngineError) as caught:
            adapter.decide(CASE)
        assert caught.value.reason.startswith("HTTP 401")
    finally:
        adapter.close()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_unset_token_variable_is_a_spec_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(ENV_NAME, raising=False)
    else:
        monkeypatch.setenv(ENV_NAME, value)
    with pytest.raises(AdapterSpecError, match=ENV_NAME) as caught:
        HttpAdapter("http:http://127.0.0.1:9/v1", AdapterOptions(token_env=ENV_NAME))
    assert "unset or empty" in str(caught.value)


def test_a_token_that_cannot_go_in_a_header_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = f"{TOKEN} \n{TOKEN}"
    monkeypatch.setenv(ENV_NAME, bad)
    with pytest.raises(AdapterSpecError, match=ENV_NAME) as caught:
        HttpAdapter("http:http://127.0.0.1:9/v1", AdapterOptions(token_env=ENV_NAME))
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)


# --- the adapter string and options ---------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "http:",
        "http:127.0.0.1:8000/v1",
        "http:ftp://engine/v1",
        "http:http://",
        "http:http://e/v1?x=1",
    ],
)
def test_a_bad_base_url_is_a_spec_error(spec: str) -> None:
    with pytest.raises(AdapterSpecError):
        HttpAdapter(spec, FAST)


def test_credentials_in_the_url_are_refused_without_being_repeated() -> None:
    with pytest.raises(AdapterSpecError, match="--token-env") as caught:
        HttpAdapter(f"http:http://vendor:{TOKEN}@127.0.0.1:9/v1", FAST)
    assert TOKEN not in str(caught.value)


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A private CA and a certificate it signed for 127.0.0.1: (ca.pem, server.pem, server.key)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def certificate(
        subject: str, key: Any, issuer: str, signer: Any, ca: bool, san: Any = None
    ) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san is not None:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate("test CA", ca_key, "test CA", ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    san = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server_cert = certificate("127.0.0.1", server_key, "test CA", ca_key, ca=False, san=san)
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca_cert.public_bytes(pem))
    paths[1].write_bytes(server_cert.public_bytes(pem))
    paths[2].write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def test_https_is_verified_against_the_ca_bundle(
    fake: Callable[[Handler], FakeEngine], tmp_path: Path
) -> None:
    ca, cert, key = _certificates(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    engine = FakeEngine(metadata_then(answering(200, DECISION)), tls=tls)
    try:
        trusting = HttpAdapter(f"http:{engine.url}", AdapterOptions(timeout=2, ca_bundle=str(ca)))
        try:
            assert trusting.decide(CASE) == DECISION
        finally:
            trusting.close()
        # Without the private CA the same engine is not trusted: verification is on.
        doubting = HttpAdapter(f"http:{engine.url}", AdapterOptions(timeout=2))
        try:
            with pytest.raises(EngineUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
                doubting.metadata()
        finally:
            doubting.close()
    finally:
        engine.close()


def test_a_missing_ca_bundle_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterSpecError, match="CA bundle"):
        HttpAdapter(
            "http:https://engine.example/v1", AdapterOptions(ca_bundle=str(tmp_path / "no.pem"))
        )
