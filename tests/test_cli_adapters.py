"""The command-line adapters (``cli:`` and ``jsonl:``) against the reference engine and the fakes.

Every failure the adapters claim to handle has a fake in ``tests/fakes`` that commits it; each
test checks the error's exact type, the key words of its message, the engine's stderr in its
detail, and that no process the adapter started (nor any grandchild) outlives it.
"""

from __future__ import annotations

import copy
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from policy_conformance import contract, reference
from policy_conformance.adapters import (
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
    open_adapter,
)
from policy_conformance.adapters.cli import OneShotAdapter
from policy_conformance.adapters.jsonl import PROTOCOL_SCHEMA, JsonLinesAdapter, protocol_violation
from policy_conformance.adapters.process import MAX_REPLY_BYTES, STDERR_TAIL_BYTES
from tests.kit import example

FAKES = Path(__file__).resolve().parent / "fakes"
KIT_ROOT = Path(__file__).resolve().parent.parent

CASE: dict[str, Any] = example("case-primary-indication")
MALFORMED_CASE: dict[str, Any] = {"case_id": "no-drug", "policy_id": "inotuzumab_besponsa"}

# Generous where an answer is expected, short where a hang is provoked.
PATIENT = AdapterOptions(timeout=10.0, connect_timeout=10.0)
# Quick enough for hangs, patient enough for an engine that starts on a loaded machine (the
# suite runs on two workers beside other work); NO_PATIENCE only where not greeting is the fault.
QUICK = AdapterOptions(timeout=2.0, connect_timeout=10.0)
NO_PATIENCE = AdapterOptions(timeout=2.0, connect_timeout=0.5)


def command(*words: str) -> str:
    return shlex.join([sys.executable, *words])


def fake(kind: str, *args: str) -> str:
    script = FAKES / ("oneshot_engine.py" if kind == "cli" else "jsonl_engine.py")
    return f"{kind}:{command(str(script), *args)}"


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie awaiting its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def gone(pids: list[int], within: float = 2.0) -> bool:
    """Whether every process in ``pids`` has ended, allowing a moment for the kernel."""
    deadline = time.monotonic() + within
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def grandchild_pid(pid_file: Path) -> int:
    deadline = time.monotonic() + 5
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the fake never wrote its grandchild's pid"
        time.sleep(0.01)
    return int(pid_file.read_text())


def check_error(
    excinfo: pytest.ExceptionInfo[EngineError],
    kind: type[EngineError],
    phrase: str,
    stderr_phrase: str | None = None,
) -> None:
    error = excinfo.value
    assert type(error) is kind, f"{type(error).__name__}: {error}"
    assert phrase in error.reason, error.reason
    assert error.adapter in str(error)
    if stderr_phrase is not None:
        assert stderr_phrase in error.detail, error.detail


@pytest.fixture
def open_engine() -> Iterator[Any]:
    """Open adapters that are closed (and checked for leftover processes) after the test."""
    opened: list[OneShotAdapter | JsonLinesAdapter] = []

    def _open(spec: str, options: AdapterOptions = PATIENT) -> Any:
        adapter = open_adapter(spec, options)
        assert isinstance(adapter, OneShotAdapter | JsonLinesAdapter)
        opened.append(adapter)
        return adapter

    yield _open
    for adapter in opened:
        adapter.close()
        assert gone(adapter.started_pids), f"{adapter.spec} left processes running"


# -- the reference engine, both ways --------------------------------------------------------------

REFERENCE_ONESHOT = f"cli:{command('-m', 'reference', '--oneshot')}"
REFERENCE_JSONL = f"jsonl:{command('-m', 'reference', '--jsonl')}"


def test_the_case_used_here_is_valid() -> None:
    assert contract.violations("case", CASE) == []
    assert contract.violations("case", MALFORMED_CASE) != []


