"""A report is never wrong about itself: an interrupted or killed run, and a parallel one.

A real ``conformance run`` against an engine that takes a fifth of a second a case is stopped
mid-run by a signal; the complete report of an earlier run must stay as it was, and the partial
one beside it must say what happened, carry every finished result and never claim conformance.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.compare import report_validator
from tests.kit import KIT_ROOT, conformance, own_pytest, run_environment

SLOW = "python:tests.engines.toy:slow_reference"

#: How long a test waits, at most, for the slow run to have written some results.
_PATIENCE = 120.0


def _valid(report: dict[str, Any]) -> None:
    errors = [e.message for e in report_validator().iter_errors(report)]
    assert errors == [], errors[:3]


def _start(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "policy_conformance", "run", *arguments],
        cwd=KIT_ROOT,
        env=run_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_results(partial: Path, run: subprocess.Popen[str]) -> dict[str, Any]:
    """The partial report once it holds a finished scenario (polled: the run writes it)."""
    deadline = time.monotonic() + _PATIENCE
    while time.monotonic() < deadline:
        assert run.poll() is None, "the run ended before it could be stopped"
        try:
            report: dict[str, Any] = json.loads(partial.read_text())
        except (OSError, ValueError):
            report = {}
        if report.get("scenarios"):
            return report
        time.sleep(0.05)
    raise AssertionError(f"{partial} never held a result")


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, Path, bytes, bytes]:
    """A complete report and summary of an earlier run, at the paths the next run will use."""
    report, summary = tmp_path / "report.json", tmp_path / "summary.md"
    done = conformance("run", "--clause", "CON-ECHO-ID", "--summary", str(summary), report=report)
    assert done.code == 0, done.err
    return report, summary, report.read_bytes(), summary.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_the_complete_report_and_marks_its_own(
    tmp_path: Path, earlier: tuple[Path, Path, bytes, bytes], signum: int
) -> None:
    report, summary, report_before, summary_before = earlier
    baseline = tmp_path / "baseline.json"
    run = _start(
        "--adapter",
        SLOW,
        "--report",
        str(report),
        "--summary",
        str(summary),
        "--write-baseline",
        str(baseline),
    )
    _wait_for_results(Path(f"{report}.partial"), run)
    run.send_signal(signum)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err

    assert report.read_bytes() == report_before
    assert summary.read_bytes() == summary_before
    partial = json.loads(Path(f"{report}.partial").read_text())
    _valid(partial)
    assert partial["state"] == "interrupted" and partial["interrupted"] is True
    assert partial["conformant"] is False and partial["exit_code"] == 130
    assert 0 < len(partial["scenarios"]) < 105
    assert all(s["status"] == "passed" for s in partial["scenarios"])
    assert "the run was interrupted" in Path(f"{summary}.partial").read_text()
    assert not baseline.exists()
    assert f"{baseline} was not written" in err


@pytest.mark.slow
def test_a_killed_run_leaves_a_report_that_never_finished(
    earlier: tuple[Path, Path, bytes, bytes],
) -> None:
    report, _, report_before, _ = earlier
    run = _start("--adapter", SLOW, "--report", str(report))
    _wait_for_results(Path(f"{report}.partial"), run)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    assert report.read_bytes() == report_before
    partial = json.loads(Path(f"{report}.partial").read_text())
    _valid(partial)
    assert partial["state"] == "running" and partial["conformant"] is False
    assert "finished" not in partial and "exit_code" not in partial


@pytest.mark.slow
def test_a_finished_run_replaces_the_report_and_removes_the_partial_one(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    Path(f"{report}.partial").write_text("left by a killed run")
    done = conformance("run", "--clause", "CON-ECHO-ID", report=report)
    assert done.code == 0 and done.report is not None
    assert done.report["state"] == "complete"
    assert not Path(f"{report}.partial").exists()


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [["-n", "2"], ["-n2"], ["--numprocesses=2"]])
def test_a_parallel_run_is_refused_in_one_line(parallel: list[str]) -> None:
    run = conformance("run", *parallel)
    assert run.code == 2
    assert run.err.startswith("conformance: error: ") and len(run.err.splitlines()) == 1
    assert "does not run scenarios in parallel" in run.err
    assert run.out == ""


def _with_xdist(extra: str = "") -> dict[str, str]:
    # The kit's child runs load only its own plugins: pytest-xdist is named, as a user has it.
    return {"PYTEST_ADDOPTS": f"{run_environment()['PYTEST_ADDOPTS']} -p xdist {extra}".strip()}


@pytest.mark.slow
@pytest.mark.parametrize("way", ["@file", "ini", "-o addopts", "PYTEST_ADDOPTS"])
def test_a_parallel_run_asked_for_any_other_way_is_refused_before_any_worker(
    way: str, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    (tmp_path / "args").write_text("-n\n2\n")
    (tmp_path / "run.ini").write_text("[pytest]\naddopts = -n 2\n")
    asked = {
        "@file": [f"@{tmp_path / 'args'}"],
        "ini": ["-c", str(tmp_path / "run.ini")],
        "-o addopts": ["-o", "addopts=-n 2"],
        "PYTEST_ADDOPTS": [],
    }[way]
    extra = "-n 2" if way == "PYTEST_ADDOPTS" else ""
    run = conformance(
        "run", "--clause", "INO-RR-BALL", *asked, report=report, env=_with_xdist(extra), timeout=120
    )
    # A usage error, not an interruption (130), in one line, before any worker or report.
    assert run.code == 2, run.out[-2000:] + run.err
    assert run.err.startswith("conformance: error: ") and len(run.err.splitlines()) == 1, run.err
    assert "does not run scenarios in parallel" in run.err
    assert "gw0" not in run.out + run.err
    assert not report.exists() and not Path(f"{report}.partial").exists()


@pytest.mark.slow
@pytest.mark.parametrize("option", ["--conformance-html", "--conformance-summary"])
def test_a_parallel_pytest_refuses_every_whole_run_output(option: str, tmp_path: Path) -> None:
    written = tmp_path / "out"
    run = _suite_in_own_pytest(tmp_path, "-n", "2", option, str(written))
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr
    assert f"conformance: error: {option} cannot be written by a parallel run" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "gw0" not in run.stdout + run.stderr
    assert not written.exists()


@pytest.mark.slow
def test_junit_of_a_parallel_pytest_keeps_the_pack_clause_and_title(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    run = _suite_in_own_pytest(
        tmp_path, "-n", "2", "--conformance-clause", "INO-RR-BALL", f"--junitxml={junit}"
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr
    cases = list(ElementTree.parse(junit).getroot().iter("testcase"))  # noqa: S314 - our own file
    assert len(cases) >= 10
    for case in cases:
        assert case.get("classname") == "inotuzumab_besponsa.INO-RR-BALL", case.attrib
        assert not str(case.get("name")).startswith("test_"), case.attrib


def _suite_in_own_pytest(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # The kit's suite in a vendor's pytest, every installed plugin (pytest-xdist too) loaded.
    return own_pytest(folder, "--pyargs", "policy_conformance.suite", *arguments)


@pytest.mark.slow
def test_a_parallel_pytest_refuses_the_kit_outputs_before_any_worker(tmp_path: Path) -> None:
    run = _suite_in_own_pytest(
        tmp_path, "-n", "2", "--conformance-report", str(tmp_path / "r.json")
    )
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr
    assert (
        "conformance: error: --conformance-report cannot be written by a parallel run (-n)"
        in run.stderr
    )
    assert "gw0" not in run.stdout + run.stderr
    assert not (tmp_path / "r.json").exists()


@pytest.mark.slow
def test_a_vendor_pytest_checks_the_output_paths_before_the_engine(tmp_path: Path) -> None:
    run = _suite_in_own_pytest(
        tmp_path, "--conformance-report", str(tmp_path / "no-such-folder" / "r.json")
    )
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr
    assert "--conformance-report: folder " in run.stderr and "does not exist" in run.stderr
    assert "engine:" not in run.stdout


@pytest.mark.slow
def test_a_report_to_a_special_file_is_written_in_place_never_beside_it(tmp_path: Path) -> None:
    # /dev/null stands for any device or FIFO: no partial file can be made beside it.
    done = conformance("run", "--clause", "CON-ECHO-ID", "--report", os.devnull)
    assert done.code == 0, done.err
    assert not Path(f"{os.devnull}.partial").exists()
    assert done.err == ""
