"""A fourth pack, written from nothing in a temporary folder, runs with no change to the harness.

``conformance new-pack`` writes a pack that lints clean and fails every scenario until written;
the test then writes a small real pack over it (a catalogue, facts, a feature, a fixture) and an
engine for it, and runs the kit with ``--packs``: the new pack gets its own verdict, the kit's
packs are reported as not checked, and a wrong engine is caught. Only data and an engine are
written: nothing in the kit knows the pack's name.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from .kit import conformance, copy_of_packs

PACK = "demo_pack"

_ENGINE = '''
"""A small engine for the demo pack: covers relapsed disease, pends when the status is unknown."""

from policy_conformance.contract import CONTRACT_VERSION, violations

WRONG = False


def metadata():
    return {
        "name": "demo engine",
        "contract_version": CONTRACT_VERSION,
        "policies": [{"id": "demo_pack", "version": "2026-01"}],
    }


def decide(case):
    problems = violations("case", case)
    if problems:
        return {"errors": [{"path": p.path, "message": p.message} for p in problems]}
    status = case["clinical"].get("disease_status")
    base = {"case_id": case["case_id"], "policy": {"id": "demo_pack", "version": "2026-01"}}
    if status is None:
        return {**base, "outcome": "pended", "clauses": ["DEMO-RECORDS"],
                "missing_facts": ["disease-status"]}
    if status == "relapsed" or (WRONG and status == "newly-diagnosed"):
        return {**base, "outcome": "covered", "determination": "medically-necessary",
                "clauses": ["DEMO-RELAPSED"]}
    return {**base, "outcome": "not-covered", "determination": "investigational",
            "clauses": ["DEMO-RELAPSED"]}


def decide_wrongly(case):
    global WRONG
    WRONG = True
    return decide(case)
'''

_CATALOGUE = """
pack:
  id: demo_pack
  kind: policy
  title: Demo drug
  policy:
    id: demo_pack
    issuer: a test payer
    version: "2026-01"
clauses:
  - id: DEMO-RELAPSED
    section: Coverage
    paraphrase: The drug is medically necessary for relapsed disease, and only for it.
  - id: DEMO-RECORDS
    section: Coverage
    paraphrase: A request that does not state the disease status is pended.
"""

_FEATURE = """
@pack:demo_pack
Feature: Coverage

  @clause:DEMO-RELAPSED
  Rule: Relapsed disease is covered

    @applies
    Scenario: Relapsed disease is covered
      Given a request for a patient with relapsed disease
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause DEMO-RELAPSED

    @near-miss
    Scenario: Newly diagnosed disease is not covered
      Given a request for a patient with relapsed disease
      And the disease status is newly diagnosed
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause DEMO-RELAPSED

  @clause:DEMO-RECORDS
  Rule: An unstated status is pended

    @applies
    Scenario: A request without a disease status is pended
      Given a request for a patient with relapsed disease
      And the disease status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause DEMO-RECORDS
      And the missing facts are the state of the disease

    @near-miss
    Scenario: A request with a disease status is not pended
      Given a request for a patient with relapsed disease
      And the disease status is refractory
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause DEMO-RELAPSED
"""

_FIXTURE = """
describes: a patient with relapsed disease
case:
  case_id: relapsed
  policy_id: demo_pack
  date_of_service: "2026-03-02"
  member: {birth_date: "1980-05-05"}
  drug: {name: demo, hcpcs_codes: [J9999], units: 1}
  diagnosis_codes: [C91.02]
  clinical: {disease_status: relapsed}
"""


@pytest.fixture(scope="module")
def written_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pack root holding the demo pack, and the folder of its engine."""
    root = tmp_path_factory.mktemp("packs")
    made = conformance("new-pack", PACK, "--title", "Demo drug", "--into", str(root))
    assert made.code == 0, made.err
    features = root / "features" / PACK
    for old in features.glob("*.feature"):
        old.unlink()
    (features / "clauses.yaml").write_text(textwrap.dedent(_CATALOGUE))
    (features / "coverage.feature").write_text(textwrap.dedent(_FEATURE))
    facts = json.loads((features / "facts.schema.json").read_text())
    facts["$defs"]["missing_fact"]["oneOf"][0]["title"] = "the state of the disease"
    (features / "facts.schema.json").write_text(json.dumps(facts))
    fixtures = root / "fixtures" / PACK
    # The scaffold's requests for the contract's scenarios stay: the demo engine decides them.
    (fixtures / "example-request.yaml").unlink()
    (fixtures / "relapsed.yaml").write_text(textwrap.dedent(_FIXTURE))
    (root / "demo_engine.py").write_text(_ENGINE)
    return root


def test_a_new_pack_lints_clean_and_fails_until_written(tmp_path: Path) -> None:
    made = conformance("new-pack", "fresh_policy", "--section", "Criteria", "--into", str(tmp_path))
    assert made.code == 0, made.err
    # The skeleton, run on its own: the kit's checkout has a reference package of its own.
    skeleton = tmp_path / "reference" / "fresh_policy" / "__init__.py"
    (tmp_path / "fresh_skeleton.py").write_text(skeleton.read_text())
    environment = {"CONFORMANCE_PACKS": str(tmp_path), "PYTHONPATH": str(tmp_path)}
    lint = conformance("lint", env=environment)
    assert lint.code == 0, lint.out
    run = conformance(
        "run",
        "--adapter",
        "python:fresh_skeleton:decide",
        report=tmp_path / "report.json",
        env=environment,
    )
    assert run.code == 1, run.out + run.err
    assert run.report is not None
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["fresh_policy"]["verdict"] == "nonconformant"
    assert packs["inotuzumab_besponsa"]["checked"] is False
    # Rejecting every case passes only the contract's malformed-case scenarios, on its requests.
    passed = [s for s in run.report["scenarios"] if s["outcome"] == "passed"]
    assert passed and {s["clause"] for s in passed} == {"CON-REJECT-MALFORMED"}
    assert {s["case"]["policy_id"] for s in passed} == {"fresh_policy"}


