"""Unit tests of the reference engine as a pure function, and proof the wrong engines are wrong.

Fast: no adapter, no subprocess. Every answer the engine gives here is also checked against the
contract, so a test cannot pass on a reply the kit would refuse.
"""

from __future__ import annotations

import copy
import itertools
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_conformance import contract, reference
from policy_conformance.packs import load_packs
from policy_conformance.reference import ReferenceEngine, decide, metadata
from policy_conformance.reference.inotuzumab_besponsa import mutants as wrong
from policy_conformance.reference.inotuzumab_besponsa.rules import CLAUSE_ORDER, MISSING_FACT_ORDER
from tests.test_kit_rules import _imports

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "features" / "inotuzumab_besponsa" / "clauses.yaml"
CONTRACT_CATALOGUE = ROOT / "features" / "contract" / "clauses.yaml"

ALL = "acute-lymphoblastic-leukemia"
LYMPHOMA = "diffuse-large-b-cell-lymphoma"

RR_BALL: dict[str, Any] = {
    "cancer": True,
    "disease": ALL,
    "lineage": "b-cell-precursor",
    "disease_status": "relapsed",
}
CANCER_OTHER: dict[str, Any] = {"cancer": True, "disease": LYMPHOMA}
NOT_CANCER: dict[str, Any] = {"cancer": False, "disease": "rheumatoid-arthritis"}

OFF_LABEL = {"within_label": False}
LABELED = {"within_label": True, "clinical_benefit_established": True}
LABELED_NO_BENEFIT = {"within_label": True, "clinical_benefit_established": False}

UNSUPPORTED = ["INO-INV-UNSUPPORTED", "INO-NOT-MET"]


def make_case(
    clinical: dict[str, Any] | None = None,
    evidence: dict[str, Any] | None = None,
    *,
    case_id: str = "ref-1",
    codes: list[str] | None = None,
    date_of_service: str = "2020-06-01",
    birth_date: str = "1960-03-15",
    drug: str = "inotuzumab ozogamicin",
    diagnosis: list[str] | None = None,
    documentation: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A well-formed case; by default an adult with relapsed B-cell precursor ALL, no evidence."""
    case: dict[str, Any] = {
        "case_id": case_id,
        "policy_id": "inotuzumab_besponsa",
        "date_of_service": date_of_service,
        "member": {"birth_date": birth_date},
        "drug": {"name": drug, "hcpcs_codes": codes or ["J9229"], "units": 9},
        "diagnosis_codes": diagnosis or ["C91.02"],
        "clinical": copy.deepcopy(RR_BALL if clinical is None else clinical),
    }
    if diagnosis is None and case["clinical"].get("disease", ALL) != ALL:
        case["diagnosis_codes"] = ["M06.9" if case["clinical"].get("cancer") is False else "C83.30"]
    case |= {}
    if evidence is not None:
        case["evidence"] = copy.deepcopy(evidence)
    if documentation is not None:
        case["documentation"] = documentation
    assert contract.violations("case", case) == [], "a test built a malformed case"
    return case


def ask(case: Any) -> dict[str, Any]:
    """The reference's answer, held to the contract: a decision or a rejection, never neither."""
    reply = decide(case)
    kind: contract.SchemaName = "decision" if "outcome" in reply else "rejection"
    assert contract.violations(kind, reply) == [], reply
    return reply


def summary(reply: dict[str, Any]) -> tuple[Any, ...]:
    """What the kit grades in a decision: everything but the rationale."""
    return (
        reply["outcome"],
        reply.get("determination"),
        reply["clauses"],
        reply.get("missing_facts"),
    )


# --- surface -------------------------------------------------------------------------------------


def test_public_surface_is_fixed() -> None:
    assert reference.__all__ == ["ReferenceEngine", "decide", "metadata"]
    assert [p["id"] for p in reference.engine.policies()] == sorted(
        p.id for p in load_packs() if p.kind == "policy"
    )


def test_metadata_declares_every_policy_pack_at_its_version() -> None:
    described = metadata()
    assert described["name"] == "policy-conformance reference engine"
    assert described["contract_version"] == contract.CONTRACT_VERSION
    assert ReferenceEngine().metadata() == described
    assert contract.violations("metadata", described) == []
    packs = {pack.id: pack.version for pack in load_packs() if pack.kind == "policy"}
    assert {p["id"]: p["version"] for p in described["policies"]} == packs


def test_a_case_for_a_policy_it_does_not_implement_is_rejected() -> None:
    reply = ask({**make_case(), "policy_id": "blinatumomab_blincyto"})
    assert "errors" in reply
    assert "blinatumomab_blincyto" in reply["errors"][0]["message"]


def test_engine_class_delegates_to_decide() -> None:
    case = make_case()
    assert ReferenceEngine().decide(case) == decide(case)


_DECISION_CODE = sorted(
    path.relative_to(ROOT / "reference").as_posix()
    for path in (ROOT / "reference").glob("**/*.py")
    # The ways in (the HTTP server and its Da Vinci faces, the command line) are not decision code.
    if path.name
    not in ("mutants.py", "server.py", "fhir_faces.py", "crd_face.py", "cli.py", "__main__.py")
)


@pytest.mark.parametrize("module", _DECISION_CODE)
def test_the_decision_code_imports_only_stdlib_and_contract(module: str) -> None:
    # The reference stands alone: the standard library, and the contract it is graded by.
    imported = _imports(ROOT / "reference" / module)
    kit = {m for m in imported if m.startswith("policy_conformance")}
    outside = {m.split(".")[0] for m in imported - kit} - set(sys.stdlib_module_names)
    assert not outside, outside
    assert all(
        m.startswith(("policy_conformance.contract", "policy_conformance.reference"))
        or m == "policy_conformance"
        for m in kit
    ), kit


def test_clause_order_is_the_catalogue_order() -> None:
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    assert [clause["id"] for clause in catalogue["clauses"]] == list(CLAUSE_ORDER)


def test_missing_fact_order_is_the_contract_order() -> None:
    assert MISSING_FACT_ORDER == (
        "cancer",
        "lineage",
        "disease-status",
        "fda-labeling",
        "clinical-benefit",
        "compendia",
    )


# --- decisions carry the policy and echo the case ------------------------------------------------


def test_decision_echoes_case_id_and_names_the_policy() -> None:
    reply = ask(make_case(case_id="CASE:42.a-b"))
    assert reply["case_id"] == "CASE:42.a-b"
    assert reply["policy"] == {"id": "inotuzumab_besponsa", "version": "2020-11"}
    assert isinstance(reply["rationale"], str) and reply["rationale"]


def test_decide_does_not_change_its_input() -> None:
    case = make_case({**RR_BALL, "lineage": "t-cell"}, {"compendia": []})
    before = copy.deepcopy(case)
    ask(case)
    assert case == before


# --- INO-RR-BALL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [("relapsed", "C91.02"), ("refractory", "C91.00")])
def test_relapsed_or_refractory_b_cell_all_is_covered(status: str, code: str) -> None:
    reply = ask(make_case({**RR_BALL, "disease_status": status}, diagnosis=[code]))
    assert summary(reply) == ("covered", "medically-necessary", ["INO-RR-BALL"], None)


def test_age_cd22_and_philadelphia_are_not_criteria() -> None:
    clinical = {**RR_BALL, "cd22_positive": False, "philadelphia_chromosome": "positive"}
    reply = ask(make_case(clinical, birth_date="2015-07-01"))
    assert summary(reply) == ("covered", "medically-necessary", ["INO-RR-BALL"], None)


@pytest.mark.parametrize("lineage", ["t-cell", "mixed-phenotype", "other"])
def test_other_lineages_do_not_meet_the_primary_indication(lineage: str) -> None:
    reply = ask(make_case({**RR_BALL, "lineage": lineage}, {"fda_labeling": OFF_LABEL}))
    # RR is false, FDA is false; only compendia remain unknown.
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["compendia"])


