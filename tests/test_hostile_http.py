"""HTTP engines that try to outlast, out-size, confuse or rob the kit, on loopback fakes.

Each fake holds a case past its deadline by a means httpx's per-read timeouts let through, or
sends a bomb, answers out of step or echoes the bearer token in forms the old redaction missed.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.adapters import AdapterOptions, EngineError
from policy_conformance.adapters.errors import AnswerTooDeep
from policy_conformance.adapters.http import HttpAdapter
from policy_conformance.reference import engine as reference
from tests.kit import conformance
from tests.test_http_adapter import (
    CASE,
    DECISION,
    ENV_NAME,
    TOKEN,
    FakeEngine,
    Handler,
    Request,
    _respond,
    metadata_then,
)

TIMEOUT = 0.5
FAST = AdapterOptions(timeout=TIMEOUT, connect_timeout=TIMEOUT)
# Long enough that a kit without a deadline over the whole exchange visibly fails the test.
HOLD_STEPS = 100


@pytest.fixture
def connect() -> Iterator[Callable[..., HttpAdapter]]:
    started: list[tuple[FakeEngine, HttpAdapter]] = []

    def open_on(handler: Handler, options: AdapterOptions = FAST) -> HttpAdapter:
        engine = FakeEngine(handler)
        adapter = HttpAdapter(f"http:{engine.url}", options)
        started.append((engine, adapter))
        return adapter

    yield open_on
    for engine, adapter in started:
        adapter.close()
        engine.close()


#: Set by a holding fake when the kit hung up on it before it had finished holding.
CUT_SHORT = threading.Event()


def holding(opening: bytes, step: Callable[[int], bytes], ending: bytes) -> Handler:
    """A fake that sends ``opening``, then ``step(n)`` ten times a second for ten seconds."""

    def handler(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        try:
            conn.sendall(opening)
            for n in range(HOLD_STEPS):
                conn.sendall(step(n))
                if stop.wait(0.1):
                    return
            conn.sendall(ending)
        except OSError:
            CUT_SHORT.set()
            raise

    return handler


_BODY = json.dumps({**DECISION, "case_id": CASE["case_id"]}).encode()
_ANSWER = b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(_BODY), _BODY)

processing_every_tenth_of_a_second = holding(
    b"", lambda n: b"HTTP/1.1 102 Processing\r\n\r\n", b"HTTP/1.1 200 OK\r\n" + _ANSWER
)
headers_a_line_at_a_time = holding(
    b"HTTP/1.1 200 OK\r\n", lambda n: b"X-Still-Thinking-%d: yes\r\n" % n, _ANSWER
)


@functools.cache
def _bomb() -> bytes:
    # 64 MiB of zeros, compressed twice: a few hundred bytes on the wire.
    return gzip.compress(gzip.compress(bytes(64 * 1024 * 1024)))


def gzip_bomb(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    body = _bomb()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Encoding: gzip, gzip\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    conn.sendall(head.encode() + body)


def answers_each_request_twice() -> Handler:
    """Each answer is sent twice, the second copy just before the next answer."""
    previous: list[bytes] = []

    def handler(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        case_id = json.loads(request.body)["case_id"]
        body = json.dumps({**DECISION, "case_id": case_id}).encode()
        answer = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        conn.sendall(b"".join(previous) + answer)
        previous[:] = [answer]

    return handler


def echoes_the_token(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    header = request.headers.get("authorization", "")
    forms = {
        "header": header,
        "base64": base64.b64encode(header.encode()).decode(),
        "inside base64": base64.b64encode(f"auth={header};".encode()).decode(),
        "url": urllib.parse.quote(header, safe=""),
    }
    if request.path.endswith("/metadata"):
        _respond(conn, 200, {"name": f"engine for {header}", "contract_version": "1.0"})
        return
    decision = {**DECISION, "case_id": json.loads(request.body)["case_id"]}
    _respond(conn, 200, {**decision, "echo": [forms], header: "as a key"})


def nests_deeply(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    body = json.dumps({**DECISION, "case_id": CASE["case_id"]})
    _respond(conn, 200, body[:-1] + ', "evidence": ' + "[" * 1000 + "]" * 1000 + "}")


@pytest.mark.parametrize("handler", [processing_every_tenth_of_a_second, headers_a_line_at_a_time])
def test_nothing_the_engine_sends_extends_the_deadline(
    connect: Callable[..., HttpAdapter], handler: Handler
) -> None:
    CUT_SHORT.clear()
    adapter = connect(metadata_then(handler))
    with pytest.raises(EngineError, match=r"no complete answer within 0\.5 s"):
        adapter.decide(CASE)
    # The kit hung up while the engine was still holding the line, not after it let go.
    assert CUT_SHORT.wait(5)


def test_a_compression_bomb_is_refused_undecoded(connect: Callable[..., HttpAdapter]) -> None:
    _bomb()  # built before the clock starts: the fake must answer at once
    adapter = connect(metadata_then(gzip_bomb))
    with pytest.raises(EngineError, match="Content-Encoding 'gzip, gzip'") as caught:
        adapter.decide(CASE)
    assert len(str(caught.value)) < 10_000


def test_an_engine_out_of_step_never_gets_another_cases_answer_graded(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(metadata_then(answers_each_request_twice()))
    out_of_step = 0
    for number in range(4):
        case = {**CASE, "case_id": f"twice-{number}"}
        try:
            decision = adapter.decide(case)
        except EngineError as exc:
            assert "out of step" in exc.reason
            out_of_step += 1
        else:
            assert decision["case_id"] == case["case_id"]
    # The stale copies were met (and refused), not graded.
    assert out_of_step >= 1


def test_the_token_is_redacted_from_answers_and_metadata_in_every_form(
    connect: Callable[..., HttpAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_NAME, TOKEN)
    adapter = connect(
        metadata_then(echoes_the_token),
        AdapterOptions(timeout=5, connect_timeout=5, token_env=ENV_NAME),
    )
    decision: Any = adapter.decide(CASE)
    shown = json.dumps([decision, adapter.metadata()])
    header = f"Bearer {TOKEN}"
    for leaked in (
        TOKEN,
        base64.b64encode(header.encode()).decode(),
        base64.b64encode(f"auth={header};".encode()).decode()[8:-8],
        urllib.parse.quote(TOKEN, safe=""),
    ):
        assert leaked not in shown
    assert "Bearer [token]" in decision["echo"][0]["header"]
    assert decision["Bearer [token]"] == "as a key"


def test_an_answer_nested_too_deep_is_refused_before_it_is_parsed(
    connect: Callable[..., HttpAdapter],
) -> None:
    adapter = connect(metadata_then(nests_deeply))
    with pytest.raises(AnswerTooDeep, match="more than 64 deep"):
        adapter.decide(CASE)


#: What an engine might make of the token short of echoing it whole: every one is still a leak.
NEAR_COPIES = {
    "lower case": TOKEN.lower(),
    "upper case": TOKEN.upper(),
    "less its last character": TOKEN[:-1],
    "less its first character": TOKEN[1:],
    "its first eight characters": TOKEN[:8],
    "its last eight characters": TOKEN[-8:],
    "swapped case, less its last two": TOKEN.swapcase()[:-2],
}


def echoes_near_copies(request: Request, conn: socket.socket, stop: threading.Event) -> None:
    if request.path.endswith("/metadata"):
        _respond(conn, 200, {"name": f"engine {TOKEN[:-1]}", "contract_version": "1.0"})
        return
    case_id = json.loads(request.body)["case_id"]
    if case_id == "broken":
        _respond(conn, 500, {"trace": [f"auth {copy} refused" for copy in NEAR_COPIES.values()]})
        return
    _respond(conn, 200, {**DECISION, "case_id": case_id, "echo": NEAR_COPIES})


def test_near_copies_of_the_token_are_redacted_too(
    connect: Callable[..., HttpAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_NAME, TOKEN)
    adapter = connect(
        metadata_then(echoes_near_copies),
        AdapterOptions(timeout=5, connect_timeout=5, token_env=ENV_NAME),
    )
    decision: Any = adapter.decide(CASE)
    with pytest.raises(EngineError) as caught:
        adapter.decide({**CASE, "case_id": "broken"})
    shown = json.dumps([decision, adapter.metadata()]) + str(caught.value) + caught.value.detail
    for how, copy in NEAR_COPIES.items():
        assert copy not in shown, how
        assert copy.lower() not in shown.lower(), how
    assert set(decision["echo"].values()) == {"[token]"}
    # Pieces shorter than eight characters are ordinary text, not the token.
    assert adapter._scrub(f"a {TOKEN[:7]} b") == f"a {TOKEN[:7]} b"


def echoes_near_copies_wrongly(
    request: Request, conn: socket.socket, stop: threading.Event
) -> None:
    if request.path.endswith("/metadata"):
        _respond(conn, 200, {**reference.metadata(), "name": f"engine {TOKEN[:-1]}"})
        return
    decision = reference.decide(json.loads(request.body))
    # A wrong determination, so that the echo is quoted in the failure everywhere it is shown.
    _respond(conn, 200, {**decision, "determination": TOKEN.lower(), "rationale": TOKEN[1:]})


def test_near_copies_of_the_token_reach_no_output_of_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FakeEngine(metadata_then(echoes_near_copies_wrongly))
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    try:
        run = conformance(
            "run", "--adapter", f"http:{engine.url}", "--token-env", ENV_NAME,
            "--clause", "INO-RR-BALL", f"--junitxml={junit}", report=report,
            env={ENV_NAME: TOKEN},
        )  # fmt: skip
    finally:
        engine.close()
    assert run.code == 1, run.out[-2000:] + run.err
    shown = "\n".join([run.out, run.err, report.read_text(), junit.read_text()]).lower()
    assert "[token]" in shown
    for copy in (TOKEN, TOKEN[:-1], TOKEN[1:], TOKEN[:8], TOKEN[-8:]):
        assert copy.lower() not in shown, copy
