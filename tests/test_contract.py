"""The contract's schemas, examples and documentation agree with one another."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from policy_conformance import contract
from policy_conformance.contract import docs
from policy_conformance.packs import Pack, load_packs, read_fixtures
from policy_conformance.paths import pack_roots

EXAMPLES = contract.SCHEMA_DIR / "examples"
NAMES = ("case", "decision", "rejection", "metadata")


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12_with_an_id(name: contract.SchemaName) -> None:
    document = contract.schema(name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"].endswith(f"/{name}.schema.json")
    Draft202012Validator.check_schema(document)


def _example_schema(path: Path) -> contract.SchemaName:
    stem = path.stem.split("-")[0]
    assert stem in NAMES, f"{path.name} does not start with a schema name"
    return stem  # type: ignore[return-value]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_example_conforms(path: Path) -> None:
    assert contract.violations(_example_schema(path), json.loads(path.read_text())) == []


def test_every_schema_has_a_valid_example() -> None:
    assert {_example_schema(p) for p in EXAMPLES.glob("*.json")} == set(NAMES)


@pytest.mark.parametrize(
    "path", sorted((EXAMPLES / "invalid").glob("*.json")), ids=lambda p: p.name
)
def test_bad_example_is_rejected_with_its_path_and_message(path: Path) -> None:
    example = json.loads(path.read_text())
    found = contract.violations(example["schema"], example["instance"])
    assert found, f"{path.name} should be rejected"
    for expected in example["expect"]:
        assert any(
            v.path == expected["path"] and expected["contains"] in v.message for v in found
        ), (
            f"{path.name}: no violation at {expected['path']!r} "
            f"containing {expected['contains']!r}: {found}"
        )
    assert len(found) == len(example["expect"]), f"{path.name}: unexpected extra violations {found}"


def test_violations_name_json_pointer_paths() -> None:
    case = json.loads((EXAMPLES / "case-primary-indication.json").read_text())
    case["drug"]["hcpcs_codes"] = ["J9229", "j9999"]
    assert [str(v) for v in contract.violations("case", case)] == [
        "at /drug/hcpcs_codes/1: 'j9999' does not match '^[A-Z][0-9]{4}$'"
    ]


def test_unknown_fields_are_allowed_only_in_extensions() -> None:
    decision = json.loads((EXAMPLES / "decision-covered.json").read_text())
    assert contract.violations("decision", {**decision, "extensions": {"anything": [1]}}) == []
    assert contract.violations("decision", {**decision, "score": 0.9})


def test_a_date_that_does_not_exist_is_rejected() -> None:
    case = json.loads((EXAMPLES / "case-primary-indication.json").read_text())
    case["member"]["birth_date"] = "1974-02-29"
    assert [v.path for v in contract.violations("case", case)] == ["/member/birth_date"]


def test_contract_versions_are_compatible_by_major() -> None:
    assert contract.compatible("3.0") and contract.compatible("3.7")
    # Contract 3.0 moved the facts into each policy's facts schema: 2.x is refused.
    assert not contract.compatible("2.0") and not contract.compatible("4.0")


def test_the_shared_facts_schema_is_valid_with_an_id() -> None:
    document = contract.schema("facts")
    assert document["$id"] == "https://policy-conformance.org/contract/3/facts.schema.json"
    Draft202012Validator.check_schema(document)


def test_readme_tables_are_generated_from_the_schemas() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policy_conformance.contract.docs", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_documented_vocabularies_cover_exactly_the_schema_enums() -> None:
    properties = contract.schema("decision")["properties"]
    assert list(docs.STANDARD_VOCABULARIES) == properties["outcome"]["enum"]


def _policy_packs() -> list[Pack]:
    return [pack for pack in load_packs() if pack.kind == "policy"]


@pytest.mark.parametrize("pack", _policy_packs(), ids=lambda p: p.id)
def test_each_missing_fact_names_fields_its_facts_schema_defines(pack: Pack) -> None:
    facts = contract.pack_facts(pack.id)
    assert facts is not None
    shared = contract.schema("facts")["$defs"]
    choices = facts["$defs"]["missing_fact"]["oneOf"]
    assert [c["const"] for c in choices] == list(pack.missing_facts)
    for choice in choices:
        assert choice["x-fields"], choice
        for field in choice["x-fields"]:
            node = facts
            for part in field.split("."):
                node = node["properties"][part]
                if "$ref" in node:
                    node = shared[node["$ref"].rsplit("/", 1)[-1]]


@pytest.mark.parametrize("pack", _policy_packs(), ids=lambda p: p.id)
def test_a_shared_fact_is_placed_under_its_own_name(pack: Pack) -> None:
    facts = contract.pack_facts(pack.id)
    assert facts is not None
    for part in ("clinical", "evidence"):
        for name, node in facts["properties"].get(part, {}).get("properties", {}).items():
            reference = node.get("$ref", "")
            if reference.startswith(contract.schema("facts")["$id"]):
                assert reference.rsplit("/", 1)[-1] == name, (pack.id, name)


def test_every_fixture_conforms_to_the_case_schema() -> None:
    count = 0
    for pack in _policy_packs():
        fixtures, problems = read_fixtures(pack)
        assert problems == []
        count += len(fixtures)
    assert count >= 6


def test_public_surface_is_fixed() -> None:
    assert sorted(contract.__all__) == [
        "CONTRACT_VERSION",
        "FACTS_FILE",
        "SCHEMA_DIR",
        "SchemaName",
        "Violation",
        "compatible",
        "missing_fact_titles",
        "pack_facts",
        "registry",
        "schema",
        "violations",
    ]


def _instances() -> list[tuple[contract.SchemaName, object]]:
    found: list[tuple[contract.SchemaName, object]] = []
    for path in sorted(EXAMPLES.glob("*.json")):
        found.append((_example_schema(path), json.loads(path.read_text())))
    for path in sorted((EXAMPLES / "invalid").glob("*.json")):
        example = json.loads(path.read_text())
        found.append((example["schema"], example["instance"]))
    for pack in _policy_packs():
        fixtures, _ = read_fixtures(pack)
        found += [("case", f.case) for f in fixtures.values()]
    return found


def _validators(name: contract.SchemaName, instance: object) -> tuple[Any, Any]:
    from policy_conformance.contract import _fast_validator, _policy_of, _validator

    policy = _policy_of(name, instance)
    return _fast_validator(name, policy, pack_roots()), _validator(name, policy, pack_roots())


def test_fast_and_explaining_validators_agree() -> None:
    for name, instance in _instances():
        fast_validator, validator = _validators(name, instance)
        fast = fast_validator.is_valid(instance)
        slow = not list(validator.iter_errors(instance))
        assert fast == slow, (name, instance)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.sampled_from(
        ["", "2A", "IIa", "C91.02", "J9229", "2021-02-30", "2020-06-15", "relapsed", "x y"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["case_id", "rating", "compendium", "outcome", "errors", "path", "message"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_fast_and_explaining_validators_agree_on_mutated_instances(data: st.DataObject) -> None:
    name, original = data.draw(st.sampled_from(_instances()))
    instance = copy.deepcopy(original)
    path = data.draw(st.sampled_from(_paths(instance)[1:] or [()]))
    if path:
        parent = instance
        for part in path[:-1]:
            parent = parent[part]  # type: ignore[index]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_json)  # type: ignore[index]
    fast_validator, validator = _validators(name, instance)
    fast = fast_validator.is_valid(instance)
    slow = not list(validator.iter_errors(instance))
    assert fast == slow, (name, instance)


@pytest.mark.parametrize("pack", _policy_packs(), ids=lambda p: p.id)
def test_every_packs_decisions_map_onto_crd_and_x12(pack: Pack) -> None:
    """Each decision the reference makes for a pack's requests has a CRD and an X12 278 reading."""
    from policy_conformance.reference import decide

    fixtures, _ = read_fixtures(pack)
    seen = set()
    for fixture in fixtures.values():
        decision = decide(fixture.fresh_case())
        assert contract.violations("decision", decision) == [], (fixture.name, decision)
        determination, crd, x12 = docs.STANDARD_VOCABULARIES[decision["outcome"]]
        if "determination" in decision:
            assert decision["determination"] in determination, (fixture.name, decision)
        else:
            assert determination == "none", (fixture.name, decision)
        assert crd and x12
        seen.add(decision["outcome"])
    assert "covered" in seen and len(seen) >= 2, (pack.id, seen)