@pytest.mark.parametrize(
    ("status", "code"), [("newly-diagnosed", "C91.00"), ("in-remission", "C91.01")]
)
def test_other_disease_statuses_do_not_meet_the_primary_indication(status: str, code: str) -> None:
    clinical = {**RR_BALL, "disease_status": status}
    reply = ask(make_case(clinical, {"fda_labeling": OFF_LABEL, "compendia": []}, diagnosis=[code]))
    assert summary(reply) == ("not-covered", "investigational", UNSUPPORTED, None)


def test_missing_lineage_is_pended_for_lineage() -> None:
    clinical = {k: v for k, v in RR_BALL.items() if k != "lineage"}
    reply = ask(make_case(clinical, {"fda_labeling": OFF_LABEL, "compendia": []}))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["lineage"])


def test_t_cell_all_without_evidence_is_pended_for_the_evidence() -> None:
    reply = ask(make_case({**RR_BALL, "lineage": "t-cell"}))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["fda-labeling", "compendia"])


def test_nothing_known_about_all_names_every_fact_once_in_contract_order() -> None:
    reply = ask(make_case({}))
    expected = ["lineage", "disease-status", "fda-labeling", "compendia"]
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], expected)


def test_nothing_known_about_another_disease_asks_for_cancer_and_evidence() -> None:
    reply = ask(make_case({}, diagnosis=["C83.50"]))
    expected = ["cancer", "fda-labeling", "compendia"]
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], expected)


# --- reading icd-status-conflict -----------------------------------------------------------------

AGREEING = {
    ("C91.00", "newly-diagnosed"),
    ("C91.00", "refractory"),
    ("C91.01", "in-remission"),
    ("C91.02", "relapsed"),
}
ALL_PAIRS = list(
    itertools.product(
        ["C91.00", "C91.01", "C91.02"],
        ["relapsed", "refractory", "newly-diagnosed", "in-remission"],
    )
)


#: Reading icd-status-conflict, written out: a contradicted status is open between the stated one
#: and the code's, and pends only when those readings decide differently.
CONFLICT_OUTCOMES = {
    ("C91.00", "relapsed"): "pended",
    ("C91.00", "in-remission"): "pended",
    ("C91.01", "relapsed"): "pended",
    ("C91.01", "refractory"): "pended",
    ("C91.01", "newly-diagnosed"): "not-covered",
    ("C91.02", "refractory"): "covered",
    ("C91.02", "newly-diagnosed"): "pended",
    ("C91.02", "in-remission"): "pended",
}


@pytest.mark.parametrize(("code", "status"), ALL_PAIRS)
def test_an_all_code_that_contradicts_the_status_pends_only_when_it_matters(
    code: str, status: str
) -> None:
    clinical = {**RR_BALL, "disease_status": status}
    reply = ask(make_case(clinical, {"fda_labeling": OFF_LABEL, "compendia": []}, diagnosis=[code]))
    if (code, status) in AGREEING:
        expected = "covered" if status in {"relapsed", "refractory"} else "not-covered"
    else:
        expected = CONFLICT_OUTCOMES[(code, status)]
    assert reply["outcome"] == expected
    if expected == "pended":
        assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["disease-status"])


def test_one_contradicting_code_among_several_is_enough() -> None:
    evidence = {"fda_labeling": OFF_LABEL, "compendia": []}
    reply = ask(make_case(RR_BALL, evidence, diagnosis=["C91.02", "C91.01"]))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["disease-status"])


def test_an_all_code_beside_another_disease_is_rejected() -> None:
    case = make_case(CANCER_OTHER, diagnosis=["C83.30"])
    case["diagnosis_codes"] = ["C83.30", "C91.01"]
    assert "outcome" not in ask(case)


