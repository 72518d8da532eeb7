"""``serve-reference`` probed as hard as it probes: every malformed request gets a 4xx, a slow
client is cut off, connections beyond the limit are refused, a flood of slow clients does not
keep good requests out, and the log is written at a bounded rate. The server runs on a loopback
port for each test, with its limits lowered to keep it quick.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from policy_conformance.reference.server import LOG_RECORDS_PER_SECOND, running
from tests.kit import example

CASE = example("case-primary-indication")
# A case whose evidence nests a hundred deep, and one whose id is half a surrogate pair.
DEEP_CASE = json.dumps({**CASE, "evidence": "X"}).replace('"X"', "[" * 100 + "]" * 100).encode()
LONE_SURROGATE = json.dumps({**CASE, "case_id": "\ud800"}).encode()
LIMITS = {"headers_timeout": 0.3, "body_timeout": 0.3, "max_connections": 4}


@pytest.fixture
def root() -> Iterator[str]:
    with running(**LIMITS) as url:
        yield url


def post(root: str, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(
        f"{root}/v1/decisions", content=body, headers={"Content-Type": content_type}, timeout=10
    )


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "more than 64 deep"),
        (DEEP_CASE, "application/json", "more than 64 deep"),
        (LONE_SURROGATE, "application/json", "not valid Unicode"),
        (b'{"case_id": ', "application/json", "not JSON"),
        (json.dumps(CASE).encode(), "text/plain", "must be application/json"),
    ],
)
def test_a_malformed_request_gets_a_4xx_rejection(
    root: str, body: bytes, content_type: str, message: str
) -> None:
    answer = post(root, body, content_type)
    assert 400 <= answer.status_code < 500
    assert message in answer.json()["errors"][0]["message"]


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server ends the connection (rather than leave it open for ten seconds)."""
    sock.settimeout(10)
    try:
        while data := sock.recv(65536):
            if data.endswith(b"}"):  # an answer: the server is still serving this line
                return False
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


@pytest.mark.parametrize(
    "sent",
    [
        b"POST /v1/decisions HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        b"POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{",  # body never finished
        b"",  # connected, said nothing
    ],
)
def test_a_half_sent_request_is_cut_off(root: str, sent: bytes) -> None:
    port = int(root.rpartition(":")[2])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(sent)
        assert _closed_by_server(sock)


def test_connections_beyond_the_limit_are_refused_and_good_requests_go_on(root: str) -> None:
    port = int(root.rpartition(":")[2])
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
    try:
        refused = sum(_closed_by_server(sock) for sock in idle[4:])
        assert refused == 4
    finally:
        for sock in idle:
            sock.close()
    assert post(root, json.dumps(CASE).encode()).status_code == 200


def test_the_log_is_written_at_a_bounded_rate(root: str) -> None:
    written: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            written.append(record)

    logger = logging.getLogger("uvicorn.error")
    keep = Keep()
    logger.addHandler(keep)
    try:
        first = int(time.monotonic())
        for n in range(2000):
            logger.warning("invalid request %d", n)
        windows = int(time.monotonic()) - first + 1
    finally:
        logger.removeHandler(keep)
    assert 0 < len(written) <= LOG_RECORDS_PER_SECOND * windows


#: A flood as an attacker would send it: more slow clients than the server has slots.
FLOOD = 300
SLOW_HEADERS = b"POST /v1/decisions HTTP/1.1\r\nHost: x\r\n"
SLOW_BODY = (
    b"POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100\r\n\r\n{"
)


def test_good_requests_are_answered_through_a_flood_of_slow_clients() -> None:
    # The shipped cap, and timeouts long enough that no slot is freed by a deadline in the test.
    with running(headers_timeout=60, body_timeout=60, max_connections=256) as root:
        port = int(root.rpartition(":")[2])
        flood: list[socket.socket] = []
        try:
            for number in range(FLOOD):
                sock = socket.create_connection(("127.0.0.1", port))
                sock.sendall(SLOW_BODY if number % 3 == 0 else SLOW_HEADERS)
                flood.append(sock)
            answered = 0
            for _ in range(5):
                with httpx.Client(timeout=10) as client:
                    answer = client.post(f"{root}/v1/decisions", json=CASE)
                answered += answer.status_code == 200
                # The flood keeps coming between good requests.
                for _more in range(20):
                    sock = socket.create_connection(("127.0.0.1", port))
                    sock.sendall(SLOW_HEADERS)
                    flood.append(sock)
            assert answered == 5
        finally:
            for sock in flood:
                sock.close()
