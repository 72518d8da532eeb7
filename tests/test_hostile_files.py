"""Files as an attack: what the kit reads (FIFOs, endless devices, deep nesting, edited corpora)
and where it writes (a full device, a file no one may replace), and interrupts at any moment.

Every fault is one line on stderr and the exit code it documents; none is a traceback, none
hangs, none lets a report, a comparison or a replay claim more than happened.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from policy_conformance import cli, provenance
from policy_conformance.compare import Change, compare, report_validator
from policy_conformance.corpus import corpus_digest
from policy_conformance.errors import KitError
from policy_conformance.reading import read_json
from tests.kit import KIT_ROOT, conformance, run_environment

SLOW = "python:tests.engines.toy:slow_reference"
ECHO = ("--clause", "CON-ECHO-ID")

#: How long a test waits, at most, for a slow run to have written its partial report.
_PATIENCE = 120.0


def _one_line(err: str) -> None:
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err


# -- one bounded reader --------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def test_the_reader_refuses_a_fifo_without_waiting_for_a_writer(fifo: Path) -> None:
    with pytest.raises(KitError, match="not a regular file"):
        read_json(fifo, 1000)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "more than 64 deep"),
        (b" " * 2000, "larger than 1000 bytes"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": NaN}', "is not JSON"),
    ],
    ids=["deep", "large", "not-utf-8", "nan"],
)
def test_the_reader_refuses_what_would_break_a_parser(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(KitError, match=problem) as caught:
        read_json(path, 1000 if problem.startswith("larger") else 1 << 20)
    assert "\n" not in str(caught.value)


def test_the_reader_refuses_an_endless_device() -> None:
    with pytest.raises(KitError, match="not a regular file"):
        read_json(Path("/dev/zero"), 1 << 20)


@pytest.mark.parametrize(
    "command",
    [
        ("compare", "{fifo}", "{fifo}"),
        ("replay", "{fifo}"),
        ("summary", "{fifo}"),
        ("run", "--baseline", "{fifo}"),
        ("compare", "/dev/zero", "/dev/zero"),
        ("replay", "/dev/zero"),
    ],
)
def test_no_command_hangs_or_exhausts_memory_on_a_special_file(
    fifo: Path, command: tuple[str, ...]
) -> None:
    run = conformance(*(part.format(fifo=fifo) for part in command), timeout=120)
    assert run.code == 2, run.out + run.err
    assert "not a regular file" in run.err
    _one_line(run.err)


# -- outputs -------------------------------------------------------------------------------


def test_a_report_to_a_full_device_is_kept_elsewhere_in_one_line(tmp_path: Path) -> None:
    run = conformance("run", *ECHO, "--report", "/dev/full")
    assert run.code == 0, run.out + run.err
    _one_line(run.err)
    assert "/dev/full cannot be written: No space left on device; kept in " in run.err
    kept = Path(run.err.split("kept in ", 1)[1].split(" instead")[0])
    try:
        report = json.loads(kept.read_text())
        assert report["state"] == "complete" and report["scenarios"]
    finally:
        kept.unlink()


def test_an_export_to_a_full_device_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "contract.corpus.json").symlink_to("/dev/full")
    run = conformance("export", "--out", str(tmp_path))
    assert run.code == 2, run.out + run.err
    assert "contract.corpus.json cannot be written: No space left on device" in run.err
    _one_line(run.err)


def test_a_fuzz_report_to_a_full_device_is_one_line() -> None:
    run = conformance(
        "fuzz", "--adapter", "reference", "--pack", "inotuzumab_besponsa", "--cases", "3",
        "--report", "/dev/full",
    )  # fmt: skip
    assert run.code == 2, run.out + run.err
    assert "/dev/full cannot be written: No space left on device" in run.err
    _one_line(run.err)


def test_a_report_no_one_may_replace_is_refused_before_the_engine_starts() -> None:
    run = conformance("run", *ECHO, "--adapter", SLOW, "--report", "/proc/version")
    assert run.code == 2, run.out + run.err
    assert run.err.startswith("conformance: error: --report: cannot create files in /proc")
    assert "passed" not in run.out
    _one_line(run.err)


def test_an_engine_whose_close_raises_costs_one_line_and_keeps_the_verdict(
    tmp_path: Path,
) -> None:
    engine = "python:tests.engines.fails_to_close:FailsToClose"
    run = conformance("run", "--adapter", engine, *ECHO, report=tmp_path / "r.json")
    assert run.code == 0 and run.report is not None, run.out + run.err
    assert run.report["state"] == "complete"
    assert "the engine failed to close" in run.err and "rules cache" in run.err
    _one_line(run.err)


def test_a_fuzzed_engine_whose_close_raises_costs_one_line() -> None:
    engine = "python:tests.engines.fails_to_close:FailsToClose"
    run = conformance(
        "fuzz", "--adapter", engine, "--pack", "inotuzumab_besponsa", "--cases", "3",
    )  # fmt: skip
    assert run.code == 0, run.out + run.err
    assert "the engine failed to close" in run.err
    _one_line(run.err)


# -- interrupts ----------------------------------------------------------------------------


def _start_slow(tmp_path: Path) -> tuple[subprocess.Popen[str], dict[str, Path]]:
    files = {
        "--report": tmp_path / "report.json",
        "--summary": tmp_path / "summary.md",
        "--html": tmp_path / "page.html",
    }
    arguments = [a for option, path in files.items() for a in (option, str(path))]
    run = subprocess.Popen(
        [sys.executable, "-m", "policy_conformance", "run", "--adapter", SLOW, *ECHO, *arguments],
        cwd=KIT_ROOT,
        env=run_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    partial = Path(f"{files['--report']}.partial")
    deadline = time.monotonic() + _PATIENCE
    while not partial.exists():
        assert run.poll() is None and time.monotonic() < deadline, "the run never started"
        time.sleep(0.01)
    return run, files


@pytest.mark.slow
@pytest.mark.parametrize(
    ("count", "gap"),
    [(2, 0.3), (2, 0.05), (3, 0.1), (5, 0.01)],
    ids=["twice-0.3s", "twice-0.05s", "three-times", "five-at-once"],
)
def test_interrupts_of_any_count_leave_only_partial_files_marked_interrupted(
    tmp_path: Path, count: int, gap: float
) -> None:
    run, files = _start_slow(tmp_path)
    for _ in range(count):
        run.send_signal(signal.SIGINT)
        time.sleep(gap)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    for path in files.values():
        assert not path.exists(), f"{path} looks complete: {err}"
    partial = json.loads(Path(f"{files['--report']}.partial").read_text())
    assert partial["state"] == "interrupted" and partial["conformant"] is False
    assert partial["exit_code"] == 130
    assert "the run was interrupted" in Path(f"{files['--summary']}.partial").read_text()
    assert "Conformant on all" not in Path(f"{files['--summary']}.partial").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0])
def test_an_interrupt_at_any_moment_leaves_files_that_agree_with_the_exit_code(
    tmp_path: Path, delay: float
) -> None:
    # Whenever the two signals land (start-up, collection, a scenario, the end), the outcome is
    # either an interrupted run with partial files only, or a finished run whose files say so.
    report, summary = tmp_path / "report.json", tmp_path / "summary.md"
    run = subprocess.Popen(
        [
            sys.executable, "-m", "policy_conformance", "run", "--adapter", SLOW, *ECHO,
            "--report", str(report), "--summary", str(summary),
        ],
        cwd=KIT_ROOT, env=run_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(delay)
    for _ in range(2):
        if run.poll() is None:
            run.send_signal(signal.SIGINT)
        time.sleep(0.3)
    _, err = run.communicate(timeout=120)
    if run.returncode == -signal.SIGINT:
        # Stopped while Python itself was still starting: the kit had written nothing.
        assert not list(tmp_path.iterdir()), err
        return
    assert "Traceback" not in err, err
    if run.returncode == 130:
        assert not report.exists() and not summary.exists(), err
        partial = Path(f"{report}.partial")
        if partial.exists():
            assert json.loads(partial.read_text())["state"] == "interrupted"
    else:
        assert run.returncode == 0, err
        finished = json.loads(report.read_text())
        assert finished["state"] == "complete" and finished["exit_code"] == 0
        assert not Path(f"{report}.partial").exists()


# -- compare -------------------------------------------------------------------------------


def _report(
    clauses: dict[str, str], scenarios: dict[str, str], packs: dict[str, bool] | None = None
) -> dict[str, Any]:
    return {
        "state": "complete",
        "packs": [{"id": p, "checked": c} for p, c in (packs or {}).items()],
        "clauses": [{"id": c, "verdict": v} for c, v in clauses.items()],
        "scenarios": [{"id": s, "name": s.lower(), "outcome": o} for s, o in scenarios.items()],
    }


def test_a_lost_scenario_clause_or_pack_is_a_regression() -> None:
    old = _report(
        {"A": "conformant", "B": "conformant"},
        {"A/1": "passed", "B/1": "passed"},
        {"one": True, "two": True},
    )
    new = _report({"A": "not checked"}, {"A/1": "skipped"}, {"one": False})
    regressions = {(c.kind, c.id, c.new) for c in compare(old, new) if c.regression}
    assert regressions == {
        ("clause", "A", "not checked"),
        ("clause", "B", "absent"),
        ("scenario", "A/1", "skipped"),
        ("scenario", "B/1", "absent"),
        ("pack", "one", "not checked"),
        ("pack", "two", "absent"),
    }
    assert Change("pack", "one", "", "not checked", "checked").improvement


@pytest.fixture(scope="module")
def echo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "complete.json"
    run = conformance("run", *ECHO, report=path)
    assert run.code == 0, run.err
    return path


def test_compare_counts_an_unfinished_report_as_a_regression(
    echo_report: Path, tmp_path: Path
) -> None:
    unfinished = json.loads(echo_report.read_text())
    unfinished.update(state="interrupted", interrupted=True, conformant=False, exit_code=130)
    assert not list(report_validator().iter_errors(unfinished))
    path = tmp_path / "interrupted.json"
    path.write_text(json.dumps(unfinished))
    for old, new in ((echo_report, path), (path, echo_report)):
        run = conformance("compare", str(old), str(new))
        assert run.code == 1, run.out + run.err
        assert f"regression: report {path} is of a run that did not finish (interrupted)" in run.out
        assert run.out.splitlines()[-1].startswith("compare: 1 regression(s)")


def test_compare_counts_a_pack_that_went_unchecked_as_a_regression(
    echo_report: Path, tmp_path: Path
) -> None:
    narrowed = json.loads(echo_report.read_text())
    pack = next(p for p in narrowed["packs"] if p["id"] == "contract")
    pack.update(checked=False, verdict="not checked", why_not_checked="left out by --pack")
    path = tmp_path / "narrowed.json"
    path.write_text(json.dumps(narrowed))
    run = conformance("compare", str(echo_report), str(path))
    assert run.code == 1, run.out + run.err
    assert "regression: pack contract: checked -> not checked" in run.out


# -- corpora -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    run = conformance("export", "--out", str(folder))
    assert run.code == 0, run.out + run.err
    return folder / "inotuzumab_besponsa.corpus.json"


def _edited(exported: Path, tmp_path: Path, change: Any, *, digest: bool = False) -> Path:
    document = json.loads(exported.read_text())
    change(document)
    if digest:
        document["digest"] = corpus_digest(document)
    path = tmp_path / "edited.corpus.json"
    path.write_text(json.dumps(document))
    return path


def _first_expectation(document: dict[str, Any]) -> None:
    entry = next(e for e in document["scenarios"] if "outcome" in e["expect"])
    entry["expect"]["outcome"] = "covered" if entry["expect"]["outcome"] != "covered" else "pended"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "digest", "problem"),
    [
        (_first_expectation, False, "its scenarios were edited after export"),
        (_first_expectation, True, "is not the corpus this kit exports for pack"),
        (lambda d: d.update(pack_digest="0" * 64), True, "was exported from other files"),
        (lambda d: d.update(pack="no_such_pack"), True, "which this kit does not have"),
        (lambda d: d.update(scenarios=[]), True, "is not the corpus this kit exports"),
    ],
    ids=["expectation", "expectation-redigested", "other-pack-files", "unknown-pack", "emptied"],
)
def test_replay_refuses_a_corpus_that_is_not_as_exported(
    exported: Path, tmp_path: Path, change: Any, digest: bool, problem: str
) -> None:
    path = _edited(exported, tmp_path, change, digest=digest)
    run = conformance("replay", str(path))
    assert run.code == 2, run.out + run.err
    assert problem in run.err and str(path) in run.err
    assert "PASSED" not in run.out
    _one_line(run.err)


@pytest.mark.slow
def test_replay_of_the_corpus_as_exported_still_certifies(exported: Path) -> None:
    run = conformance("replay", str(exported))
    assert run.code == 0, run.out[-2000:] + run.err


@pytest.mark.slow
def test_a_replayed_engine_whose_close_raises_costs_one_line(exported: Path) -> None:
    engine = "python:tests.engines.fails_to_close:FailsToClose"
    run = conformance("replay", str(exported), "--adapter", engine)
    assert run.code == 0, run.out[-2000:] + run.err
    assert "the engine failed to close" in run.err
    _one_line(run.err)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["scenarios"][0]["case"].pop("case_id"), "its case breaks the contract"),
        (lambda d: d.update(scenarios=[]), "holds no scenario of pack inotuzumab_besponsa"),
        (
            lambda d: d["scenarios"][0].update(pack="contract"),
            "is of pack contract, in a corpus of pack inotuzumab_besponsa",
        ),
    ],
    ids=["malformed-case", "empty", "entry-of-another-pack"],
)
def test_a_malformed_or_empty_corpus_is_a_usage_error_never_the_engines(
    exported: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: Any,
    problem: str,
) -> None:
    # Past the digest checks (as for a pack the kit does not ship), the content is checked.
    path = _edited(exported, tmp_path, change, digest=True)
    known = {"inotuzumab_besponsa": {"corpus": json.loads(path.read_text())["digest"]}}
    monkeypatch.setattr(provenance, "shipped_digests", lambda: known)
    monkeypatch.setattr(provenance, "origin", lambda pack: "shipped")
    code = cli.main(["replay", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert problem in err
    _one_line(err)