@pytest.mark.parametrize("spec", [REFERENCE_ONESHOT, REFERENCE_JSONL], ids=["cli", "jsonl"])
def test_reference_round_trip(spec: str, open_engine: Any) -> None:
    adapter = open_engine(spec)
    assert adapter.metadata() == reference.metadata()
    assert adapter.decide(CASE) == reference.decide(copy.deepcopy(CASE))
    assert adapter.decide(MALFORMED_CASE) == reference.decide(copy.deepcopy(MALFORMED_CASE))
    # Not even an object: still the engine's to reject, not the adapter's to refuse.
    assert adapter.decide([1, 2]) == reference.decide([1, 2])


def test_jsonl_reference_keeps_one_process(open_engine: Any) -> None:
    adapter = open_engine(REFERENCE_JSONL)
    adapter.metadata()
    for n in range(5):
        assert adapter.decide({**CASE, "case_id": f"case-{n}"})["case_id"] == f"case-{n}"
    assert len(adapter.started_pids) == 1
    adapter.close()
    assert gone(adapter.started_pids)
    adapter.close()  # safe twice


def test_oneshot_reference_rejects_input_that_is_not_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reference", "--oneshot"],
        input=b"{not json",
        capture_output=True,
        cwd=KIT_ROOT,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    reply = json.loads(result.stdout)
    assert contract.violations("rejection", reply) == []
    assert "not JSON" in reply["errors"][0]["message"]


def test_reference_refuses_an_unknown_mode() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reference", "--bogus"], capture_output=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert b"usage" in result.stderr


def test_reference_transcript_follows_the_protocol_strictly() -> None:
    lines = [
        {"cmd": "start", "version": 1},
        {"cmd": "decide", "seq": 1, "case": CASE},
        {"cmd": "decide", "seq": 2, "case": MALFORMED_CASE},
        {"cmd": "stop"},
    ]
    for message in lines:
        assert protocol_violation("kit_to_engine", message, strict=True) is None
    result = subprocess.run(
        [sys.executable, "-m", "reference", "--jsonl"],
        input="".join(json.dumps(m) + "\n" for m in lines).encode(),
        capture_output=True,
        timeout=30,
        check=True,
    )
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 3
    for reply in replies:
        assert protocol_violation("engine_to_kit", reply, strict=True) is None
    assert [r.get("seq") for r in replies] == [None, 1, 2]
    assert "decision" in replies[1] and "rejection" in replies[2]


# -- the protocol schema --------------------------------------------------------------------------