def test_all_without_an_all_code_or_called_no_cancer_is_rejected() -> None:
    uncoded = make_case()
    uncoded["diagnosis_codes"] = ["C83.50"]
    assert "outcome" not in ask(uncoded)
    not_cancer = make_case()
    not_cancer["clinical"]["cancer"] = False
    assert "outcome" not in ask(not_cancer)


def test_all_is_a_cancer_without_the_flag() -> None:
    clinical = {k: v for k, v in RR_BALL.items() if k != "cancer"}
    reply = ask(make_case(clinical))
    assert summary(reply) == ("covered", "medically-necessary", ["INO-RR-BALL"], None)


def test_a_conflict_that_cannot_change_the_outcome_is_not_named() -> None:
    clinical = {**RR_BALL, "lineage": "t-cell"}
    evidence = {"fda_labeling": OFF_LABEL, "compendia": []}
    reply = ask(make_case(clinical, evidence, diagnosis=["C91.01"]))
    assert summary(reply) == ("not-covered", "investigational", UNSUPPORTED, None)


# --- INO-FDA-LABEL -------------------------------------------------------------------------------


def test_a_labeled_cancer_use_with_benefit_is_covered() -> None:
    reply = ask(make_case(CANCER_OTHER, {"fda_labeling": LABELED}, diagnosis=["C83.30"]))
    assert summary(reply) == ("covered", "medically-necessary", ["INO-FDA-LABEL"], None)


def test_a_labeled_use_without_benefit_is_not_medically_necessary() -> None:
    evidence = {"fda_labeling": LABELED_NO_BENEFIT, "compendia": []}
    reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
    assert summary(reply) == ("not-covered", "not-medically-necessary", ["INO-NOT-MET"], None)


def test_a_labeled_use_with_benefit_unstated_is_pended_for_benefit() -> None:
    evidence = {"fda_labeling": {"within_label": True}, "compendia": []}
    reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["clinical-benefit"])


def test_benefit_does_not_matter_off_label() -> None:
    for labeling in (
        {"within_label": False},
        {"within_label": False, "clinical_benefit_established": True},
    ):
        evidence = {"fda_labeling": labeling, "compendia": []}
        reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
        assert summary(reply) == ("not-covered", "investigational", UNSUPPORTED, None)


def test_without_benefit_and_without_compendia_facts_only_compendia_are_missing() -> None:
    evidence = {"fda_labeling": LABELED_NO_BENEFIT}
    reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["compendia"])


def test_every_route_that_is_met_is_cited_in_catalogue_order() -> None:
    evidence = {"compendia": [{"compendium": "nccn", "rating": "1"}], "fda_labeling": LABELED}
    reply = ask(make_case(RR_BALL, evidence))
    expected = ["INO-RR-BALL", "INO-FDA-LABEL", "INO-COMPENDIA"]
    assert summary(reply) == ("covered", "medically-necessary", expected, None)


# --- INO-COMPENDIA -------------------------------------------------------------------------------

RATINGS = {
    "nccn": {"1": True, "2A": True, "2B": False, "3": False},
    "micromedex-drugdex": {"I": True, "IIa": True, "IIb": False, "III": False},
    "ahfs-di": {"supportive": True, "not-supportive": False},
    "clinical-pharmacology": {"supportive": True, "not-supportive": False},
    "lexi-drugs": {"A": True, "B": False, "C": False, "unsupported": False},
}
LISTINGS = [
    (name, rating, strong)
    for name, ratings in RATINGS.items()
    for rating, strong in ratings.items()
]


def test_rating_table_covers_every_rating_the_contract_allows() -> None:
    for rule in contract.schema("facts")["$defs"]["compendium_listing"]["allOf"]:
        names = rule["if"]["properties"]["compendium"]
        ratings = set(rule["then"]["properties"]["rating"]["enum"])
        for name in names.get("enum", [names.get("const")]):
            assert set(RATINGS[name]) == ratings


@pytest.mark.parametrize(("name", "rating", "strong"), LISTINGS)
def test_each_compendium_rating(name: str, rating: str, strong: bool) -> None:
    evidence = {"fda_labeling": OFF_LABEL, "compendia": [{"compendium": name, "rating": rating}]}
    reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
    if strong:
        assert summary(reply) == ("covered", "medically-necessary", ["INO-COMPENDIA"], None)
    else:
        assert summary(reply) == ("not-covered", "investigational", UNSUPPORTED, None)


@pytest.mark.parametrize(
    "contrary",
    [
        ("nccn", "3"),
        ("micromedex-drugdex", "III"),
        ("ahfs-di", "not-supportive"),
        ("lexi-drugs", "unsupported"),
    ],
)
def test_a_contrary_listing_never_defeats_strong_support(contrary: tuple[str, str]) -> None:
    listings = [
        {"compendium": contrary[0], "rating": contrary[1]},
        {"compendium": "clinical-pharmacology", "rating": "supportive"},
    ]
    evidence = {"fda_labeling": OFF_LABEL, "compendia": listings}
    reply = ask(make_case(CANCER_OTHER, evidence, diagnosis=["C83.30"]))
    assert summary(reply) == ("covered", "medically-necessary", ["INO-COMPENDIA"], None)


def test_no_compendium_listing_is_a_known_fact() -> None:
    reply = ask(
        make_case(CANCER_OTHER, {"fda_labeling": OFF_LABEL, "compendia": []}, diagnosis=["C83.30"])
    )
    assert summary(reply) == ("not-covered", "investigational", UNSUPPORTED, None)


# --- INO-INV-NONCANCER, INO-NOT-MET --------------------------------------------------------------


def test_a_non_cancer_use_is_investigational_whatever_the_evidence() -> None:
    evidence = {"fda_labeling": LABELED, "compendia": [{"compendium": "nccn", "rating": "1"}]}
    reply = ask(make_case(NOT_CANCER, evidence, diagnosis=["M06.9"]))
    expected = ["INO-INV-NONCANCER", "INO-NOT-MET"]
    assert summary(reply) == ("not-covered", "investigational", expected, None)


