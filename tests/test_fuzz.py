"""``conformance fuzz``: drawn cases are well formed, the reference agrees with itself on every
pack, each invariant catches the engine built to break it, a found scenario fails the engine it
was found against and passes the reference once pasted into its pack's feature, and a case space
that cannot serve is a one-line error naming its file."""

from __future__ import annotations

import json
import re
import subprocess
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
from .kit import KIT_ROOT, conformance, copy_of_packs, edit, run_environment

REFERENCE = "python:policy_conformance.reference:ReferenceEngine"
PACK = "inotuzumab_besponsa"
BND = "blincyto_bcbsnd"
QC = "blincyto_qualchoice_bi477"
#: Every pack the kit fuzzes: each has a case space.
PACKS = (PACK, BND, QC)
#: A wrong engine that every scenario run catches, and fuzzing too.
WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:ignores_lineage"
#: One per pack, with the feature a found scenario is pasted into.
WRONG_BY_PACK = {
    PACK: (WRONG, "covered.feature"),
    BND: (
        "python:policy_conformance.reference.blincyto_bcbsnd.mutants:mrd_strictly_above",
        "indications.feature",
    ),
    QC: (
        "python:policy_conformance.reference.blincyto_qualchoice_bi477.mutants:"
        "investigational_when_not_met",
        "medical_statement.feature",
    ),
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return next(p for p in load_packs() if p.id == PACK)


def _pack(pack_id: str) -> Pack:
    return next(p for p in load_packs() if p.id == pack_id)


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


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(requests(case_space(BND)))
def test_hypothesis_draws_only_well_formed_cases_of_the_bcbs_north_dakota_pack(
    request: Request,
) -> None:
    assert contract.violations("case", request.case("drawn-again")) == []


@pytest.mark.parametrize("pack_id", PACKS)
def test_the_reference_agrees_with_itself_and_keeps_every_invariant(
    reference: CheckedEngine, pack_id: str
) -> None:
    pack = _pack(pack_id)
    assert pack.invariants
    result = search(reference, reference, pack, cases=1000, seed=11)
    assert result.cases == 1000
    assert (result.findings, result.violations, result.errored) == ({}, {}, 0)


def test_the_case_space_reaches_every_outcome_and_drops_steps_that_break_the_contract() -> None:
    from policy_conformance.reference import decide
    from policy_conformance.strategies import SeededChoices, composed

    space = case_space(BND)
    choose = SeededChoices(1)
    outcomes, steps = set(), set()
    for number in range(400):
        request, case = composed(space, choose)
        case["case_id"] = f"drawn-{number}"
        outcomes.add(decide(case)["outcome"])
        steps.update(request.steps)
        # A C91 code is a leukemia: the step saying otherwise is drawn but never taken.
        if any(code.startswith("C91") for code in case["diagnosis_codes"]):
            assert case["clinical"].get("cancer", True) is True
    assert outcomes == {"covered", "not-covered", "pended", "not-applicable"}
    assert "the condition is not a cancer" in steps
    assert "minimal residual disease measures 0.1%" in steps


def test_a_named_fact_is_supplied_only_by_a_phrase_the_codes_do_not_contradict() -> None:
    from policy_conformance.strategies import SeededChoices

    space = case_space(BND)
    relation = RELATIONS["named-fact-supplied"]
    steps = ("the diagnosis is coded C91.00 and C91.02", "the disease status is not stated")
    case = Request("an adult with ALL and no further details", steps, (), BND).case("conflict")
    assert contract.violations("case", case) == []
    pended = {"outcome": "pended", "missing_facts": ["disease-status"]}
    # Every status contradicts one of the two ALL codes: no value settles the fact.
    assert relation.follow_up(case, pended, SeededChoices(1), space) is None
    case["diagnosis_codes"] = ["C91.02"]
    statuses = set()
    for seed in range(20):
        follow_up = relation.follow_up(case, pended, SeededChoices(seed), space)
        assert follow_up is not None and contract.violations("case", follow_up) == []
        statuses.add(follow_up["clinical"]["disease_status"])
    assert statuses == {"relapsed"}


def test_the_harness_knows_no_pack() -> None:
    # Every pack's codes, diseases, phrases and compendium ratings are in its case space.
    for module in ("strategies.py", "invariants.py", "fuzz.py"):
        source = (KIT_ROOT / "conformance" / module).read_text()
        for word in ("C91", "CD22", "CD19", "lymphoblastic", "nccn", "NCCN", "FDA", "J9"):
            assert word not in source, (module, word)


@pytest.mark.slow
@pytest.mark.parametrize("pack_id", PACKS)
def test_the_reference_agrees_with_itself_in_ten_thousand_cases(
    reference: CheckedEngine, pack_id: str
) -> None:
    result = search(reference, reference, _pack(pack_id), cases=10_000, seed=2026)
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
@pytest.mark.parametrize("pack_id", PACKS)
def test_a_found_scenario_fails_the_engine_and_passes_the_reference(
    tmp_path: Path, pack_id: str
) -> None:
    wrong, feature_name = WRONG_BY_PACK[pack_id]
    report = tmp_path / "fuzz.json"
    found = conformance(
        "fuzz",
        "--adapter",
        wrong,
        "--pack",
        pack_id,
        "--cases",
        "300",
        "--seed",
        "3",
        "--report",
        str(report),
    )
    assert found.code == 1, found.err
    document = json.loads(report.read_text())
    assert document["packs"] == [pack_id]
    scenarios = [c["scenario"] for d in document["disagreements"] for c in d["causes"]]
    assert scenarios and all(s for s in scenarios)
    assert "Found by fuzzing" in found.out and "Given a request for" in found.out
    root = copy_of_packs(tmp_path)
    feature = root / "features" / pack_id / feature_name
    feature.write_text(feature.read_text() + "\n" + "\n".join(scenarios))
    only_found = ("-k", "fuzzing")
    verdicts = {}
    for spec in (wrong, REFERENCE):
        run = conformance(
            "run", "--adapter", spec, *only_found, kit_root=root, report=tmp_path / "r"
        )
        assert run.report is not None, run.err
        verdicts[spec] = sorted(s["outcome"] for s in run.report["scenarios"])
    assert verdicts == {wrong: ["failed"] * len(scenarios), REFERENCE: ["passed"] * len(scenarios)}


def test_the_bcbs_north_dakota_pack_finds_nothing_against_the_reference(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.json"
    done = conformance(
        "fuzz",
        "--adapter",
        "reference",
        "--pack",
        BND,
        "--cases",
        "300",
        "--seed",
        "5",
        "--report",
        str(report),
    )
    assert done.code == 0, done.out + done.err
    document = json.loads(report.read_text())
    assert (document["packs"], document["cases"]) == ([BND], 300)
    assert "blincyto_bcbsnd: 300 cases, 0 kind(s) of disagreement, 0 invariant(s) broken" in (
        done.out
    )


def test_without_pack_every_pack_with_a_case_space_is_searched(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.json"
    done = conformance(
        "fuzz", "--adapter", "reference", "--cases", "20", "--seed", "5", "--report", str(report)
    )
    assert done.code == 0, done.out + done.err
    document = json.loads(report.read_text())
    assert sorted(document["packs"]) == sorted(PACKS)
    assert document["cases"] == 20 * len(PACKS)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  listed: [J9039]",
            "  listed: J9039",
            "case_space.yaml:{line}: not a case space: at /hcpcs/listed: 'J9039' is not of "
            "type 'array'",
        ),
        (
            "  - fact: therapy-phase",
            "  - fact: therapy-phases",
            "case_space.yaml:{line}: fact 'therapy-phases' is none of the pack's missing facts",
        ),
        (
            "weak_listings:\n",
            "weak:\n",
            "case_space.yaml:{line}: not a case space: at /: Additional properties are not "
            "allowed ('weak' was unexpected)",
        ),
        (
            "the leukemic blasts express CD19\n",
            "the leukemic blasts shine\n",
            "case_space.yaml: no Given step binds 'the leukemic blasts shine'",
        ),
    ],
)
def test_a_case_space_that_cannot_serve_is_a_one_line_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = copy_of_packs(tmp_path)
    relative = f"features/{BND}/case_space.yaml"
    # The error names the line of the key or item at fault.
    line = (root / relative).read_text().split(old)[0].count("\n") + 1
    edit(root, relative, old, new)
    done = conformance(
        "fuzz", "--adapter", "reference", "--pack", BND, "--cases", "5", kit_root=root
    )
    assert done.code == 2, done.out + done.err
    _one_line_error(done.err, f"features/{BND}/" + message.format(line=line))