def test_protocol_schema_is_a_valid_schema_with_the_contract_id() -> None:
    document = json.loads(PROTOCOL_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    assert document["$id"] == "https://policy-conformance.org/contract/3/jsonl-protocol.schema.json"
    ids = {contract.schema(n)["$id"] for n in ("decision", "rejection", "metadata")}
    refs = {d.get("$ref") for d in document["$defs"].values()}
    assert ids <= refs


def test_payloads_are_loose_for_the_adapter_and_strict_on_request() -> None:
    reply = {"seq": 1, "case_id": "a", "decision": {"outcome": "maybe"}}
    assert protocol_violation("reply", reply) is None
    problem = protocol_violation("reply", reply, strict=True)
    assert problem is not None and "#/$defs/reply/properties/decision" in problem


def test_protocol_violation_names_the_schema_path() -> None:
    problem = protocol_violation("reply", {"seq": "one", "case_id": "a", "decision": {}})
    assert problem is not None
    assert "$.seq" in problem and "#/$defs/reply/properties/seq" in problem
    both = protocol_violation("reply", {"seq": 1, "case_id": "a", "decision": {}, "rejection": {}})
    assert both is not None and "#/$defs/reply/oneOf" in both


# -- adapter strings ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cli", "jsonl"])
@pytest.mark.parametrize("target", ["   ", "python 'unterminated"])
def test_a_bad_command_is_a_spec_error(kind: str, target: str) -> None:
    with pytest.raises(AdapterSpecError, match=kind):
        open_adapter(f"{kind}:{target}")


@pytest.mark.parametrize("kind", ["cli", "jsonl"])
def test_a_missing_program_is_unreachable(kind: str, open_engine: Any) -> None:
    adapter = open_engine(f"{kind}:/nonexistent/engine-program --serve")
    for call in (adapter.metadata, lambda: adapter.decide(CASE)):
        with pytest.raises(EngineUnreachable) as excinfo:
            call()
        check_error(excinfo, EngineUnreachable, "cannot start '/nonexistent/engine-program'")


@pytest.mark.parametrize("kind", ["cli", "jsonl"])
def test_a_program_that_may_not_run_is_unreachable(
    kind: str, tmp_path: Path, open_engine: Any
) -> None:
    program = tmp_path / "engine"
    program.write_text("#!/bin/sh\necho hi\n")
    program.chmod(0o644)
    adapter = open_engine(f"{kind}:{shlex.quote(str(program))}")
    with pytest.raises(EngineUnreachable) as excinfo:
        adapter.metadata()
    check_error(excinfo, EngineUnreachable, "Permission denied")


# -- the one-shot adapter's faults ----------------------------------------------------------------

ONESHOT_FAULTS = [
    ("hang", "no answer within 2 s", None),
    ("term-ignore", "no answer within 2 s", None),
    ("crash", "the engine exited with status 1", "RuntimeError: fake crash in the rules table"),
    ("exit", "the engine exited with status 3", "the licence file has expired"),
    ("signal", "was killed by SIGKILL (signal 9)", "fake: about to be killed"),
    ("not-json", "printed output that is not JSON", None),
    ("empty", "printed nothing on stdout", None),
    ("array", "printed a JSON array, not an object", None),
    ("megabytes", f"answered more than {MAX_REPLY_BYTES} bytes", None),
]


@pytest.mark.parametrize(("mode", "phrase", "stderr_phrase"), ONESHOT_FAULTS)
def test_oneshot_fault_is_an_engine_error(
    mode: str, phrase: str, stderr_phrase: str | None, open_engine: Any
) -> None:
    adapter = open_engine(fake("cli", mode), QUICK)
    started = time.monotonic()
    with pytest.raises(EngineError) as excinfo:
        adapter.decide(CASE)
    check_error(excinfo, EngineError, phrase, stderr_phrase)
    assert time.monotonic() - started < 3
    assert gone(adapter.started_pids)


def test_oneshot_fake_answers_correctly(open_engine: Any) -> None:
    adapter = open_engine(fake("cli", "echo"))
    assert adapter.metadata()["name"] == "fake engine"
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    assert len(adapter.started_pids) == 2


def test_oneshot_metadata_unsupported_falls_back(open_engine: Any) -> None:
    spec = fake("cli", "no-metadata")
    adapter = open_engine(spec)
    assert adapter.metadata() == {"name": spec.partition(":")[2], "contract_version": "3.0"}


def test_oneshot_metadata_failure_is_unreachable(open_engine: Any) -> None:
    adapter = open_engine(fake("cli", "bad-metadata"))
    with pytest.raises(EngineUnreachable) as excinfo:
        adapter.metadata()
    check_error(
        excinfo,
        EngineUnreachable,
        "metadata request failed: the engine exited with status 1",
        "no metadata today",
    )
    # The engine still answers cases; only its self-description is broken.
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]


def test_oneshot_metadata_that_hangs_is_unreachable(open_engine: Any) -> None:
    # Metadata is asked for within the connect timeout: the time an engine has to be reachable.
    adapter = open_engine(fake("cli", "hang"), NO_PATIENCE)
    with pytest.raises(EngineUnreachable) as excinfo:
        adapter.metadata()
    check_error(excinfo, EngineUnreachable, "metadata request failed: no answer within 0.5 s")