def test_a_non_cancer_use_needs_no_other_fact() -> None:
    reply = ask(make_case({"cancer": False}, diagnosis=["D69.3"]))
    expected = ["INO-INV-NONCANCER", "INO-NOT-MET"]
    assert summary(reply) == ("not-covered", "investigational", expected, None)


def test_unknown_cancer_is_pended_for_cancer() -> None:
    clinical = {"disease": LYMPHOMA}
    evidence = {"fda_labeling": LABELED, "compendia": []}
    reply = ask(make_case(clinical, evidence, diagnosis=["C83.30"]))
    assert summary(reply) == ("pended", None, ["INO-RECORDS"], ["cancer"])


# --- INO-RECORDS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["letter-of-support", "medical-records", "pathology-report"])
def test_documentation_never_changes_the_decision(kind: str) -> None:
    clinical = {k: v for k, v in RR_BALL.items() if k != "lineage"}
    plain = make_case(clinical, {"fda_labeling": OFF_LABEL, "compendia": []})
    documented = {**plain, "documentation": [{"kind": kind, "description": "B-cell precursor"}]}
    assert ask(documented) == ask(plain)


# --- INO-CODES, INO-CODE-DATES -------------------------------------------------------------------


def test_another_drug_is_not_applicable() -> None:
    reply = ask(make_case(drug="blinatumomab", codes=["J9039"]))
    assert summary(reply) == ("not-applicable", None, ["INO-CODES"], None)


def test_another_drug_under_the_policys_codes_is_not_applicable() -> None:
    reply = ask(make_case(drug="blinatumomab", codes=["J3590"]))
    assert summary(reply) == ("not-applicable", None, ["INO-CODES"], None)


@pytest.mark.parametrize(
    ("code", "day", "applies"),
    [
        ("C9028", "2017-12-31", False),
        ("C9028", "2018-01-01", True),
        ("C9028", "2018-12-31", True),
        ("C9028", "2019-01-01", False),
        ("J9229", "2018-12-31", False),
        ("J9229", "2019-01-01", True),
        ("J9229", "2030-06-30", True),
    ],
)
def test_dated_codes_count_only_in_their_window(code: str, day: str, applies: bool) -> None:
    reply = ask(make_case(codes=[code], date_of_service=day))
    if applies:
        assert summary(reply) == ("covered", "medically-necessary", ["INO-RR-BALL"], None)
    else:
        assert summary(reply) == ("not-applicable", None, ["INO-CODES", "INO-CODE-DATES"], None)


@pytest.mark.parametrize("code", ["J3490", "J3590", "J9999", "S0353", "S0354"])
@pytest.mark.parametrize("day", ["2016-01-01", "2018-06-01", "2025-01-01"])
def test_undated_codes_count_on_any_date(code: str, day: str) -> None:
    reply = ask(make_case(codes=[code], date_of_service=day))
    assert reply["outcome"] == "covered"


def test_a_code_the_policy_does_not_list_is_not_applicable() -> None:
    reply = ask(make_case(codes=["J9000", "J9039"]))
    assert summary(reply) == ("not-applicable", None, ["INO-CODES"], None)


def test_a_dated_code_out_of_window_is_cited_beside_unlisted_codes() -> None:
    reply = ask(make_case(codes=["J9000", "J9229"], date_of_service="2018-03-01"))
    assert summary(reply) == ("not-applicable", None, ["INO-CODES", "INO-CODE-DATES"], None)


@pytest.mark.parametrize(
    ("codes", "day"),
    [
        (["C9028", "J9229"], "2018-03-01"),
        (["C9028", "J9229"], "2019-03-01"),
        (["J9000", "J3490"], "2020-03-01"),
    ],
)
def test_one_valid_code_is_enough(codes: list[str], day: str) -> None:
    reply = ask(make_case(codes=codes, date_of_service=day))
    assert reply["outcome"] == "covered"


# --- rejections ----------------------------------------------------------------------------------


def broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    case = make_case(case_id="bad-1")
    change(case)
    return case


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda c: c.update(date_of_service="2019-02-30"), "/date_of_service"),
        (lambda c: c.update(date_of_service="1/1/2019"), "/date_of_service"),
        (lambda c: c["member"].update(birth_date="yesterday"), "/member/birth_date"),
        (lambda c: c["drug"].update(hcpcs_codes=["j9229"]), "/drug/hcpcs_codes/0"),
        (lambda c: c["drug"].update(hcpcs_codes=[]), "/drug/hcpcs_codes"),
        (lambda c: c["drug"].update(units=0), "/drug/units"),
        (lambda c: c.update(diagnosis_codes=["C9102"]), "/diagnosis_codes/0"),
        (lambda c: c["clinical"].update(lineage="b-cell"), "/clinical/lineage"),
        (lambda c: c["clinical"].update(cancer="yes"), "/clinical/cancer"),
        (
            lambda c: c.update(evidence={"compendia": [{"compendium": "nccn", "rating": "IIa"}]}),
            "/evidence/compendia/0/rating",
        ),
        (lambda c: c.update(evidence={"fda_labeling": {}}), "/evidence/fda_labeling"),
        (lambda c: c.pop("clinical"), ""),
        (lambda c: c.update(surprise=True), ""),
    ],
)
def test_a_malformed_case_is_rejected_at_its_path(
    change: Callable[[dict[str, Any]], None], path: str
) -> None:
    case = broken(change)
    reply = ask(case)
    assert "outcome" not in reply
    assert reply["case_id"] == "bad-1"
    assert path in [error["path"] for error in reply["errors"]]
    expected = [{"path": v.path, "message": v.message} for v in contract.violations("case", case)]
    assert reply["errors"] == expected


def test_a_missing_field_is_named_in_the_message() -> None:
    reply = ask(broken(lambda c: c.pop("date_of_service")))
    assert {"path": "", "message": "'date_of_service' is a required property"} in reply["errors"]


