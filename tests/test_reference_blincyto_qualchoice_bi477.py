"""Unit tests of the Blincyto (Blinatumomab) BI477 reference as a pure function.

Each fixture is decided as the pack's features expect; pended requests name exactly the facts
that could change the decision; the dates, codes and readings are checked on both sides of each
line the policy draws. Every case built here is first held to the pack's facts schema.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from policy_conformance.reference.blincyto_qualchoice_bi477 import (
    CLAUSE_ORDER,
    MISSING_FACT_ORDER,
    POLICY,
    decide,
)

ROOT = Path(__file__).resolve().parents[1]
PACK = "blincyto_qualchoice_bi477"
PACK_DIR = ROOT / "features" / PACK
FIXTURES = ROOT / "fixtures" / PACK


def _validator() -> Draft202012Validator:
    shared = json.loads((ROOT / "contract" / "facts.schema.json").read_text())
    registry: Registry[Any] = Registry().with_resource(
        shared["$id"], Resource.from_contents(shared)
    )
    schema = json.loads((PACK_DIR / "facts.schema.json").read_text())
    return Draft202012Validator(schema, registry=registry)


FACTS = _validator()


def fixture(stem: str) -> dict[str, Any]:
    """A fresh copy of one of the pack's fixture cases."""
    case: dict[str, Any] = yaml.safe_load((FIXTURES / f"{stem}.yaml").read_text())["case"]
    return copy.deepcopy(case)


def ask(case: dict[str, Any]) -> tuple[Any, ...]:
    """The graded part of the reference's decision on a case the facts schema accepts."""
    errors = [error.message for error in FACTS.iter_errors(case)]
    assert errors == [], "a test built a malformed case"
    decision = decide(case)
    assert decision["case_id"] == case["case_id"]
    assert decision["policy"] == POLICY
    return (
        decision["outcome"],
        decision.get("determination"),
        decision["clauses"],
        decision.get("missing_facts"),
    )


COVERED_NEG = ("covered", "medically-necessary", ["QC-PH-NEG-RR"], None)
COVERED_POS = ("covered", "medically-necessary", ["QC-PH-POS-TKI"], None)
NOT_MET = ("not-covered", "not-medically-necessary", ["QC-NOT-MET"], None)


def pended(*facts: str) -> tuple[Any, ...]:
    return ("pended", None, ["QC-PRIOR-AUTH"], list(facts))


def outside(*clauses: str) -> tuple[Any, ...]:
    return ("not-applicable", None, list(clauses), None)


# --- the pack's own files --------------------------------------------------------------------


def test_clause_order_is_the_catalogue_order() -> None:
    catalogue = yaml.safe_load((PACK_DIR / "clauses.yaml").read_text())
    assert tuple(clause["id"] for clause in catalogue["clauses"]) == CLAUSE_ORDER
    assert catalogue["pack"]["policy"]["version"] == POLICY["version"]


def test_missing_fact_order_is_the_facts_schema_order() -> None:
    schema = json.loads((PACK_DIR / "facts.schema.json").read_text())
    names = tuple(item["const"] for item in schema["$defs"]["missing_fact"]["oneOf"])
    assert names == MISSING_FACT_ORDER


def test_fixtures_conform_and_are_named_by_their_case_ids() -> None:
    describes = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert {"describes", "case"} <= set(data) <= {"describes", "case", "states"}
        assert data["case"]["case_id"] == path.stem
        assert data["case"]["policy_id"] == PACK
        assert list(FACTS.iter_errors(data["case"])) == []
        describes.append(data["describes"])
    assert len(describes) == len(set(describes))


# --- every fixture as the features decide it --------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("adult-relapsed-ph-neg-bcp-all", COVERED_NEG),
        ("adult-refractory-ph-neg-bcp-all", COVERED_NEG),
        ("child-relapsed-ph-neg-bcp-all", COVERED_NEG),
        ("adult-newly-diagnosed-ph-neg-bcp-all", NOT_MET),
        ("adult-tki-refractory-ph-pos-bcp-all", COVERED_POS),
        ("adult-relapsed-ph-pos-bcp-all", pended("tki-refractory")),
        (
            "adult-all-not-in-remission",
            pended("lineage", "disease-status", "philadelphia-chromosome", "tki-refractory"),
        ),
        ("adult-tki-refractory-cml", NOT_MET),
        ("adult-relapsed-lymphoblastic-lymphoma", NOT_MET),
    ],
)
def test_each_fixture(stem: str, expected: tuple[Any, ...]) -> None:
    assert ask(fixture(stem)) == expected


def test_decide_does_not_change_its_input() -> None:
    case = fixture("adult-all-not-in-remission")
    before = copy.deepcopy(case)
    decide(case)
    assert case == before


# --- QC-EFFECTIVE and QC-CODES ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2015-04-01", outside("QC-EFFECTIVE")),
        ("2015-12-31", outside("QC-EFFECTIVE")),
        ("2016-01-01", COVERED_NEG),
        ("2016-01-02", COVERED_NEG),
    ],
)
def test_the_revision_date_is_the_first_day_governed(day: str, expected: tuple[Any, ...]) -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    case["date_of_service"] = day
    assert ask(case) == expected


