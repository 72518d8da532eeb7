"""``conformance fuzz``: drawn cases are well formed, the reference agrees with itself, each
invariant catches the engine built to break it, and a found scenario fails the engine it was found
against and passes the reference once pasted into a feature."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from policy_conformance import contract
from policy_conformance.adapters import AdapterOptions, open_adapter
from policy_conformance.boundary import CheckedEngine
from policy_conformance.fuzz import search
from policy_conformance.invariants import RELATIONS
from policy_conformance.packs import Pack, load_packs
from policy_conformance.strategies import Request, case_space, requests

from .engines.unstable import BROKEN_INVARIANTS
from .kit import conformance, copy_of_packs

REFERENCE = "python:policy_conformance.reference:ReferenceEngine"
PACK = "inotuzumab_besponsa"
#: A wrong engine that every scenario run catches, and fuzzing too.
WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:ignores_lineage"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return next(p for p in load_packs() if p.id == PACK)


def _engine(spec: str) -> Iterator[CheckedEngine]:
    adapter = open_adapter(spec, AdapterOptions(timeout=None))
    try:
        yield CheckedEngine(adapter)
    finally:
        adapter.close()


@pytest.fixture
def reference() -> Iterator[CheckedEngine]:
    yield from _engine(REFERENCE)


def test_every_invariant_is_in_the_catalogue_with_a_relation_and_an_engine_that_breaks_it(
    pack: Pack,
) -> None:
    assert set(pack.invariants) == set(RELATIONS) == set(BROKEN_INVARIANTS.values())
    for invariant in pack.invariants.values():
        assert invariant.clause in pack.clauses, invariant


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(requests(case_space(PACK)))
def test_hypothesis_draws_only_well_formed_cases(request: Request) -> None:
    # `requests` raises on a malformed case itself; built again from its steps, it still conforms.
    assert contract.violations("case", request.case("drawn-again")) == []


def test_the_reference_agrees_with_itself_and_keeps_every_invariant(
    reference: CheckedEngine, pack: Pack
) -> None:
    result = search(reference, reference, pack, cases=1000, seed=11)
    assert result.cases == 1000
    assert (result.findings, result.violations, result.errored) == ({}, {}, 0)


@pytest.mark.slow
def test_the_reference_agrees_with_itself_in_ten_thousand_cases(
    reference: CheckedEngine, pack: Pack
) -> None:
    result = search(reference, reference, pack, cases=10_000, seed=2026)
    assert (result.findings, result.violations, result.errored) == ({}, {}, 0)


def test_the_same_seed_draws_the_same_search(pack: Pack) -> None:
    runs = []
    for _ in range(2):
        for engine in _engine(WRONG):
            for oracle in _engine(REFERENCE):
                result = search(engine, oracle, pack, cases=200, seed=5)
                runs.append({kind: f.count for kind, f in result.findings.items()})
    assert runs[0] == runs[1] != {}


@pytest.mark.parametrize("engine", sorted(BROKEN_INVARIANTS))
def test_each_invariant_catches_the_engine_that_breaks_it(engine: str, pack: Pack) -> None:
    spec = f"python:tests.engines.unstable:{engine}"
    for first in _engine(spec):
        for second in _engine(spec):
            # Against itself: no oracle can tell, only the invariant.
            result = search(first, second, pack, cases=600, seed=7)
    assert result.findings == {}
    assert BROKEN_INVARIANTS[engine] in result.violations, sorted(result.violations)
    _, decision, follow_up, again = result.violations[BROKEN_INVARIANTS[engine]].pair
    assert contract.violations("case", follow_up) == []
    assert not RELATIONS[BROKEN_INVARIANTS[engine]].holds(decision, again)


def test_an_engine_that_errors_is_counted_not_a_crash(reference: CheckedEngine, pack: Pack) -> None:
    for engine in _engine("python:tests.engines.toy:breaks_on_lymphoma"):
        result = search(engine, reference, pack, cases=300, seed=3)
    assert result.errored > 0
    assert result.cases == 300
    assert result.findings == {}


@pytest.mark.slow
def test_a_found_scenario_fails_the_engine_and_passes_the_reference(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.json"
    found = conformance(
        "fuzz", "--adapter", WRONG, "--cases", "300", "--seed", "3", "--report", str(report)
    )
    assert found.code == 1, found.err
    document = json.loads(report.read_text())
    scenarios = [d["scenario"] for d in document["disagreements"]]
    assert scenarios and all(s for s in scenarios)
    assert "Found by fuzzing" in found.out and "Given a request for" in found.out
    root = copy_of_packs(tmp_path)
    feature = root / "features" / PACK / "covered.feature"
    feature.write_text(feature.read_text() + "\n" + "\n".join(scenarios))
    only_found = ("-k", "fuzzing")
    verdicts = {}
    for spec in (WRONG, REFERENCE):
        run = conformance(
            "run", "--adapter", spec, *only_found, kit_root=root, report=tmp_path / "r"
        )
        assert run.report is not None, run.err
        verdicts[spec] = sorted(s["outcome"] for s in run.report["scenarios"])
    assert verdicts == {WRONG: ["failed"] * len(scenarios), REFERENCE: ["passed"] * len(scenarios)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (("--adapter", REFERENCE, "--cases", "50", "--seed", "1"), 0),
        (("--adapter", "nonsense-kind:x", "--cases", "5"), 2),
        (("--adapter", REFERENCE, "--cases", "0"), 2),
        (("--adapter", "http:http://127.0.0.1:9/v1", "--cases", "5"), 3),
        (("--adapter", "python:tests.engines.toy:breaks_on_lymphoma", "--cases", "300"), 4),
    ],
)
def test_exit_codes(arguments: tuple[str, ...], code: int) -> None:
    done = conformance("fuzz", *arguments, "--seed", "3")
    assert done.code == code, done.out + done.err
    if code == 2:
        assert len(done.err.strip().splitlines()) == 1, done.err
        assert "Traceback" not in done.err


def test_without_hypothesis_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policy_conformance.cli import main

    # A module set to None in sys.modules cannot be imported: as if the extra were not installed.
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    assert main(["fuzz", "--adapter", REFERENCE, "--cases", "5"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "conformance: error: conformance fuzz needs Hypothesis: install policy-conformance[fuzz]"
    )
