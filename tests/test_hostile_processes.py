"""Engines that set descendants loose, trickle, nest or reach into the kit: nothing outlives it.

A grandchild that calls ``setsid()`` leaves the engine's process group; it is still ended with
its engine, on a normal close, on a timeout, and when the kit is told to stop (SIGTERM, SIGHUP)
or killed outright (SIGKILL). One that also drops the kit's mark from its environment is ended
before the report is written, so it cannot rewrite it; and an engine, root or not, can open
neither the kit's memory nor its stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_conformance.adapters import Adapter, AdapterOptions, EngineError
from policy_conformance.adapters.errors import AnswerTooDeep
from policy_conformance.digest import report_digest
from tests.kit import KIT_ROOT, conformance
from tests.test_cli_adapters import gone, grandchild_pid

FAKES = Path(__file__).resolve().parent / "fakes"
CASE = {"case_id": "hostile-process-1"}
PATIENT = AdapterOptions(timeout=10.0, connect_timeout=10.0)
QUICK = AdapterOptions(timeout=0.5, connect_timeout=10.0)


def hostile(protocol: str, *args: str) -> str:
    argv = [sys.executable, str(FAKES / "hostile_engine.py"), protocol, *args]
    return f"{protocol}:{shlex.join(argv)}"


def engine(
    spec: str, adapter_for: Callable[..., Adapter], options: AdapterOptions = PATIENT
) -> Adapter:
    return adapter_for(spec, options)


@pytest.mark.parametrize("protocol", ["jsonl", "cli"])
def test_a_grandchild_that_left_the_group_ends_with_its_engine(
    protocol: str, tmp_path: Path, adapter_for: Callable[..., Adapter]
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = engine(hostile(protocol, "escapes", str(pid_file)), adapter_for)
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    adapter.close()
    assert gone([grandchild_pid(pid_file)])


@pytest.mark.parametrize("protocol", ["jsonl", "cli"])
def test_an_orphan_without_the_mark_ends_with_its_engine(
    protocol: str, tmp_path: Path, adapter_for: Callable[..., Adapter]
) -> None:
    # Its parent has exited and its environment is empty: only the subreaper still finds it.
    pid_file = tmp_path / "orphan.pid"
    adapter = engine(hostile(protocol, "escapes-unmarked", str(pid_file)), adapter_for)
    assert adapter.decide(CASE)["case_id"] == CASE["case_id"]
    orphan = grandchild_pid(pid_file)
    try:
        adapter.close()
        assert gone([orphan])
    finally:
        with contextlib.suppress(OSError):
            os.kill(orphan, signal.SIGKILL)


@pytest.mark.parametrize("protocol", ["jsonl", "cli"])
def test_a_grandchild_that_left_the_group_ends_on_a_timeout(
    protocol: str, tmp_path: Path, adapter_for: Callable[..., Adapter]
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    adapter = engine(hostile(protocol, "escapes-and-hangs", str(pid_file)), adapter_for, QUICK)
    with pytest.raises(EngineError, match=r"no answer within 0\.5 s"):
        adapter.decide(CASE)
    assert gone([grandchild_pid(pid_file)])


@pytest.mark.parametrize("protocol", ["jsonl", "cli"])
def test_a_trickled_answer_is_held_to_the_deadline(
    protocol: str, adapter_for: Callable[..., Adapter]
) -> None:
    adapter = engine(hostile(protocol, "trickles"), adapter_for, QUICK)
    with pytest.raises(EngineError, match=r"no answer within 0\.5 s"):
        adapter.decide(CASE)


@pytest.mark.parametrize("protocol", ["jsonl", "cli"])
def test_an_answer_nested_too_deep_is_refused(
    protocol: str, adapter_for: Callable[..., Adapter]
) -> None:
    adapter = engine(hostile(protocol, "nests"), adapter_for)
    with pytest.raises(AnswerTooDeep, match="more than 64 deep"):
        adapter.decide(CASE)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_kit_told_to_stop_ends_its_engines_and_their_escapees(
    signum: signal.Signals, tmp_path: Path
) -> None:
    pid_file, grandchild_file = tmp_path / "engine.pid", tmp_path / "grandchild.pid"
    kit = subprocess.Popen(
        [sys.executable, str(FAKES / "kit_with_hung_engine.py"), str(pid_file), grandchild_file],
        cwd=KIT_ROOT,
    )
    try:
        engine_pid = grandchild_pid(pid_file)
        escaped = grandchild_pid(grandchild_file)
        kit.send_signal(signum)
        # The kit stops as the signal would have stopped it, after ending its engines.
        assert kit.wait(timeout=30) == -signum
        assert gone([engine_pid, escaped])
    finally:
        kit.kill()
        kit.wait()


def _kill_if_running(pid_file: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.slow
def test_an_escapee_that_dropped_the_mark_cannot_rewrite_the_report(tmp_path: Path) -> None:
    report, pid_file = tmp_path / "report.json", tmp_path / "escapee.pid"
    try:
        run = conformance(
            "run", "--adapter", "pyproc:tests.engines.forger:EscapesAndRewrites",
            "--clause", "INO-RR-BALL", report=report,
            env={"FORGE_REPORT": str(report), "FORGE_PID_FILE": str(pid_file)},
        )  # fmt: skip
        assert run.code == 0, run.err
        written = report.read_text()
        assert gone([grandchild_pid(pid_file)])
        # Longer than the escapee waits before it rewrites: the report is as the kit wrote it.
        time.sleep(2.5)
        assert report.read_text() == written
        document = json.loads(written)
        assert "forged" not in document
        # The kit's last line and the report carry the digest of the report as written ...
        assert document["digest"] == report_digest(document)
        assert run.out.splitlines()[-1].endswith(f"; report {report}: {document['digest']}")
        # ... which a rewrite, however plausible, no longer matches.
        assert report_digest({**document, "conformant": False}) != document["digest"]
    finally:
        _kill_if_running(pid_file)


@pytest.mark.slow
def test_an_engine_cannot_open_the_kits_memory_or_its_output(tmp_path: Path) -> None:
    probe = tmp_path / "probe.json"
    run = conformance(
        "run", "--adapter", "pyproc:tests.engines.forger:ReachesIntoTheKit",
        "--clause", "INO-RR-BALL", env={"FORGE_PROBE": str(probe)},
    )  # fmt: skip
    assert run.code == 0, run.err
    found = json.loads(probe.read_text())
    assert found["kit"] != "None", found
    assert found["mem"].startswith("refused"), found
    assert found["stdout"].startswith("refused"), found
    assert "999 passed" not in run.out
