"""The whole suite passes against the reference engine through every adapter kind.

The tests start the engines themselves, on loopback or as child processes, and stop them; each
run goes through `conformance run` exactly as a vendor would type it.
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import httpx
import pytest

from policy_conformance.grading import HARM_CLASSES
from policy_conformance.reference import metadata
from tests.kit import KIT_ROOT, LIMIT_PER_SCENARIO, Run, conformance, scenario_count

pytestmark = pytest.mark.slow

PYTHON = shlex.quote(sys.executable)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served_reference() -> Iterator[str]:
    """`conformance serve-reference` in a child process, as a vendor's second shell would run it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "policy_conformance", "serve-reference", "--port", str(port)],
        cwd=KIT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/metadata", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "serve-reference did not start"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
    assert server.returncode is not None


@cache
def _every_scenario() -> int:
    """How many scenarios the whole run has: every pack's, as `conformance run` collects them."""
    listed = conformance("run", "--collect-only", "-q")
    assert listed.code == 0, listed.out[-2000:] + listed.err
    found = re.search(r"^no verdict: (\d+) of \d+ scenarios listed", listed.out, re.MULTILINE)
    assert found, listed.out[-2000:]
    return int(found.group(1))


def _all_conformant(run: Run) -> None:
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert {c["verdict"] for c in run.report["clauses"]} == {"conformant"}
    # The reference implements every pack: each is checked, and each is conformant.
    packs = [(p["id"], p["checked"], p["verdict"]) for p in run.report["packs"]]
    assert all(checked and verdict == "conformant" for _, checked, verdict in packs), packs
    assert "verdict by pack:" in run.out
    assert {"contract", "inotuzumab_besponsa", "blincyto_bcbsnd"} <= {
        p["id"] for p in run.report["packs"]
    }
    assert run.report["totals"] == {
        "passed": _every_scenario(),
        "failed": 0,
        "errored": 0,
        "skipped": 0,
        "known": 0,
        "harm": dict.fromkeys(HARM_CLASSES, 0),
    }


def test_suite_passes_over_http(served_reference: str, tmp_path: Path) -> None:
    run = conformance("run", "--adapter", f"http:{served_reference}", report=tmp_path / "r.json")
    _all_conformant(run)
    reference = metadata()
    assert (
        f"engine: policy-conformance reference engine {reference['version']} via http:" in run.out
    )
    # The server passes on what the reference declares: every policy, each with its version.
    assert run.report is not None and run.report["engine"]["policies"] == reference["policies"]
    assert {"id": "inotuzumab_besponsa", "version": "2020-11"} in reference["policies"]


def test_suite_passes_over_json_lines(tmp_path: Path) -> None:
    spec = f"jsonl:{PYTHON} -m reference --jsonl"
    _all_conformant(conformance("run", "--adapter", spec, report=tmp_path / "r.json"))


# A process a case, three cases a scenario: the whole suite this way is run apart from the
# default command (see tests/README.md), with a limit that grows with the scenarios it runs.
@pytest.mark.slow
@pytest.mark.exhaustive
def test_suite_passes_over_one_shot_commands(tmp_path: Path) -> None:
    spec = f"cli:{PYTHON} -m reference --oneshot"
    limit = LIMIT_PER_SCENARIO * scenario_count()
    _all_conformant(
        conformance("run", "--adapter", spec, report=tmp_path / "r.json", timeout=limit)
    )


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A loopback port bound but not listening: connections are refused, and nobody can take it."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield int(bound.getsockname()[1])


# The port is filled in by the test, not at collection: pytest-xdist's workers each collect the
# suite and must find the same test ids.
@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("http:http://127.0.0.1:{port}/v1", "the engine cannot be reached: http:"),
        ("jsonl:/nonexistent/engine --jsonl", "the engine cannot be reached: jsonl:"),
        ("cli:/nonexistent/engine", "the engine cannot be reached: cli:"),
    ],
    ids=["http", "jsonl", "cli"],
)
def test_an_engine_that_cannot_be_reached_exits_3_with_one_line(
    spec: str, message: str, refusing_port: int
) -> None:
    spec = spec.format(port=refusing_port)
    run = conformance("run", "--adapter", spec, "--connect-timeout", "2")
    assert run.code == 3, run.out[-2000:] + run.err
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert "Traceback" not in run.err


def test_a_third_party_adapter_kind_arrives_through_the_entry_point_group(tmp_path: Path) -> None:
    # A vendor's package, installed beside the kit: one module and its entry-point metadata.
    (tmp_path / "vendor_adapter.py").write_text(
        "from adapters import from_function\n"
        "from reference import decide\n"
        "class VendorAdapter:\n"
        "    def __init__(self, spec, options):\n"
        "        self.spec = spec\n"
        "        self._inner = from_function(decide)\n"
        "    def metadata(self):\n"
        "        return {'name': 'vendor protocol', 'contract_version': '3.0'}\n"
        "    def decide(self, case):\n"
        "        return self._inner.decide(case)\n"
        "    def close(self):\n"
        "        pass\n"
    )
    info = tmp_path / "vendor_adapter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vendor-adapter\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[policy_conformance.adapters]\nvendor = vendor_adapter:VendorAdapter\n"
    )
    run = conformance(
        "run",
        "--adapter",
        "vendor:anything",
        "--clause",
        "INO-RR-BALL",
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert run.code == 0, run.out[-2000:] + run.err
    assert "engine: vendor protocol via vendor:anything" in run.out