@pytest.mark.parametrize("case_id", [None, "", 7, ["a"]])
def test_a_case_id_that_is_not_a_non_empty_string_is_not_echoed(case_id: Any) -> None:
    reply = ask(broken(lambda c: c.update(case_id=case_id)))
    assert "case_id" not in reply
    assert "/case_id" in [error["path"] for error in reply["errors"]]


def test_a_bad_case_id_that_is_a_string_is_echoed() -> None:
    reply = ask(broken(lambda c: c.update(case_id="has space")))
    assert reply["case_id"] == "has space"


def _deep(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "case",
    [
        None,
        0,
        "case",
        [],
        [make_case()],
        {},
        {1: 2},
        {"case_id": {1, 2}},
        {"clinical": _deep(5000)},
    ],
)
def test_anything_that_is_not_a_case_is_rejected(case: Any) -> None:
    reply = ask(case)
    assert "outcome" not in reply and "case_id" not in reply
    assert reply["errors"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(database=None)
@given(st.one_of(json_values, st.dictionaries(st.sampled_from(list(make_case())), json_values)))
def test_arbitrary_json_is_answered_without_raising(value: Any) -> None:
    ask(value)


# --- properties over generated well-formed cases -------------------------------------------------

CODES = ["J3490", "J3590", "J9229", "J9999", "S0353", "S0354", "C9028", "J9000", "J9039"]
DIAGNOSES = ["C91.00", "C91.01", "C91.02", "C83.30", "C83.50", "M06.9", "D69.3"]
ALL_LISTINGS = [{"compendium": name, "rating": rating} for name, rating, _ in LISTINGS]

listings = st.lists(st.sampled_from(ALL_LISTINGS), max_size=4)
evidence_objects = st.fixed_dictionaries(
    {},
    optional={
        "fda_labeling": st.fixed_dictionaries(
            {"within_label": st.booleans()},
            optional={"clinical_benefit_established": st.booleans()},
        ),
        "compendia": listings,
    },
)
clinical_facts = st.fixed_dictionaries(
    {},
    optional={
        "cancer": st.booleans(),
        "disease": st.sampled_from([ALL, ALL, LYMPHOMA, "rheumatoid-arthritis"]),
        "lineage": st.sampled_from(
            ["b-cell-precursor", "b-cell-precursor", "t-cell", "mixed-phenotype", "other"]
        ),
        "disease_status": st.sampled_from(
            ["relapsed", "refractory", "newly-diagnosed", "in-remission"]
        ),
        "cd22_positive": st.booleans(),
        "philadelphia_chromosome": st.sampled_from(["positive", "negative"]),
    },
)
iso_dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2199, 12, 31)).map(
    lambda d: d.isoformat()
)
cases = st.fixed_dictionaries(
    {
        "case_id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,15}", fullmatch=True),
        "policy_id": st.just("inotuzumab_besponsa"),
        "date_of_service": iso_dates,
        "member": st.fixed_dictionaries({"birth_date": iso_dates}),
        "drug": st.fixed_dictionaries(
            {
                "name": st.sampled_from(["inotuzumab ozogamicin"] * 9 + ["blinatumomab"]),
                "hcpcs_codes": st.lists(
                    st.sampled_from(CODES), min_size=1, max_size=3, unique=True
                ),
                "units": st.integers(min_value=1, max_value=200),
            }
        ),
        "diagnosis_codes": st.lists(
            st.sampled_from(DIAGNOSES), min_size=1, max_size=3, unique=True
        ),
        "clinical": clinical_facts,
    },
    optional={
        "evidence": evidence_objects,
        "documentation": st.lists(
            st.fixed_dictionaries(
                {
                    "kind": st.sampled_from(
                        [
                            "letter-of-support",
                            "medical-records",
                            "pathology-report",
                            "treatment-plan",
                        ]
                    )
                }
            ),
            max_size=2,
        ),
        "extensions": st.just({"vendor": {"anything": [1, 2]}}),
    },
)


def _consistent(case: dict[str, Any]) -> dict[str, Any]:
    """Make a generated case obey the contract's agreement of disease, codes and cancer flag."""
    clinical = case["clinical"]
    codes = case["diagnosis_codes"]
    all_codes = [code for code in codes if code.startswith("C91.0")]
    if clinical.get("disease") == ALL and not all_codes:
        codes.append("C91.02")
    elif "disease" in clinical and clinical["disease"] != ALL and all_codes:
        case["diagnosis_codes"] = [code for code in codes if code not in all_codes] or ["C83.50"]
    coded_all = any(code.startswith("C91.0") for code in case["diagnosis_codes"])
    if coded_all and clinical.get("cancer") is False:
        del clinical["cancer"]
    return case


cases = cases.map(_consistent)

