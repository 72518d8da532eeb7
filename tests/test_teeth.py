"""The suite has teeth: ``conformance mutants`` kills every mutant of the gallery, each twice.

The gallery (``policy_conformance.reference.inotuzumab_besponsa.mutants``) holds the mistakes a vendor could plausibly
make, each breaking one clause. Run as a vendor would, ``conformance mutants`` must kill every
one with at least two scenarios, one of them of the clause the mutant breaks, and exit 0; a
gallery with a survivor or a mutant killed once makes it exit 1. The reference engine, through
``conformance run``, is conformant on every clause.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policy_conformance.reference.inotuzumab_besponsa.mutants import MUTANTS
from tests.kit import Run, conformance


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("mutants")
    return conformance("mutants", "--jobs", "2", report=folder / "mutants.json", timeout=900)


def _mutants(run: Run) -> dict[str, dict[str, Any]]:
    assert run.report is not None, run.out[-3000:] + run.err
    return {entry["name"]: entry for entry in run.report["mutants"]}


@pytest.mark.slow
def test_the_gallery_holds_at_least_forty_documented_mutants() -> None:
    from policy_conformance.reference import mutants

    assert len(MUTANTS) >= 40
    for name in MUTANTS:
        doc = (getattr(mutants, name).__doc__ or "").strip()
        assert doc and "\n" not in doc, f"{name}: needs a one-line docstring"


@pytest.mark.slow
def test_every_mutant_is_killed_at_least_twice(matrix: Run) -> None:
    assert matrix.code == 0, matrix.out[-3000:] + matrix.err
    assert "kill rate 100%" in matrix.out
    kills = {name: entry["kills"] for name, entry in _mutants(matrix).items()}
    assert set(kills) == set(MUTANTS)
    assert {name: n for name, n in kills.items() if n < 2} == {}


@pytest.mark.slow
@pytest.mark.parametrize(("mutant", "clause"), sorted(MUTANTS.items()))
def test_each_mutant_is_killed_by_the_clause_it_breaks(
    matrix: Run, mutant: str, clause: str
) -> None:
    killers = _mutants(matrix)[mutant]["killers"]
    assert any(clause in scenario["clauses"] for scenario in killers), (mutant, killers)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mutant", "graded"),
    [("cites_every_clause", "clauses cited (exactly)"), ("names_an_extra_fact", "missing facts")],
)
def test_a_mutant_wrong_in_one_graded_field_fails_on_that_field(
    matrix: Run, mutant: str, graded: str
) -> None:
    killers = _mutants(matrix)[mutant]["killers"]
    assert killers and all(s["outcome"] == "failed" for s in killers)
    assert all(s["message"].startswith(f"wrong decision: {graded}") for s in killers), [
        s["message"][:120] for s in killers
    ]


@pytest.mark.slow
def test_a_survivor_and_a_mutant_killed_once_fail_the_matrix(tmp_path: Path) -> None:
    run = conformance("mutants", "--gallery", "tests.engines.survivors", report=tmp_path / "m.json")
    assert run.code == 1, run.out[-3000:] + run.err
    status = {name: entry["status"] for name, entry in _mutants(run).items()}
    assert status == {
        "answers_like_the_reference": "survived",
        "forgets_the_far_future": "killed once",
        "wrong_policy_version": "killed",
    }
    assert "kill rate 67%" in run.out
    assert "survived: answers_like_the_reference (breaks INO-RR-BALL)" in run.out


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--gallery", "no_such_gallery"], "--gallery no_such_gallery: cannot be imported"),
        (["--gallery", "tests.engines.toy"], "has no MUTANTS mapping"),
        (["--mutant", "no_such_mutant"], "--mutant no_such_mutant: not in gallery"),
    ],
)
def test_a_gallery_or_mutant_that_does_not_exist_is_a_usage_error(
    arguments: list[str], problem: str
) -> None:
    run = conformance("mutants", *arguments)
    assert run.code == 2, run.out + run.err
    assert problem in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert "Traceback" not in run.err


@pytest.mark.slow
def test_every_clause_has_a_mutant() -> None:
    from policy_conformance.packs import load_packs

    clauses = {cid for pack in load_packs() for cid in pack.clauses}
    assert clauses <= set(MUTANTS.values()), clauses - set(MUTANTS.values())


@pytest.mark.slow
def test_reference_engine_is_conformant_on_every_clause(tmp_path: Path) -> None:
    run = conformance("run", report=tmp_path / "report.json")
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert run.report["conformant"] is True
    assert {c["verdict"] for c in run.report["clauses"]} == {"conformant"}
    assert run.report["totals"]["failed"] == run.report["totals"]["errored"] == 0
