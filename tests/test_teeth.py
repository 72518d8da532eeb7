"""The suite has teeth: every deliberately wrong engine is caught by the scenarios of its clause.

Each wrong engine breaks one clause (tests/engines/wrong.py). Run through `conformance run` as a
vendor would, it must make the run exit 1, its clause's verdict nonconformant, and fail at least
two scenarios, so that no single scenario is all that stands between it and a conformant verdict.
The reference engine, through the same command, is conformant on every clause.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.engines.wrong import WRONG_ENGINES
from tests.kit import Run, conformance


@pytest.fixture(scope="module")
def wrong_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    folder = tmp_path_factory.mktemp("wrong")

    def run(name: str) -> tuple[str, Run]:
        spec = f"python:tests.engines.wrong:{name}"
        return name, conformance("run", "--adapter", spec, "-q", report=folder / f"{name}.json")

    # Two at a time: the machine has two cores, and each run is one pytest process.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, WRONG_ENGINES))


@pytest.mark.slow
@pytest.mark.parametrize(("engine", "clause"), sorted(WRONG_ENGINES.items()))
def test_wrong_engine_is_caught_by_its_clause(
    wrong_runs: dict[str, Run], engine: str, clause: str
) -> None:
    run = wrong_runs[engine]
    assert run.code == 1, f"{engine}: exit {run.code}\n{run.out[-3000:]}\n{run.err[-2000:]}"
    assert run.verdict(clause) == "nonconformant", f"{engine} was not caught by {clause}"
    assert f"{clause}" in run.out and "nonconformant" in run.out


def _caught_by(run: Run) -> list[dict[str, Any]]:
    assert run.report is not None, run.out[-3000:] + run.err
    return [s for s in run.report["scenarios"] if s["outcome"] in {"failed", "errored"}]


@pytest.mark.slow
def test_every_wrong_engine_is_caught_by_at_least_two_scenarios(
    wrong_runs: dict[str, Run],
) -> None:
    caught = {name: len(_caught_by(run)) for name, run in wrong_runs.items()}
    assert {name: n for name, n in caught.items() if n < 2} == {}, caught


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "graded"),
    [("cites_every_clause", "clauses cited (exactly)"), ("names_an_extra_fact", "missing facts")],
)
def test_an_engine_like_the_reference_but_for_one_graded_field_fails(
    wrong_runs: dict[str, Run], engine: str, graded: str
) -> None:
    run = wrong_runs[engine]
    assert run.code == 1
    failures = _caught_by(run)
    assert failures and all(s["outcome"] == "failed" for s in failures)
    assert all(s["message"].startswith(f"wrong decision: {graded}") for s in failures), [
        s["message"][:120] for s in failures
    ]


@pytest.mark.slow
def test_every_clause_has_a_wrong_engine() -> None:
    from policy_conformance.packs import load_packs

    clauses = {cid for pack in load_packs() for cid in pack.clauses}
    assert clauses <= set(WRONG_ENGINES.values()), clauses - set(WRONG_ENGINES.values())


@pytest.mark.slow
def test_reference_engine_is_conformant_on_every_clause(tmp_path: Path) -> None:
    run = conformance("run", report=tmp_path / "report.json")
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert run.report["conformant"] is True
    assert {c["verdict"] for c in run.report["clauses"]} == {"conformant"}
    assert run.report["totals"]["failed"] == run.report["totals"]["errored"] == 0
