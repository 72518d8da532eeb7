"""Python engines that exit, interrupt, hang or nest for ever are engine errors, never verdicts.

In process (``python:``) and isolated (``pyproc:``) alike: whatever ``BaseException`` an engine
raises, at import, in ``metadata`` or in ``decide``, errors the case and leaves the kit running;
``os._exit`` is survived only by the isolated adapter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_conformance.adapters import (
    Adapter,
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
    open_adapter,
)
from policy_conformance.boundary import CheckedEngine, ContractViolation
from tests.engines import hostile
from tests.kit import KIT_ROOT, conformance, example

CASE = {**example("case-primary-indication"), "case_id": "hostile-1"}
HANGING_CASE = {**CASE, "case_id": hostile.SPIN_ON}
QUICK = AdapterOptions(timeout=0.5, connect_timeout=5.0)
PATIENT = AdapterOptions(timeout=10.0, connect_timeout=10.0)
KINDS = ["python", "pyproc"]


def engine(
    kind: str, name: str, adapter_for: Callable[..., Adapter], options: AdapterOptions = PATIENT
) -> Adapter:
    return adapter_for(f"{kind}:tests.engines.hostile:{name}", options)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("calls_sys_exit", "sys.exit(None)"),
        ("exits_zero", "sys.exit(0)"),
        ("interrupts", "KeyboardInterrupt"),
        ("raises_base_exception", "EngineBaseException: rules engine gave up"),
    ],
)
def test_a_base_exception_from_decide_is_an_engine_error(
    kind: str, name: str, message: str, adapter_for: Callable[..., Adapter]
) -> None:
    adapter = engine(kind, name, adapter_for)
    with pytest.raises(EngineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        adapter.decide(CASE)
    # The kit goes on: the same adapter takes the next case.
    with pytest.raises(EngineError):
        adapter.decide(CASE)


@pytest.mark.parametrize("kind", KINDS)
def test_sys_exit_in_metadata_is_an_engine_error(
    kind: str, adapter_for: Callable[..., Adapter]
) -> None:
    adapter = engine(kind, "ExitsInMetadata", adapter_for)
    with pytest.raises(EngineError, match=r"sys\.exit"):
        adapter.metadata()


@pytest.mark.parametrize("kind", KINDS)
def test_an_engine_that_exits_when_loaded_is_unreachable(kind: str) -> None:
    with pytest.raises(EngineUnreachable):
        open_adapter(f"{kind}:tests.engines.hostile:ExitsWhenBuilt", PATIENT).metadata()
    with pytest.raises(EngineUnreachable):
        open_adapter(f"{kind}:tests.engines.exits_at_import:decide", PATIENT).metadata()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["nests_deeply", "refers_to_itself"])
def test_an_answer_nested_too_deep_is_refused_without_recursion_error(
    kind: str, name: str, adapter_for: Callable[..., Adapter]
) -> None:
    adapter = engine(kind, name, adapter_for)
    with pytest.raises(EngineError, match="more than 64 deep"):
        adapter.decide(CASE)


def test_an_answer_nested_too_deep_is_a_contract_violation(
    adapter_for: Callable[..., Adapter],
) -> None:
    checked = CheckedEngine(engine("python", "nests_deeply", adapter_for))
    with pytest.raises(ContractViolation, match="more than 64 deep"):
        checked.send(CASE)


@pytest.mark.parametrize("kind", KINDS)
def test_nan_in_an_answer_is_not_json(kind: str, adapter_for: Callable[..., Adapter]) -> None:
    with pytest.raises(EngineError, match="not JSON"):
        engine(kind, "answers_nan", adapter_for).decide(CASE)


def test_a_spinning_engine_is_reported_hung_at_the_deadline(
    adapter_for: Callable[..., Adapter],
) -> None:
    adapter = engine("python", "spins", adapter_for, QUICK)
    try:
        with pytest.raises(EngineError, match=r"no answer within 0\.5 s; the engine is hung"):
            adapter.decide(HANGING_CASE)
        # The stuck thread is left behind; a fresh one takes the next case.
        assert adapter.decide(CASE)["case_id"] == "hostile-1"
    finally:
        hostile.STOP_SPINNING.set()


def test_an_isolated_engine_that_hangs_is_killed_and_the_next_case_runs(
    adapter_for: Callable[..., Adapter],
) -> None:
    adapter = engine("pyproc", "spins", adapter_for, QUICK)
    with pytest.raises(EngineError, match=r"no answer within 0\.5 s"):
        adapter.decide(HANGING_CASE)
    assert adapter.decide(CASE)["case_id"] == "hostile-1"


def test_os_exit_in_an_isolated_engine_errors_only_that_case(
    adapter_for: Callable[..., Adapter],
) -> None:
    adapter = engine("pyproc", "ends_the_process", adapter_for)
    with pytest.raises(EngineError, match="closed its output"):
        adapter.decide(CASE)


def test_the_isolated_adapter_names_the_engine_as_the_vendor_did() -> None:
    with pytest.raises(AdapterSpecError, match=r"expected pyproc:package\.module:attribute"):
        open_adapter("pyproc:just_a_module")
    adapter = open_adapter("pyproc:tests.engines.toy:decide", PATIENT)
    try:
        assert adapter.spec == "pyproc:tests.engines.toy:decide"
        assert adapter.decide(CASE)["case_id"] == "hostile-1"
    finally:
        adapter.close()


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0, 0.0, 1e309])
def test_timeouts_that_are_no_limit_are_refused(timeout: float) -> None:
    with pytest.raises(AdapterSpecError, match="finite number of seconds above 0"):
        AdapterOptions(timeout=timeout)
    with pytest.raises(AdapterSpecError, match="connect_timeout"):
        AdapterOptions(connect_timeout=timeout)


def test_a_thread_the_engine_leaves_running_does_not_hold_up_the_exit() -> None:
    # The engine's thread sleeps for a minute; the kit must exit after a bounded grace instead.
    script = textwrap.dedent(
        """
        from policy_conformance.adapters import AdapterOptions, open_adapter
        from tests.kit import example
        adapter = open_adapter("python:tests.engines.hostile:leaves_a_thread", AdapterOptions())
        adapter.decide(example("case-primary-indication"))
        adapter.close()
        print("closed")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "closed"


@pytest.mark.slow
def test_a_run_whose_engine_calls_sys_exit_zero_errors_and_does_not_exit_0(
    tmp_path: Path,
) -> None:
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.hostile:exits_zero",
        "--clause",
        "INO-RR-BALL",
        report=tmp_path / "report.json",
    )
    assert run.code == 4, run.out + run.err
    assert run.report is not None
    outcomes = {scenario["outcome"] for scenario in run.report["scenarios"]}
    assert outcomes == {"errored"}
