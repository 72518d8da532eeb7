"""A broken engine breaks only the scenarios it touches: the run completes and keeps the rest.

Each fault is committed by a fake engine on the lymphoma cases only (tests/fakes/
faulty_reference.py for the JSON-lines kind, an ASGI wrapper here for HTTP); every other case is
decided by the reference engine. The runs go through `conformance run --pack
inotuzumab_besponsa` (the contract pack comes along: its requests are Inotuzumab's), so that the
counts are the Inotuzumab pack's whatever other packs the kit has; afterwards no engine process is
left behind.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from policy_conformance.reference import decide, metadata
from policy_conformance.reference.server import running
from tests.kit import Run, conformance

pytestmark = pytest.mark.slow

FAKE = Path(__file__).resolve().parent / "fakes" / "faulty_reference.py"
LYMPHOMA_SCENARIOS = 38
#: The scenarios of the Inotuzumab and contract packs, all that `--pack inotuzumab_besponsa` runs.
INOTUZUMAB_SCENARIOS = 161
PACK = ("--pack", "inotuzumab_besponsa")


def _processes_running(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in command and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def _run_faulty_jsonl(fault: str, trigger: str, tmp_path: Path, *extra: str) -> Run:
    # The test's own folder, an argument the fake ignores, marks this run's engine processes in
    # their command lines: tests running beside this one (pytest -n) start the same fake, and
    # only a survivor of this run may fail this test.
    marker = str(tmp_path)
    spec = f"jsonl:{shlex.join([sys.executable, str(FAKE), fault, trigger, marker])}"
    run = conformance("run", "--adapter", spec, *PACK, *extra, report=tmp_path / "r.json")
    assert _processes_running(f"{FAKE} {fault} {trigger} {marker}") == [], (
        "an engine process outlived the run"
    )
    return run


def _errored(run: Run) -> list[dict[str, Any]]:
    assert run.report is not None, run.err
    return [s for s in run.report["scenarios"] if s["outcome"] == "errored"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("crash", "the engine closed its output without answering"),
        ("garbage", "a line that is not JSON"),
        ("other-case", "the engine answered for another case"),
        ("megabytes", "more than"),
    ],
)
def test_json_lines_engine_faults_error_only_the_lymphoma_scenarios(
    fault: str, message: str, tmp_path: Path
) -> None:
    run = _run_faulty_jsonl(fault, "lymphoma", tmp_path)
    assert run.code == 4, run.out[-3000:] + run.err
    errored = _errored(run)
    assert len(errored) == LYMPHOMA_SCENARIOS
    assert all(message in s["message"] and "jsonl:" in s["message"] for s in errored)
    assert run.report is not None
    assert run.report["totals"]["passed"] == INOTUZUMAB_SCENARIOS - LYMPHOMA_SCENARIOS
    assert run.report["totals"]["failed"] == 0
    assert run.verdict("INO-CODES") == "conformant"
    assert run.verdict("INO-INV-UNSUPPORTED") == "errored"


def test_a_crashing_engine_shows_its_stderr_with_the_failure(tmp_path: Path) -> None:
    run = _run_faulty_jsonl("crash", "lymphoma", tmp_path)
    assert "KeyError: 'lymphoma rules'" in run.out


def test_a_hung_engine_is_killed_after_the_timeout_and_the_run_goes_on(tmp_path: Path) -> None:
    run = _run_faulty_jsonl("hang", "burkitt", tmp_path, "--engine-timeout", "1")
    assert run.code == 4, run.out[-3000:]
    errored = _errored(run)
    assert [s["name"] for s in errored] == [
        "Other lymphomas without support are investigational [Burkitt lymphoma-C83.70]"
    ]
    assert "no answer within 1 s" in errored[0]["message"]
    assert run.report is not None
    assert run.report["totals"]["passed"] == INOTUZUMAB_SCENARIOS - 1


def test_a_decision_that_breaks_the_contract_fails_and_does_not_error(tmp_path: Path) -> None:
    run = _run_faulty_jsonl("invalid-decision", "lymphoma", tmp_path)
    assert run.code == 1
    assert _errored(run) == []
    assert "'determination' is a required property" in run.out


def _faulty_http(fault: str, trigger: str) -> Starlette:
    async def decisions(request: Request) -> Response:
        case = json.loads(await request.body())
        if trigger in str(case.get("clinical", {}).get("disease", "")):
            if fault == "500":
                return PlainTextResponse("rules engine exploded", status_code=500)
            if fault == "hang":
                try:
                    await asyncio.sleep(30)
                except asyncio.CancelledError:
                    # The server is shutting down under a hung request: end it quietly.
                    return PlainTextResponse("", status_code=503)
        reply = decide(case)
        return JSONResponse(reply, status_code=422 if "errors" in reply else 200)

    async def describe(request: Request) -> Response:
        return JSONResponse(metadata())

    return Starlette(
        routes=[
            Route("/v1/metadata", describe),
            Route("/v1/decisions", decisions, methods=["POST"]),
        ]
    )


@pytest.fixture
def faulty_server(request: pytest.FixtureRequest) -> Iterator[str]:
    with running(_faulty_http(*request.param)) as url:
        yield f"{url}/v1"


@pytest.mark.parametrize(
    ("faulty_server", "message", "extra", "touched"),
    [
        (("500", "lymphoma"), "HTTP 500", [], LYMPHOMA_SCENARIOS),
        (("hang", "burkitt"), "no answer within 1 s", ["--engine-timeout", "1"], 1),
    ],
    indirect=["faulty_server"],
)
def test_http_engine_faults_error_only_the_scenarios_they_touch(
    faulty_server: str, message: str, extra: list[str], touched: int, tmp_path: Path
) -> None:
    run = conformance(
        "run", "--adapter", f"http:{faulty_server}", *PACK, *extra, report=tmp_path / "r.json"
    )
    assert run.code == 4, run.out[-3000:] + run.err
    errored = _errored(run)
    assert len(errored) == touched
    assert all(message in s["message"] for s in errored), errored[0]["message"]
    assert run.report is not None
    assert run.report["totals"]["passed"] == INOTUZUMAB_SCENARIOS - touched