# No example database: the kit's checkout stays clean, and a failure prints its example anyway.
PROPERTY_SETTINGS = settings(
    database=None, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(cases)
def test_every_well_formed_case_gets_a_valid_decision(case: dict[str, Any]) -> None:
    assert contract.violations("case", case) == []
    before = copy.deepcopy(case)
    reply = ask(case)
    assert case == before
    assert reply["outcome"] in {"covered", "not-covered", "pended", "not-applicable"}
    assert reply["case_id"] == case["case_id"]
    assert reply["clauses"] == [c for c in CLAUSE_ORDER if c in reply["clauses"]]
    if reply["outcome"] == "pended":
        assert reply["clauses"] == ["INO-RECORDS"]
        assert reply["missing_facts"] == [
            f for f in MISSING_FACT_ORDER if f in reply["missing_facts"]
        ]
    if reply["outcome"] == "not-covered":
        assert "INO-NOT-MET" in reply["clauses"]
    assert ask(copy.deepcopy(case)) == reply


IRRELEVANT_EDITS: list[Callable[[dict[str, Any]], None]] = [
    lambda c: c.pop("documentation", None),
    lambda c: c.update(documentation=[{"kind": "letter-of-support"}]),
    lambda c: c.pop("extensions", None),
    lambda c: c["member"].update(birth_date="2020-01-01"),
    lambda c: c["clinical"].pop("cd22_positive", None),
    lambda c: c["clinical"].update(cd22_positive=False),
    lambda c: c["clinical"].update(philadelphia_chromosome="positive"),
    lambda c: c["drug"].update(units=1),
]


@PROPERTY_SETTINGS
@given(cases, st.sampled_from(IRRELEVANT_EDITS))
def test_facts_the_policy_does_not_read_change_nothing(
    case: dict[str, Any], edit: Callable[[dict[str, Any]], None]
) -> None:
    edited = copy.deepcopy(case)
    edit(edited)
    assert summary(ask(edited)) == summary(ask(case))


@PROPERTY_SETTINGS
@given(
    cases,
    st.sampled_from(
        [item for item in ALL_LISTINGS if not RATINGS[item["compendium"]][item["rating"]]]
    ),
)
def test_a_weak_or_contrary_listing_added_to_known_compendia_changes_nothing(
    case: dict[str, Any], listing: dict[str, str]
) -> None:
    case.setdefault("evidence", {}).setdefault("compendia", [])
    edited = copy.deepcopy(case)
    edited["evidence"]["compendia"].append(listing)
    assert summary(ask(edited)) == summary(ask(case))


@PROPERTY_SETTINGS
@given(cases, evidence_objects)
def test_more_evidence_never_takes_coverage_away(
    case: dict[str, Any], extra: dict[str, Any]
) -> None:
    before = ask(case)
    evidence = case.setdefault("evidence", {})
    for key, value in extra.items():
        if key == "compendia":
            evidence["compendia"] = evidence.get("compendia", []) + value
        else:
            evidence.setdefault(key, value)
    if before["outcome"] == "covered":
        assert ask(case)["outcome"] == "covered"


# --- the wrong engines are really wrong ----------------------------------------------------------

WRONG_CASES: dict[str, Callable[[], Any]] = {
    "ignores_lineage": lambda: make_case(
        {**RR_BALL, "lineage": "t-cell"}, {"fda_labeling": OFF_LABEL, "compendia": []}
    ),
    "adults_only": lambda: make_case(birth_date="2012-05-05"),
    "requires_cd22": lambda: make_case({**RR_BALL, "cd22_positive": False}),
    "ignores_fda_label": lambda: make_case(CANCER_OTHER, {"fda_labeling": LABELED}),
    "labeled_without_benefit": lambda: make_case(
        CANCER_OTHER, {"fda_labeling": LABELED_NO_BENEFIT, "compendia": []}
    ),
    "accepts_nccn_2b": lambda: make_case(
        CANCER_OTHER,
        {"fda_labeling": OFF_LABEL, "compendia": [{"compendium": "nccn", "rating": "2B"}]},
    ),
    "accepts_drugdex_iib": lambda: make_case(
        CANCER_OTHER,
        {
            "fda_labeling": OFF_LABEL,
            "compendia": [{"compendium": "micromedex-drugdex", "rating": "IIb"}],
        },
    ),
    "contrary_defeats": lambda: make_case(
        CANCER_OTHER,
        {
            "fda_labeling": OFF_LABEL,
            "compendia": [
                {"compendium": "nccn", "rating": "1"},
                {"compendium": "micromedex-drugdex", "rating": "III"},
            ],
        },
    ),
    "covers_noncancer": lambda: make_case(NOT_CANCER, diagnosis=["M06.9"]),
    "nmn_for_unsupported": lambda: make_case(
        CANCER_OTHER, {"fda_labeling": OFF_LABEL, "compendia": []}
    ),
    "investigational_when_labeled": lambda: make_case(
        CANCER_OTHER, {"fda_labeling": LABELED_NO_BENEFIT, "compendia": []}
    ),
    "other_drug_covered": lambda: make_case(drug="blinatumomab", codes=["J3590"]),
    "any_code": lambda: make_case(codes=["J9000"]),
    "ignores_code_dates": lambda: make_case(codes=["J9229"], date_of_service="2018-06-01"),
    "denies_missing_facts": lambda: make_case({**RR_BALL, "lineage": "t-cell"}),
    "letter_fills_gaps": lambda: make_case({}, documentation=[{"kind": "letter-of-support"}]),
    "ignores_icd_conflict": lambda: make_case(diagnosis=["C91.01"]),
    "cites_every_clause": make_case,
    "cites_one_route": lambda: make_case(RR_BALL, {"fda_labeling": LABELED}),
    "omits_not_met": lambda: make_case(CANCER_OTHER, {"fda_labeling": OFF_LABEL, "compendia": []}),
    "names_an_extra_fact": lambda: make_case({**RR_BALL, "lineage": "t-cell"}),
    "names_one_fact_too_few": lambda: make_case({}),
    "guesses_lineage": lambda: make_case(
        {"disease": ALL, "disease_status": "relapsed"}, {"fda_labeling": OFF_LABEL, "compendia": []}
    ),
    "pends_when_readings_agree": lambda: make_case(
        {**RR_BALL, "disease_status": "refractory"}, diagnosis=["C91.02"]
    ),
    "one_in_five_differs": make_case,
    "drops_case_id": make_case,
    "wrong_case_id": make_case,
    "invalid_decision": make_case,
    "never_rejects": lambda: broken(lambda c: c.update(date_of_service="2019-02-30")),
    "flaky": lambda: make_case(case_id="flaky-unit-test"),
    "wrong_policy_version": make_case,
    "cites_unknown_clause": make_case,
    "relapsed_only": lambda: make_case(
        {**RR_BALL, "disease_status": "refractory"},
        {"fda_labeling": OFF_LABEL, "compendia": []},
        diagnosis=["C91.00"],
    ),
    "remission_counts_as_relapsed": lambda: make_case(
        {**RR_BALL, "disease_status": "in-remission"},
        {"fda_labeling": OFF_LABEL, "compendia": []},
        diagnosis=["C91.01"],
    ),
    "noncancer_not_medically_necessary": lambda: make_case(NOT_CANCER),
    "accepts_lexi_b": lambda: make_case(
        CANCER_OTHER,
        {"fda_labeling": OFF_LABEL, "compendia": [{"compendium": "lexi-drugs", "rating": "B"}]},
    ),
    "nccn_only": lambda: make_case(
        CANCER_OTHER,
        {"fda_labeling": OFF_LABEL, "compendia": [{"compendium": "lexi-drugs", "rating": "A"}]},
    ),
    "nccn_1_not_strong": lambda: make_case(
        CANCER_OTHER,
        {"fda_labeling": OFF_LABEL, "compendia": [{"compendium": "nccn", "rating": "1"}]},
    ),
    "letter_as_compendium": lambda: make_case(
        CANCER_OTHER,
        {"fda_labeling": OFF_LABEL, "compendia": []},
        documentation=[{"kind": "letter-of-support"}],
    ),
    "misses_j9999": lambda: make_case(codes=["J9999"]),
    "misses_s_codes": lambda: make_case(codes=["S0353"]),
    "brand_name_unmatched": lambda: make_case(drug="besponsa"),
    "stem_name_unmatched": lambda: make_case(drug="inotuzumab"),
    "j9229_from_the_second_day": lambda: make_case(date_of_service="2019-01-01"),
    "c9028_through_new_year": lambda: make_case(date_of_service="2019-01-01", codes=["C9028"]),
    "cites_code_dates_for_any_code": lambda: make_case(codes=["J9039"]),
    "benefit_unstated_as_no": lambda: make_case(
        CANCER_OTHER, {"fda_labeling": {"within_label": True}, "compendia": []}
    ),
    "lineage_unstated_as_other": lambda: make_case(
        {"cancer": True, "disease": ALL, "disease_status": "relapsed"},
        {"fda_labeling": OFF_LABEL, "compendia": []},
    ),
    "compendia_unstated_as_none": lambda: make_case(CANCER_OTHER, {"fda_labeling": OFF_LABEL}),
    "pends_for_moot_compendia": make_case,
    "missing_facts_in_snake_case": lambda: make_case(
        {"cancer": True, "disease": ALL, "lineage": "b-cell-precursor"},
        {"fda_labeling": OFF_LABEL, "compendia": []},
    ),
}

#: Fakes meant to break the contract itself rather than a policy clause.
CONTRACT_BREAKERS = {"drops_case_id", "invalid_decision", "missing_facts_in_snake_case"}


def test_every_wrong_engine_has_a_case_and_a_clause() -> None:
    contract_clauses = yaml.safe_load(CONTRACT_CATALOGUE.read_text(encoding="utf-8"))["clauses"]
    catalogue = set(CLAUSE_ORDER) | {clause["id"] for clause in contract_clauses}
    assert set(WRONG_CASES) == set(wrong.MUTANTS)
    assert set(wrong.__all__) == set(wrong.MUTANTS) | {"MUTANTS", "PACK", "metadata"}
    for clause in wrong.MUTANTS.values():
        assert clause in catalogue, clause


@pytest.mark.parametrize("name", sorted(WRONG_CASES))
def test_each_wrong_engine_differs_from_the_reference(name: str) -> None:
    engine: Callable[[Any], dict[str, Any]] = getattr(wrong, name)
    case = WRONG_CASES[name]()
    expected = ask(copy.deepcopy(case))
    repeats = {"flaky": 2, "one_in_five_differs": 5}.get(name, 1)
    answers = [engine(copy.deepcopy(case)) for _ in range(repeats)]
    assert any(answer != expected for answer in answers), f"{name} answers like the reference"
    if name not in CONTRACT_BREAKERS:
        for answer in answers:
            assert contract.violations("decision", answer) == [], (name, answer)


# --- the grading rules, computed here from their definition --------------------------------------
#
# The contract defines the clauses and missing facts over completions of the unstated facts. The
# tests below compute that definition themselves: an oracle for complete cases written from the
# catalogue, and an enumeration of completions at the level of cases. The reference is only
# checked against them, never used to compute them.

STRONG = {(name, rating) for name, rating, strong in LISTINGS if strong}
RELAPSED_OR_REFRACTORY = {"relapsed", "refractory"}
#: The one ALL code each status is coded with, for settling a status together with its code.
CODE_FOR_STATUS = {
    "relapsed": "C91.02",
    "refractory": "C91.00",
    "newly-diagnosed": "C91.00",
    "in-remission": "C91.01",
}


def _has_all_code(case: dict[str, Any]) -> bool:
    return any(code in {"C91.00", "C91.01", "C91.02"} for code in case["diagnosis_codes"])


def oracle(case: dict[str, Any]) -> tuple[str, str, frozenset[str]]:
    """Outcome, determination and clauses of a complete, applicable case, from the catalogue."""
    clinical, evidence = case["clinical"], case["evidence"]
    is_all = _has_all_code(case)
    cancer = is_all or clinical["cancer"]
    labeling = evidence["fda_labeling"]
    within = labeling["within_label"]
    benefit = within and labeling["clinical_benefit_established"]
    met = set()
    b_cell_precursor = clinical["lineage"] == "b-cell-precursor"
    if is_all and b_cell_precursor and clinical["disease_status"] in RELAPSED_OR_REFRACTORY:
        met.add("INO-RR-BALL")
    if cancer and benefit:
        met.add("INO-FDA-LABEL")
    if cancer and any((x["compendium"], x["rating"]) in STRONG for x in evidence["compendia"]):
        met.add("INO-COMPENDIA")
    if met:
        return "covered", "medically-necessary", frozenset(met)
    if not cancer:
        return "not-covered", "investigational", frozenset({"INO-INV-NONCANCER", "INO-NOT-MET"})
    if within and not benefit:
        return "not-covered", "not-medically-necessary", frozenset({"INO-NOT-MET"})
    return "not-covered", "investigational", frozenset({"INO-INV-UNSUPPORTED", "INO-NOT-MET"})


def _contradicted(case: dict[str, Any]) -> bool:
    status = case["clinical"].get("disease_status")
    return status is not None and any(
        code in CODE_FOR_STATUS.values() and (code, status) not in AGREEING
        for code in case["diagnosis_codes"]
    )


def open_facts(case: dict[str, Any]) -> dict[str, list[Callable[[dict[str, Any]], None]]]:
    """Each fact the case leaves open, with every way of supplying it."""
    clinical = case["clinical"]
    evidence = case.get("evidence", {})
    facts: dict[str, list[Callable[[dict[str, Any]], None]]] = {}

    def setter(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda c: c["clinical"].update({field: value})

    def status(value: str) -> Callable[[dict[str, Any]], None]:
        def supply(c: dict[str, Any]) -> None:
            c["clinical"]["disease_status"] = value
            if _has_all_code(c):
                # The records that settle the status settle its code with it.
                others = [
                    code for code in c["diagnosis_codes"] if code not in CODE_FOR_STATUS.values()
                ]
                c["diagnosis_codes"] = [CODE_FOR_STATUS[value], *others]

        return supply

    def labeling(value: dict[str, bool]) -> Callable[[dict[str, Any]], None]:
        return lambda c: c.setdefault("evidence", {}).update(fda_labeling=dict(value))

    if "cancer" not in clinical and not _has_all_code(case):
        facts["cancer"] = [setter("cancer", True), setter("cancer", False)]
    if "lineage" not in clinical:
        facts["lineage"] = [setter("lineage", v) for v in ("b-cell-precursor", "t-cell", "other")]
    if "disease_status" not in clinical:
        facts["disease-status"] = [status(v) for v in CODE_FOR_STATUS]
    elif _contradicted(case):
        stated = clinical["disease_status"]
        contradicting = {
            code
            for code in case["diagnosis_codes"]
            if code in CODE_FOR_STATUS.values() and (code, stated) not in AGREEING
        }
        readings = {stated} | {s for c, s in AGREEING if c in contradicting}
        facts["disease-status"] = [status(v) for v in sorted(readings)]
    if "fda_labeling" not in evidence:
        facts["fda-labeling"] = [labeling(v) for v in (OFF_LABEL, LABELED, LABELED_NO_BENEFIT)]
    elif evidence["fda_labeling"] == {"within_label": True}:
        facts["clinical-benefit"] = [labeling(LABELED), labeling(LABELED_NO_BENEFIT)]
    if "compendia" not in evidence:
        strong = [{"compendium": "nccn", "rating": "1"}]
        facts["compendia"] = [
            lambda c: c.setdefault("evidence", {}).update(compendia=[]),
            lambda c: c.setdefault("evidence", {}).update(compendia=copy.deepcopy(strong)),
        ]
    return facts


def _complete(
    case: dict[str, Any], choice: dict[str, int], facts: dict[str, Any]
) -> dict[str, Any]:
    completed = copy.deepcopy(case)
    for name, index in choice.items():
        facts[name][index](completed)
    # A stated off-label use needs no benefit; the oracle reads it as not established.
    labeling = completed["evidence"]["fda_labeling"]
    labeling.setdefault("clinical_benefit_established", False)
    return completed


def expected_by_definition(
    case: dict[str, Any],
) -> tuple[str, str | None, frozenset[str], frozenset[str]]:
    """Outcome, determination, clauses and missing facts, as the contract defines them."""
    facts = open_facts(case)
    names = sorted(facts)
    verdicts: dict[tuple[int, ...], tuple[str, str, frozenset[str]]] = {}
    for indices in itertools.product(*(range(len(facts[n])) for n in names)):
        verdicts[indices] = oracle(_complete(case, dict(zip(names, indices, strict=True)), facts))
    decided = {(outcome, determination) for outcome, determination, _ in verdicts.values()}
    if len(decided) == 1:
        ((outcome, determination),) = decided
        cited = frozenset.intersection(*(clauses for _, _, clauses in verdicts.values()))
        return outcome, determination, cited, frozenset()
    missing = {
        names[position]
        for indices, seen in verdicts.items()
        for position, name in enumerate(names)
        for other in range(len(facts[name]))
        if verdicts[(*indices[:position], other, *indices[position + 1 :])][:2] != seen[:2]
    }
    return "pended", None, frozenset({"INO-RECORDS"}), frozenset(missing)


applicable_cases = cases.map(
    lambda c: {
        **c,
        "policy_id": "inotuzumab_besponsa",
        "drug": {**c["drug"], "name": "inotuzumab ozogamicin", "hcpcs_codes": ["J9999"]},
    }
)
GRADING_SETTINGS = settings(
    database=None, max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@GRADING_SETTINGS
@given(applicable_cases)
def test_clauses_and_missing_facts_are_the_contracts_definition(case: dict[str, Any]) -> None:
    outcome, determination, clauses, missing = expected_by_definition(case)
    reply = ask(case)
    assert reply["outcome"] == outcome
    assert reply.get("determination") == determination
    assert set(reply["clauses"]) == clauses
    assert set(reply.get("missing_facts", [])) == missing


@GRADING_SETTINGS
@given(applicable_cases, st.data())
def test_supplying_the_named_facts_with_any_values_never_pends_again(
    case: dict[str, Any], data: st.DataObject
) -> None:
    reply = ask(case)
    if reply["outcome"] != "pended":
        return
    facts = open_facts(case)
    named = reply["missing_facts"]
    supplied = copy.deepcopy(case)
    for name in named:
        data.draw(st.sampled_from(facts[name]))(supplied)
    assert ask(supplied)["outcome"] != "pended", (named, supplied)
    # And each named fact alone can change the decision, from some values of the others.
    for name in named:
        assert len(facts[name]) > 1