def test_a_relation_whose_data_the_case_space_lacks_is_a_one_line_error(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    path = root / "features" / BND / "case_space.yaml"
    text = path.read_text()
    start = text.index("weak_listings:")
    end = text.index("# The facts a request states")
    path.write_text(text[:start] + text[end:])
    done = conformance(
        "fuzz", "--adapter", "reference", "--pack", BND, "--cases", "5", kit_root=root
    )
    assert done.code == 2, done.out + done.err
    _one_line_error(
        done.err,
        "features/blincyto_bcbsnd/case_space.yaml: invariant weaker-listing (named in "
        "clauses.yaml) needs weak_listings, which the case space lacks",
    )


def _one_line_error(err: str, message: str) -> None:
    # The scratch copy's files are named by their full path: the message ends the same.
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("conformance: error: "), err
    assert lines[0].endswith(message), err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--pack", "no_such_pack"), "unknown pack 'no_such_pack'; known: "),
        (("--pack", "contract"), "pack contract has no case space ("),
    ],
)
def test_a_pack_that_cannot_be_fuzzed_is_a_one_line_error(
    arguments: tuple[str, ...], message: str
) -> None:
    done = conformance("fuzz", "--adapter", "reference", *arguments, "--cases", "5")
    assert done.code == 2, done.out + done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"conformance: error: {message}"), done.err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (("--adapter", REFERENCE, "--cases", "50", "--seed", "1"), 0),
        (("--adapter", REFERENCE, "--pack", BND, "--cases", "50", "--seed", "1"), 0),
        (("--adapter", "nonsense-kind:x", "--cases", "5"), 2),
        (("--adapter", REFERENCE, "--cases", "0"), 2),
        (("--adapter", "http:http://127.0.0.1:9/v1", "--cases", "5"), 3),
        (
            (
                "--adapter",
                "python:tests.engines.toy:breaks_on_lymphoma",
                "--pack",
                PACK,
                "--cases",
                "300",
            ),
            4,
        ),
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


