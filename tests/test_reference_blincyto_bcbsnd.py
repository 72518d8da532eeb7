"""The BCBS North Dakota Blinatumomab (Blincyto) reference engine, tested directly.

Each fixture is decided as the pack's features expect; the boundaries of the age floor and the
MRD threshold are pinned; pended decisions name exactly the facts that could change them; and
the engine's clause and missing-fact orders agree with the catalogue and the facts schema.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from policy_conformance.reference.blincyto_bcbsnd import CLAUSE_ORDER, POLICY, decide
from policy_conformance.reference.blincyto_bcbsnd.rules import (
    MISSING_FACT_ORDER,
    one_month_old_on,
)

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "features" / "blincyto_bcbsnd"
FIXTURES = ROOT / "fixtures" / "blincyto_bcbsnd"

Case = dict[str, Any]


def _fixture(stem: str) -> Case:
    case: Case = yaml.safe_load((FIXTURES / f"{stem}.yaml").read_text())["case"]
    return copy.deepcopy(case)


def _graded(decision: dict[str, Any]) -> tuple[Any, ...]:
    return (
        decision["outcome"],
        decision.get("determination"),
        decision["clauses"],
        decision.get("missing_facts"),
    )


MN, INV = "medically-necessary", "investigational"

EXPECTED = {
    "adult-relapsed-cd19-bcp-all": ("covered", MN, ["BND-RR-BALL"], None),
    "child-refractory-cd19-bcp-all": ("covered", MN, ["BND-RR-BALL"], None),
    "infant-relapsed-cd19-bcp-all": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-mrd-positive-first-remission": ("covered", MN, ["BND-MRD"], None),
    "adult-consolidation-ph-negative-bcp-all": ("covered", MN, ["BND-CONSOLIDATION"], None),
    "adult-newly-diagnosed-bcp-all-in-induction": (
        "not-covered",
        INV,
        ["BND-INVESTIGATIONAL"],
        None,
    ),
    "adult-relapsed-t-cell-all": ("not-covered", INV, ["BND-INVESTIGATIONAL"], None),
    "adult-relapsed-lymphoblastic-lymphoma": (
        "not-covered",
        INV,
        ["BND-DX-CODES", "BND-INVESTIGATIONAL"],
        None,
    ),
    "adult-rheumatoid-arthritis": (
        "not-covered",
        INV,
        ["BND-DX-CODES", "BND-INVESTIGATIONAL"],
        None,
    ),
    "adult-relapsed-other-lymphoid-leukemia": ("pended", None, ["BND-RECORDS"], ["compendia"]),
    "adult-all-without-details": ("pended", None, ["BND-RECORDS"], list(MISSING_FACT_ORDER)),
    # The same cases under phrases that state less, so that scenarios changing a fact read true.
    "adult-relapsed-all": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-relapsed-bcp-all": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-relapsed-cd19-all": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-cd19-bcp-all": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-cd19-bcp-all-coded-in-relapse": ("covered", MN, ["BND-RR-BALL"], None),
    "adult-mrd-positive-complete-remission": ("covered", MN, ["BND-MRD"], None),
    "adult-mrd-positive-first-remission-bcp-all": ("covered", MN, ["BND-MRD"], None),
    "adult-mrd-positive-first-remission-cd19-all": ("covered", MN, ["BND-MRD"], None),
    "adult-mrd-positive-first-remission-bcp-leukemia": ("covered", MN, ["BND-MRD"], None),
    "adult-newly-diagnosed-cd19-bcp-all": ("not-covered", INV, ["BND-INVESTIGATIONAL"], None),
    "adult-consolidation-cd19-bcp-all": ("covered", MN, ["BND-CONSOLIDATION"], None),
    "adult-consolidation-ph-negative-all": ("covered", MN, ["BND-CONSOLIDATION"], None),
    "adult-first-remission-ph-negative-bcp-all": ("covered", MN, ["BND-CONSOLIDATION"], None),
    # An infant of some months: one month or older, so only the disease decides.
    "infant-mrd-positive-first-remission": ("covered", MN, ["BND-MRD"], None),
    "infant-relapsed-lymphoblastic-lymphoma": (
        "not-covered",
        INV,
        ["BND-DX-CODES", "BND-INVESTIGATIONAL"],
        None,
    ),
    "infant-relapsed-t-cell-all": ("not-covered", INV, ["BND-INVESTIGATIONAL"], None),
    # Reading born-after-service: below the age floor; the compendia, unstated, could still cover.
    "unborn-relapsed-cd19-bcp-all": ("pended", None, ["BND-RECORDS"], ["compendia"]),
    # The requests the contract's scenarios start from.
    "contract-covered": ("covered", MN, ["BND-RR-BALL"], None),
    "contract-not-covered": ("not-covered", INV, ["BND-DX-CODES", "BND-INVESTIGATIONAL"], None),
    "contract-outside": ("not-applicable", None, ["BND-CODES"], None),
    "contract-pended": ("pended", None, ["BND-RECORDS"], list(MISSING_FACT_ORDER)),
}


def test_every_fixture_has_an_expectation() -> None:
    assert {path.stem for path in FIXTURES.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_fixture_is_decided_as_the_features_expect(stem: str) -> None:
    decision = decide(_fixture(stem))
    assert decision["case_id"] == stem
    assert decision["policy"] == POLICY
    assert _graded(decision) == EXPECTED[stem]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_fixture_facts_conform_to_the_pack_schema(stem: str) -> None:
    shared = json.loads((ROOT / "contract" / "facts.schema.json").read_text())
    registry: Registry[Any] = Registry().with_resource(
        shared["$id"], Resource.from_contents(shared)
    )
    schema = json.loads((PACK / "facts.schema.json").read_text())
    validator = Draft202012Validator(schema, registry=registry)
    problems = [error.message for error in validator.iter_errors(_fixture(stem))]
    assert problems == []


def test_clause_order_is_the_catalogue_order() -> None:
    catalogue = yaml.safe_load((PACK / "clauses.yaml").read_text())
    assert tuple(clause["id"] for clause in catalogue["clauses"]) == CLAUSE_ORDER


def test_missing_fact_order_is_the_facts_schema_order() -> None:
    schema = json.loads((PACK / "facts.schema.json").read_text())
    names = tuple(entry["const"] for entry in schema["$defs"]["missing_fact"]["oneOf"])
    assert names == MISSING_FACT_ORDER


@pytest.mark.parametrize(
    ("birth", "turns"),
    [
        (date(2025, 3, 15), date(2025, 4, 15)),
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2024, 12, 31), date(2025, 1, 31)),
    ],
)
def test_one_month_old_on_the_same_day_or_the_shorter_months_last(birth: date, turns: date) -> None:
    assert one_month_old_on(birth) == turns


@pytest.mark.parametrize(
    ("service", "outcome", "clauses"),
    [
        ("2025-02-27", "not-covered", ["BND-AGE", "BND-INVESTIGATIONAL"]),
        ("2025-02-28", "covered", ["BND-RR-BALL"]),
    ],
)
def test_age_floor_from_the_day_before_to_the_day_of(
    service: str, outcome: str, clauses: list[str]
) -> None:
    case = _fixture("infant-relapsed-cd19-bcp-all")
    case["member"]["birth_date"] = "2025-01-31"
    case["date_of_service"] = service
    case["evidence"] = {"compendia": []}
    decision = decide(case)
    assert (decision["outcome"], decision["clauses"]) == (outcome, clauses)


def test_under_one_month_nccn_support_still_covers() -> None:
    case = _fixture("infant-relapsed-cd19-bcp-all")
    case["member"]["birth_date"] = "2025-01-01"
    case["evidence"] = {"compendia": [{"compendium": "nccn", "rating": "2B"}]}
    assert _graded(decide(case)) == ("covered", MN, ["BND-COMPENDIA"], None)


@pytest.mark.parametrize(
    ("mrd", "outcome"), [(0.1, "covered"), (0.09, "not-covered"), (0.0999, "not-covered")]
)
def test_mrd_threshold_includes_exactly_one_tenth_of_a_percent(mrd: float, outcome: str) -> None:
    case = _fixture("adult-mrd-positive-first-remission")
    case["clinical"]["mrd_percent"] = mrd
    assert decide(case)["outcome"] == outcome


@pytest.mark.parametrize(
    ("field", "missing"),
    [
        ("mrd_percent", ["minimal-residual-disease"]),
        ("complete_remission", ["complete-remission"]),
        ("cd19_positive", ["cd19-status"]),
        ("lineage", ["lineage"]),
        # The MRD indication covers whatever the Philadelphia chromosome status is.
        ("philadelphia_chromosome", None),
    ],
)
def test_pended_names_exactly_the_fact_that_could_change_it(
    field: str, missing: list[str] | None
) -> None:
    case = _fixture("adult-mrd-positive-first-remission")
    del case["clinical"][field]
    decision = decide(case)
    if missing is None:
        assert decision["outcome"] == "covered"
    else:
        assert (decision["outcome"], decision.get("missing_facts")) == ("pended", missing)


def test_relapse_coded_in_remission_is_pended_for_the_remission_reading() -> None:
    case = _fixture("adult-relapsed-cd19-bcp-all")
    case["diagnosis_codes"] = ["C91.01"]
    case["evidence"] = {"compendia": []}
    assert decide(case).get("missing_facts") == [
        "disease-status",
        "complete-remission",
        "minimal-residual-disease",
        "therapy-phase",
    ]


def test_readings_covered_by_different_routes_cite_each() -> None:
    case = _fixture("adult-mrd-positive-first-remission")
    case["diagnosis_codes"] = ["C91.02"]
    assert _graded(decide(case)) == ("covered", MN, ["BND-RR-BALL", "BND-MRD"], None)


@pytest.mark.parametrize(
    ("name", "codes", "outcome"),
    [
        ("blincyto", ["J9039"], "covered"),
        ("blinatumomab", ["J9999"], "not-applicable"),
        ("blinatumomab", ["J3490", "J9039"], "covered"),
        ("inotuzumab ozogamicin", ["J9039"], "not-applicable"),
    ],
)
def test_drug_names_and_the_one_code(name: str, codes: list[str], outcome: str) -> None:
    case = _fixture("adult-relapsed-cd19-bcp-all")
    case["drug"].update(name=name, hcpcs_codes=codes)
    decision = decide(case)
    assert decision["outcome"] == outcome
    if outcome == "not-applicable":
        assert "determination" not in decision
        assert decision["clauses"] == ["BND-CODES"]
