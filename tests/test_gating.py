"""Gating a release: baselines keyed on stable ids with a reason each, ``--strict-baseline``,
and ``conformance compare`` between two reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.compare import Change, compare
from tests.kit import conformance

WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b"


@pytest.mark.slow
def test_a_baseline_gates_on_new_failures_and_only_shrinks(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = conformance("run", "--adapter", WRONG, "--write-baseline", str(baseline))
    assert first.code == 1
    recorded = json.loads(baseline.read_text())
    assert recorded["format"] == 2
    known = recorded["known"]
    # Two compendium scenarios, and the weak listing that must be pended for FDA labeling.
    assert len(known) == 3
    clauses = {"INO-COMPENDIA", "INO-RECORDS"}
    assert all(e["clause"] in clauses and e["reason"] == "not yet triaged" for e in known)
    assert all(e["id"].startswith(f"{e['clause']}/") for e in known)

    # A reason written by hand is read, and kept when the baseline is written again.
    known[0]["reason"] = "vendor rates 2B as strong until release 7"
    baseline.write_text(json.dumps(recorded))
    again = tmp_path / "again.json"
    same = conformance(
        "run",
        "--adapter",
        WRONG,
        "--baseline",
        str(baseline),
        "--write-baseline",
        str(again),
        "--strict-baseline",
        report=tmp_path / "same.json",
    )
    assert same.code == 0, same.out[-2000:] + same.err
    assert same.report is not None and same.report["totals"]["known"] == 3
    assert same.verdict("INO-COMPENDIA") == "nonconformant"  # known, but still not conformant
    statuses = {s["status"] for s in same.report["scenarios"] if s["known"]}
    assert statuses == {"known failure"}
    reasons = {e["id"]: e["reason"] for e in json.loads(again.read_text())["known"]}
    assert reasons[known[0]["id"]] == "vendor rates 2B as strong until release 7"

    worse = conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_drugdex_iib",
        "--baseline",
        str(baseline),
    )
    assert worse.code == 1

    # The engine is fixed: the baseline's entries pass now, and a strict run says so.
    fixed = conformance("run", "--baseline", str(baseline), report=tmp_path / "fixed.json")
    assert fixed.code == 0
    assert fixed.report is not None
    assert fixed.report["baseline"]["fixed"] == sorted(e["id"] for e in known)
    assert "now passes, remove it from the baseline" in fixed.out
    strict = conformance(
        "run", "--baseline", str(baseline), "--strict-baseline", report=tmp_path / "strict.json"
    )
    assert strict.code == 1
    assert strict.report is not None and strict.report["exit_code"] == 1  # the report agrees
    stale = [line for line in strict.err.splitlines() if "stale baseline entry" in line]
    assert len(stale) == 3 and all(f"now passes: {e['id']}" in strict.err for e in known)


@pytest.mark.slow
def test_an_entry_naming_no_scenario_is_stale(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    entry = {"id": "INO-CODES/0000000000000000", "outcome": "failed", "reason": "gone"}
    baseline.write_text(json.dumps({"format": 2, "known": [entry]}))
    lenient = conformance("run", "--clause", "CON-ECHO-ID", "--baseline", str(baseline))
    assert lenient.code == 0 and "names no scenario of this run" in lenient.out
    strict = conformance(
        "run", "--clause", "CON-ECHO-ID", "--baseline", str(baseline), "--strict-baseline"
    )
    assert strict.code == 1
    assert "stale baseline entry: names no scenario of this run: INO-CODES/" in strict.err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"format": 1, "known": [{"scenario": "x", "outcome": "failed"}]},
            "is of format 1, which names scenarios by title; record it again with --write-baseline",
        ),
        (
            {"format": 2, "known": [{"id": "X/1", "outcome": "failed"}]},
            'known[0] needs an "id", an "outcome" of failed or errored and a "reason"',
        ),
    ],
)
def test_a_baseline_of_another_format_or_without_reasons_is_a_usage_error(
    tmp_path: Path, document: dict[str, Any], message: str
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(document))
    run = conformance("run", "--baseline", str(baseline))
    assert run.code == 2
    assert message in run.err and len(run.err.splitlines()) == 1
    assert "Traceback" not in run.err


def _report(clauses: dict[str, str], scenarios: dict[str, str]) -> dict[str, Any]:
    return {
        "clauses": [{"id": c, "verdict": v} for c, v in clauses.items()],
        "scenarios": [{"id": s, "name": s.lower(), "outcome": o} for s, o in scenarios.items()],
    }


def test_compare_puts_regressions_first() -> None:
    old = _report({"A": "conformant", "B": "nonconformant"}, {"A/1": "passed", "B/1": "failed"})
    new = _report({"A": "errored", "B": "conformant"}, {"A/1": "errored", "B/1": "passed"})
    changes = compare(old, new)
    assert [(c.kind, c.id, c.regression) for c in changes] == [
        ("clause", "A", True),
        ("scenario", "A/1", True),
        ("clause", "B", False),
        ("scenario", "B/1", False),
    ]
    assert changes[0].line() == "regression: clause A: conformant -> errored"
    assert compare(old, old) == []


def test_a_scenario_gone_is_a_regression_and_a_new_one_a_change() -> None:
    old = _report({}, {"A/1": "passed"})
    new = _report({}, {"A/2": "failed"})
    assert {(c.id, c.old, c.new, c.regression) for c in compare(old, new)} == {
        ("A/1", "passed", "absent", True),
        ("A/2", "absent", "failed", False),
    }
    assert Change("scenario", "A/1", "", "failed", "errored").regression is False


@pytest.mark.slow
def test_compare_flags_a_planted_regression_between_two_engines(tmp_path: Path) -> None:
    # Both runs check the Inotuzumab pack alone: the reference implements every pack and the
    # mutant only Inotuzumab, and a pack checked by one run and not by the other is a change
    # of its own, not the planted one.
    only = ("--pack", "inotuzumab_besponsa", "--clause", "INO-COMPENDIA")
    good = conformance("run", *only, report=tmp_path / "good.json")
    bad = conformance("run", "--adapter", WRONG, *only, report=tmp_path / "bad.json")
    assert (good.code, bad.code) == (0, 1)
    worse = conformance("compare", str(tmp_path / "good.json"), str(tmp_path / "bad.json"))
    assert worse.code == 1, worse.err
    lines = worse.out.splitlines()
    assert lines[0] == "regression: clause INO-COMPENDIA: conformant -> nonconformant"
    assert sum(line.startswith("regression: scenario INO-COMPENDIA/") for line in lines) == 2
    assert lines[-1] == "compare: 3 regression(s), 0 improvement(s), 0 other change(s)"
    better = conformance("compare", str(tmp_path / "bad.json"), str(tmp_path / "good.json"))
    assert better.code == 0 and "improved: clause INO-COMPENDIA" in better.out


@pytest.mark.slow
def test_compare_refuses_what_is_not_a_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    conformance("run", "--clause", "CON-ECHO-ID", report=report)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 2, "kit": {}}')
    for other, message in (
        (broken, "not a report of conformance run --report"),
        (tmp_path / "missing.json", "cannot be read"),
    ):
        run = conformance("compare", str(report), str(other))
        assert run.code == 2
        assert message in run.err and len(run.err.splitlines()) == 1