def test_a_search_leaves_nothing_in_the_working_directory(tmp_path: Path) -> None:
    # A wrong engine, so that disagreements are shrunk: Hypothesis's engine, were it to shrink
    # them, would write a .hypothesis folder of absolute paths here.
    search = ("fuzz", "--adapter", WRONG, "--pack", PACK, "--cases", "100", "--seed", "3")
    done = subprocess.run(
        [sys.executable, "-m", "policy_conformance", *search],
        cwd=tmp_path,
        env={k: v for k, v in run_environment().items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr
    assert "cause" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_two_causes_of_one_symptom_are_both_shown_with_their_counts(tmp_path: Path) -> None:
    # The engine denies CD22-negative disease and takes every labeled use as off-label: both are
    # "pended where the policy covers" on these cases, for different facts.
    report = tmp_path / "fuzz.json"
    engine = "python:tests.engines.two_causes:denies_for_two_reasons"
    done = conformance(
        "fuzz", "--adapter", engine, "--pack", PACK, "--cases", "1000", "--seed", "3",
        "--report", str(report),
    )  # fmt: skip
    assert done.code == 1, done.out[-2000:] + done.err
    document = json.loads(report.read_text())
    changed = {}
    for disagreement in document["disagreements"]:
        causes = disagreement["causes"]
        assert sum(c["count"] for c in causes) + disagreement["ungrouped"] == disagreement["count"]
        for cause in causes:
            assert cause["count"] >= 1 and "Given a request for" in cause["scenario"]
            # The shrunk case is built by its steps, on the fixture it names.
            difference = cause["difference"]
            assert f"Given a request for {difference['describes']}" in cause["scenario"]
            assert all(f"And {step}" in cause["scenario"] for step in difference["steps"])
        key = (disagreement["field"], disagreement["engine"], disagreement["oracle"])
        changed[key] = [c["scenario"] for c in causes]
    symptom = changed[("outcome", "pended", "covered")]
    cd22 = [s for s in symptom if "CD22-negative" in s and "FDA labeling" not in s]
    labeling = [s for s in symptom if "within FDA labeling" in s and "CD22" not in s]
    assert cd22 and labeling, symptom
    assert "cause 1 of" in symptom[0] and "cause 2 of" in symptom[1]
    # The terminal shows each cause with its count, not one example per symptom.
    shown = re.search(
        r"^disagreement (\d+): outcome \(engine pended, oracle covered\) in", done.out, re.M
    )
    assert shown, done.out[-2000:]
    assert f"cause {shown[1]}.1:" in done.out and f"cause {shown[1]}.2:" in done.out
    assert "changed in clinical.cd22_positive" in done.out