def test_a_fourth_pack_from_a_folder_is_checked_alone(written_pack: Path, tmp_path: Path) -> None:
    environment = {"PYTHONPATH": str(written_pack)}
    lint = conformance("lint", env={**environment, "CONFORMANCE_PACKS": str(written_pack)})
    assert lint.code == 0, lint.out
    run = conformance(
        "run",
        "--packs",
        str(written_pack),
        "--adapter",
        "python:demo_engine:decide",
        report=tmp_path / "report.json",
        env=environment,
    )
    assert run.code == 0, run.out + run.err
    assert "demo_pack (Demo drug, version 2026-01): conformant (2 of 2 clauses run)" in run.out
    assert "inotuzumab_besponsa: the engine does not declare this policy" in run.out
    assert run.report is not None
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["demo_pack"]["checked"] is True
    assert packs["inotuzumab_besponsa"]["why_not_checked"] == (
        "the engine does not declare this policy"
    )
    # The contract is held on the added pack's own requests, and on no other pack's.
    assert packs["contract"]["checked"] is True
    assert {s["pack"] for s in run.report["scenarios"]} == {PACK, "contract"}
    contract_cases = [s["case"] for s in run.report["scenarios"] if s["pack"] == "contract"]
    assert {c["policy_id"] for c in contract_cases} == {PACK}
    assert sum(s["pack"] == PACK for s in run.report["scenarios"]) == 4


def test_a_wrong_engine_for_the_fourth_pack_fails_it(written_pack: Path) -> None:
    run = conformance(
        "run",
        "--packs",
        str(written_pack),
        "--adapter",
        "python:demo_engine:decide_wrongly",
        env={"PYTHONPATH": str(written_pack)},
    )
    assert run.code == 1, run.out + run.err
    assert "demo_pack (Demo drug, version 2026-01): nonconformant" in run.out


def test_a_pack_root_that_is_no_folder_is_a_usage_error(tmp_path: Path) -> None:
    run = conformance("run", "--packs", str(tmp_path / "nowhere"))
    assert run.code == 2
    assert run.err.strip().splitlines()[-1].startswith("conformance: error: --packs:")


_ONE_POLICY = '''
"""The reference engine, declaring one policy (at the version the test names)."""

import os

from policy_conformance.reference import decide  # noqa: F401 (the engine under test)


def metadata():
    return {
        "name": "one policy",
        "contract_version": "3.0",
        "policies": [{"id": "blincyto_bcbsnd", "version": os.environ["DECLARED_VERSION"]}],
    }
'''


@pytest.mark.parametrize(
    ("version", "code", "why"),
    [
        ("B-undated", 0, None),
        (
            "A-2020-04",
            2,
            "the engine implements version A-2020-04; the pack encodes version B-undated",
        ),
    ],
)
def test_an_engine_of_one_policy_is_checked_on_that_pack_alone(
    tmp_path: Path, version: str, code: int, why: str | None
) -> None:
    (tmp_path / "one_policy.py").write_text(_ONE_POLICY)
    run = conformance(
        "run",
        "--adapter",
        "python:one_policy:decide",
        report=tmp_path / "report.json",
        env={"PYTHONPATH": str(tmp_path), "DECLARED_VERSION": version},
    )
    assert run.code == code, run.out[-2000:] + run.err
    if why is not None:
        # Nothing left to check is the user's mistake, said in one line before any case.
        assert why in run.err and "implements none of the packs" in run.err
        return
    assert run.report is not None
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["blincyto_bcbsnd"]["verdict"] == "conformant"
    assert packs["inotuzumab_besponsa"]["checked"] is False
    # The contract is checked on the engine's own pack: its scenarios run with that pack's requests.
    assert packs["contract"]["verdict"] == "conformant"
    contract_cases = [s["case"] for s in run.report["scenarios"] if s["pack"] == "contract"]
    assert contract_cases and {c["policy_id"] for c in contract_cases} == {"blincyto_bcbsnd"}
    assert {s["pack"] for s in run.report["scenarios"]} == {"blincyto_bcbsnd", "contract"}
    assert "not checked: inotuzumab_besponsa: the engine does not declare this policy" in run.out


def test_a_packs_phrases_that_fail_to_load_are_named_in_one_line(tmp_path: Path) -> None:
    # Only the kit's own root may hold a pack's phrases (an added pack is data only).
    root = copy_of_packs(tmp_path)
    made = conformance("new-pack", "broken_words", "--into", str(root))
    assert made.code == 0, made.err
    (root / "features" / "broken_words" / "steps.py").write_text("raise RuntimeError('boom')\n")
    problem = "features/broken_words/steps.py: the pack's step phrases fail to load: boom"
    lint = conformance("lint", kit_root=root)
    assert lint.code == 1 and problem in lint.out, lint.out + lint.err
    run = conformance("run", kit_root=root)
    assert run.code == 2, run.out + run.err
    assert problem in run.err and "Traceback" not in run.out + run.err