def test_oneshot_chatty_stderr_neither_blocks_nor_grows(open_engine: Any) -> None:
    adapter = open_engine(fake("cli", "chatty"))
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    bad = open_engine(fake("cli", "exit"))
    with pytest.raises(EngineError) as excinfo:
        bad.decide(CASE)
    assert len(excinfo.value.detail.encode()) <= STDERR_TAIL_BYTES


def test_oneshot_stderr_tail_keeps_the_end(open_engine: Any, tmp_path: Path) -> None:
    script = tmp_path / "chatty_crash.py"
    script.write_text(
        "import sys\n"
        "for n in range(2000): sys.stderr.write(f'noise {n}\\n')\n"
        "sys.stderr.write('THE LAST WORD\\n')\n"
        "sys.exit(5)\n"
    )
    adapter = open_engine(f"cli:{command(str(script))}")
    with pytest.raises(EngineError) as excinfo:
        adapter.decide(CASE)
    check_error(excinfo, EngineError, "exited with status 5", "THE LAST WORD")
    assert "noise 0\n" not in excinfo.value.detail
    assert len(excinfo.value.detail.encode()) <= STDERR_TAIL_BYTES


def test_oneshot_grandchild_does_not_hold_the_answer_or_outlive_it(
    open_engine: Any, tmp_path: Path
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = open_engine(fake("cli", "grandchild", str(pid_file)))
    started = time.monotonic()
    # The grandchild holds stdout open for a minute; the engine's exit ends its answer.
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    assert time.monotonic() - started < 3
    assert gone([*adapter.started_pids, grandchild_pid(pid_file)])


def test_oneshot_timeout_kills_the_grandchild(open_engine: Any, tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = open_engine(fake("cli", "grandchild-hang", str(pid_file)), QUICK)
    with pytest.raises(EngineError) as excinfo:
        adapter.decide(CASE)
    check_error(excinfo, EngineError, "no answer within 2 s")
    assert gone([*adapter.started_pids, grandchild_pid(pid_file)])


# -- the JSON-lines adapter's handshake -----------------------------------------------------------

HANDSHAKE_FAULTS = [
    ("no-greeting", "did not greet within 0.5 s", None),
    ("garbled-greeting", "greeted with a line that is not JSON", None),
    ("bad-handshake", "'metadata' is a required property", None),
    ("wrong-version", "speaks JSON-lines protocol version 2; this kit speaks version 1", None),
    (
        "exit-at-start",
        "closed its output before greeting (it exited with status 2)",
        "cannot load the rules table",
    ),
]


@pytest.mark.parametrize(("mode", "phrase", "stderr_phrase"), HANDSHAKE_FAULTS)
def test_jsonl_handshake_fault_is_unreachable(
    mode: str, phrase: str, stderr_phrase: str | None, open_engine: Any
) -> None:
    adapter = open_engine(fake("jsonl", mode), NO_PATIENCE if mode == "no-greeting" else QUICK)
    with pytest.raises(EngineUnreachable) as excinfo:
        adapter.metadata()
    check_error(excinfo, EngineUnreachable, "handshake failed", stderr_phrase)
    assert phrase in excinfo.value.reason
    assert gone(adapter.started_pids)


def test_jsonl_malformed_greeting_names_the_schema_path(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "bad-handshake"))
    with pytest.raises(EngineUnreachable) as excinfo:
        adapter.metadata()
    assert "#/$defs/started/required" in excinfo.value.reason


# -- the JSON-lines adapter's case faults ---------------------------------------------------------

JSONL_FAULTS = [
    ("hang-on", "1", "no answer within 2 s", None),
    (
        "crash-on",
        "1",
        "closed its output without answering case 1 (it exited with status 1)",
        "RuntimeError: fake crash on case 1",
    ),
    (
        "die-after",
        "0",
        "closed its output without answering case 1 (it exited with status 3)",
        "dying after 0 cases",
    ),
    ("other-case", "0", "answered for another case", None),
    ("wrong-seq", "0", "answered for another case: sent seq 1", None),
    ("not-json-reply", "0", "answered with a line that is not JSON", None),
    ("malformed-reply", "0", "#/$defs/reply/properties/decision", None),
    ("megabytes", "0", f"answered more than {MAX_REPLY_BYTES} bytes", None),
]


@pytest.mark.parametrize(("mode", "argument", "phrase", "stderr_phrase"), JSONL_FAULTS)
def test_jsonl_case_fault_is_an_engine_error_and_the_engine_restarts(
    mode: str, argument: str, phrase: str, stderr_phrase: str | None, open_engine: Any
) -> None:
    adapter = open_engine(fake("jsonl", mode, argument), QUICK)
    adapter.metadata()
    started = time.monotonic()
    with pytest.raises(EngineError) as excinfo:
        adapter.decide(CASE)
    check_error(excinfo, EngineError, phrase, stderr_phrase)
    assert time.monotonic() - started < 3
    first = adapter.started_pids[0]
    assert gone([first])
    # The next case gets a fresh process, with a fresh handshake.
    with pytest.raises(EngineError):
        adapter.decide(CASE)
    assert len(adapter.started_pids) == 2


def test_jsonl_restarts_after_a_crash_and_answers_the_next_case(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "die-after", "1"))
    adapter.metadata()
    assert adapter.decide({**CASE, "case_id": "one"})["case_id"] == "one"
    with pytest.raises(EngineError) as excinfo:
        adapter.decide({**CASE, "case_id": "two"})
    check_error(excinfo, EngineError, "without answering case 2", "dying after 1 cases")
    assert adapter.decide({**CASE, "case_id": "three"})["case_id"] == "three"
    assert len(adapter.started_pids) == 2
    assert gone(adapter.started_pids[:1])
    assert running(adapter.started_pids[1])


