"""The suite has teeth: every deliberately wrong engine is caught by the scenarios of its clause.

Each wrong engine breaks one clause (tests/engines/wrong.py). Run through `conformance run` as a
vendor would, it must make the run exit 1 and its clause's verdict nonconformant. The reference
engine, through the same command, is conformant on every clause.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
