"""The packs' FHIR projections: every case goes to FHIR and comes back exactly; lint bites."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.contract.fhir_projection import (
    HCPCS,
    ICD10CM,
    ProjectionError,
    case_from_resources,
    projection_for,
    resources_of,
)
from policy_conformance.lint import lint
from policy_conformance.packs import load_packs, read_fixtures
from policy_conformance.projection_lint import envelope_facts, file_problems, pack_facts
from tests.kit import KIT_ROOT, example

POLICY_PACKS = [pack for pack in load_packs() if pack.kind == "policy"]


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for pack in POLICY_PACKS:
        fixtures, problems = read_fixtures(pack)
        assert not problems
        for name, fixture in fixtures.items():
            case = copy.deepcopy(fixture.case)
            case.setdefault("case_id", f"case:{name}")
            case.setdefault("policy_id", pack.id)
            found.append((pack.id, name, case))
    return found


def _same(case: dict[str, Any]) -> dict[str, Any]:
    # extensions are never sent; an empty evidence object says no more than an absent one.
    return {k: v for k, v in case.items() if k != "extensions" and v != {}}


@pytest.mark.parametrize(("policy", "name", "case"), _cases())
def test_every_fixture_comes_back_from_fhir_exactly(
    policy: str, name: str, case: dict[str, Any]
) -> None:
    resources = resources_of(case, projection_for(policy))
    assert resources[0]["resourceType"] == "Claim"
    assert _same(case_from_resources(resources)) == _same(case)


def test_facts_land_in_their_fhir_homes() -> None:
    case = example("case-primary-indication")
    resources = resources_of(case, projection_for(case["policy_id"]))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    claim, patient = by_type["Claim"][0], by_type["Patient"][0]
    assert claim["use"] == "preauthorization"
    assert patient["birthDate"] == case["member"]["birth_date"]
    assert claim["item"][0]["servicedDate"] == case["date_of_service"]
    assert claim["item"][0]["quantity"]["value"] == case["drug"]["units"]
    assert {"system": HCPCS, "code": case["drug"]["hcpcs_codes"][0]} in claim["item"][0][
        "productOrService"
    ]["coding"]
    first = claim["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]
    assert first == {"system": ICD10CM, "code": case["diagnosis_codes"][0]}
    codes = {o["code"]["coding"][0]["code"] for o in by_type["Observation"]}
    assert {"97509-4", "lineage", "cd22-expression"} <= codes
    # What FHIR has no home for goes by the kit's questionnaire, by the fact's path.
    items = {i["linkId"] for i in by_type.get("QuestionnaireResponse", [{}])[0].get("item", [])}
    assert all(i.startswith(("evidence.", "clinical.cancer")) for i in items)


@pytest.mark.parametrize(
    "defect",
    [
        {"priority": "urgent"},
        {"drug": {"name": "besponsa", "hcpcs_codes": ["J9229"], "units": "9"}},
        {"date_of_service": "2021-02-30"},
        {"clinical": {"disease": "lymphoblastic-lymphoma", "lineage": "b-cell-precursor"}},
        {"documentation": [{"kind": "letter-of-support", "pages": 3}]},
    ],
)
def test_a_malformed_case_reaches_the_payer_as_it_is(defect: dict[str, Any]) -> None:
    case = example("case-primary-indication") | defect
    back = case_from_resources(resources_of(case, projection_for(case["policy_id"])))
    assert _same(back) == _same(case)


def test_fhir_without_a_plan_cannot_be_read() -> None:
    case = example("case-primary-indication")
    resources = resources_of(case, projection_for(case["policy_id"]))
    for resource in resources:
        resource.pop("class", None)
    with pytest.raises(ProjectionError, match="no plan"):
        case_from_resources(resources)


def test_a_pack_without_a_projection_is_named() -> None:
    with pytest.raises(ProjectionError, match=r"has no fhir\.yaml"):
        projection_for("no_such_policy")


def test_the_kit_lints_clean_of_projection_problems() -> None:
    assert [str(p) for p in lint() if "fhir.yaml" in str(p)] == []


def _projection_text(policy: str) -> str:
    return (KIT_ROOT / "features" / policy / "fhir.yaml").read_text(encoding="utf-8")


def _facts(policy: str) -> dict[str, Any]:
    from policy_conformance import contract

    schema = contract.pack_facts(policy)
    assert schema is not None
    return pack_facts(schema)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "  clinical.cd22_positive:\n    home: Observation\n",
            "  clinical.cd22_status:\n    home: Observation\n",
            "fact clinical.cd22_positive of pack inotuzumab_besponsa is neither projected",
        ),
        (
            "  clinical.cd22_positive:\n    home: Observation\n",
            "  clinical.cd22_status:\n    home: Observation\n",
            "names fact clinical.cd22_status, which pack inotuzumab_besponsa does not have",
        ),
        ("      t-cell: {", "      t-lymph: {", "value 't-lymph' is not one of"),
        ("    home: QuestionnaireResponse\n    why:", "    home: Fax\n    why:", "home: 'Fax'"),
        (
            '    why: "compendium ratings',
            '    because: "compendium ratings',
            "evidence.compendia",
        ),
    ],
)
def test_lint_names_a_projection_fact_that_is_wrong(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    text = _projection_text("inotuzumab_besponsa")
    assert old in text
    broken = tmp_path / "fhir.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [
        str(p)
        for p in file_problems(broken, _facts("inotuzumab_besponsa"), "pack inotuzumab_besponsa")
    ]
    assert any(problem in p for p in found), found


def test_the_envelope_projection_names_every_envelope_fact() -> None:
    assert set(envelope_facts()) >= {"case_id", "member.birth_date", "drug.units", "extensions"}
    assert "clinical" not in envelope_facts()