def test_jsonl_restarts_after_a_hang_and_answers_the_next_case(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "hang-on", "2"), QUICK)
    assert adapter.decide({**CASE, "case_id": "one"})["case_id"] == "one"
    with pytest.raises(EngineError) as excinfo:
        adapter.decide({**CASE, "case_id": "two"})
    check_error(excinfo, EngineError, "no answer within 2 s")
    assert adapter.decide({**CASE, "case_id": "three"})["case_id"] == "three"
    assert len(adapter.started_pids) == 2


def test_jsonl_errored_is_reported_and_the_engine_stays_up(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "errored"))
    for _ in range(2):
        with pytest.raises(EngineError) as excinfo:
            adapter.decide(CASE)
        check_error(excinfo, EngineError, "the engine errored: fake: rules table missing")
        assert "Traceback (fake)" in excinfo.value.detail
    assert len(adapter.started_pids) == 1


def test_jsonl_chatty_stderr_does_not_block(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "chatty"))
    for n in range(6):  # 1.5 MiB of stderr, far beyond a pipe's buffer
        assert adapter.decide({**CASE, "case_id": f"c{n}"})["case_id"] == f"c{n}"


def test_jsonl_close_kills_the_grandchild(open_engine: Any, tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = open_engine(fake("jsonl", "grandchild", str(pid_file)))
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    grandchild = grandchild_pid(pid_file)
    assert running(grandchild)
    adapter.close()
    assert gone([*adapter.started_pids, grandchild])


def test_jsonl_timeout_kills_the_grandchild(open_engine: Any, tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = open_engine(fake("jsonl", "grandchild-hang", str(pid_file)), QUICK)
    with pytest.raises(EngineError) as excinfo:
        adapter.decide(CASE)
    check_error(excinfo, EngineError, "no answer within 2 s")
    assert gone([*adapter.started_pids, grandchild_pid(pid_file)])


def test_jsonl_close_kills_an_engine_that_ignores_stop(open_engine: Any) -> None:
    adapter = open_engine(fake("jsonl", "ignore-stop"))
    adapter.metadata()
    started = time.monotonic()
    adapter.close()
    assert time.monotonic() - started < 2
    assert gone(adapter.started_pids)