@pytest.mark.parametrize(
    ("name", "codes", "expected"),
    [
        ("blincyto", ["J9039"], COVERED_NEG),
        ("blinatumomab", ["J9999", "J9039"], COVERED_NEG),
        ("blinatumomab", ["J9999"], outside("QC-CODES")),
        ("inotuzumab ozogamicin", ["J9039"], outside("QC-CODES")),
    ],
)
def test_drug_names_and_codes(name: str, codes: list[str], expected: tuple[Any, ...]) -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    case["drug"] |= {"name": name, "hcpcs_codes": codes}
    assert ask(case) == expected


def test_before_the_revision_date_every_reason_outside_is_cited() -> None:
    case = fixture("adult-all-not-in-remission")
    case["date_of_service"] = "2015-12-31"
    case["drug"]["name"] = "rituximab"
    assert ask(case) == outside("QC-EFFECTIVE", "QC-CODES")


# --- the criteria -----------------------------------------------------------------------------


@pytest.mark.parametrize("birth_date", ["2015-06-01", "2000-01-01", "1930-01-01"])
def test_age_is_not_a_criterion(birth_date: str) -> None:
    case = fixture("adult-tki-refractory-ph-pos-bcp-all")
    case["member"]["birth_date"] = birth_date
    assert ask(case) == COVERED_POS


@pytest.mark.parametrize("lineage", ["t-cell", "mixed-phenotype", "other"])
def test_other_lineages_meet_neither_criterion(lineage: str) -> None:
    for stem in ("adult-relapsed-ph-neg-bcp-all", "adult-tki-refractory-ph-pos-bcp-all"):
        case = fixture(stem)
        case["clinical"]["lineage"] = lineage
        assert ask(case) == NOT_MET


def test_philadelphia_positive_disease_needs_stated_tki_refractoriness() -> None:
    case = fixture("adult-tki-refractory-ph-pos-bcp-all")
    case["clinical"]["tki_refractory"] = False
    assert ask(case) == NOT_MET
    del case["clinical"]["tki_refractory"]
    assert ask(case) == pended("tki-refractory")


def test_the_tki_criterion_does_not_read_the_disease_status() -> None:
    case = fixture("adult-tki-refractory-ph-pos-bcp-all")
    for status in ("relapsed", "newly-diagnosed", "in-remission"):
        case["clinical"]["disease_status"] = status
        assert ask(case) == COVERED_POS
    del case["clinical"]["disease_status"]
    assert ask(case) == COVERED_POS


def test_tki_refractoriness_for_disease_not_stated_positive_is_malformed() -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    case["clinical"]["tki_refractory"] = True
    assert list(FACTS.iter_errors(case)) != []
    del case["clinical"]["philadelphia_chromosome"]
    assert list(FACTS.iter_errors(case)) != []


def test_a_disease_that_disagrees_with_its_all_code_is_malformed() -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    case["clinical"]["disease"] = "lymphoblastic-lymphoma"
    assert list(FACTS.iter_errors(case)) != []
    case = fixture("adult-relapsed-lymphoblastic-lymphoma")
    case["clinical"]["disease"] = "acute-lymphoblastic-leukemia"
    assert list(FACTS.iter_errors(case)) != []


# --- pended requests name exactly the facts that matter ---------------------------------------


def test_unknown_philadelphia_status_names_it_and_the_tki_response() -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    del case["clinical"]["philadelphia_chromosome"]
    assert ask(case) == pended("philadelphia-chromosome", "tki-refractory")


def test_a_moot_status_is_not_named() -> None:
    case = fixture("adult-relapsed-ph-pos-bcp-all")
    del case["clinical"]["disease_status"]
    assert ask(case) == pended("tki-refractory")
    case = fixture("adult-newly-diagnosed-ph-neg-bcp-all")
    del case["clinical"]["lineage"]
    assert ask(case) == NOT_MET


def test_a_letter_of_support_supplies_no_fact() -> None:
    case = fixture("adult-relapsed-ph-pos-bcp-all")
    case["documentation"] = [{"kind": "letter-of-support"}]
    assert ask(case) == pended("tki-refractory")


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("relapsed", "C91.01", pended("disease-status")),
        ("relapsed", "C91.00", pended("disease-status")),
        ("in-remission", "C91.02", pended("disease-status")),
        ("refractory", "C91.02", COVERED_NEG),
        ("newly-diagnosed", "C91.01", NOT_MET),
        ("relapsed", "C91.02", COVERED_NEG),
    ],
)
def test_an_all_code_contradicting_the_status(
    status: str, code: str, expected: tuple[Any, ...]
) -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    case["clinical"]["disease_status"] = status
    case["diagnosis_codes"] = [code]
    assert ask(case) == expected


def test_a_contradicted_status_does_not_pend_the_tki_criterion() -> None:
    case = fixture("adult-tki-refractory-ph-pos-bcp-all")
    case["diagnosis_codes"] = ["C91.01"]
    assert ask(case) == COVERED_POS


def test_a_code_never_supplies_an_unstated_status() -> None:
    case = fixture("adult-relapsed-ph-neg-bcp-all")
    del case["clinical"]["disease_status"]
    for code in ("C91.00", "C91.01", "C91.02"):
        case["diagnosis_codes"] = [code]
        assert ask(case) == pended("disease-status")
