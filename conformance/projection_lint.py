"""``conformance lint`` of the FHIR projections: every fact placed or declared, and no other.

``contract/fhir.yaml`` must name exactly the envelope's facts (``contract/case.schema.json``), and
each pack's ``fhir.yaml`` exactly the facts of its ``facts.schema.json``: a fact left out could not
be sent to a payer's interface, and a fact the pack does not have is a typing error. A coded
value must be one the fact can take. A pack without a ``fhir.yaml`` is not driven over FHIR (the
``pas:`` and ``crd:`` adapters say so) and is no problem here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from policy_conformance import contract
from policy_conformance.contract.fhir_projection import (
    ProjectionError,
    envelope_file,
    load_file,
    pack_file,
)

from .packs import Pack, Problem

__all__ = ["envelope_facts", "file_problems", "pack_facts", "projection_problems"]

#: The case's objects that hold the pack's facts rather than the envelope's.
_PACK_OBJECTS = ("clinical", "evidence")


def envelope_facts() -> dict[str, dict[str, Any]]:
    """The envelope's facts by path, each with its schema: a field, or a field of member/drug."""
    case = contract.schema("case")
    facts: dict[str, dict[str, Any]] = {}
    for name, spec in case["properties"].items():
        if name in _PACK_OBJECTS:
            continue
        inner = spec.get("properties")
        if spec.get("type") == "object" and inner:
            facts.update({f"{name}.{sub}": inner[sub] for sub in inner})
        else:
            facts[name] = spec
    return facts


def pack_facts(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A pack's facts by path (clinical.lineage), each with its schema, from its facts schema."""
    facts: dict[str, dict[str, Any]] = {}
    for part in _PACK_OBJECTS:
        properties = schema.get("properties", {}).get(part, {}).get("properties", {})
        facts.update({f"{part}.{name}": spec for name, spec in properties.items()})
    return facts


def projection_problems(packs: Iterable[Pack]) -> list[Problem]:
    """Every problem with the envelope's projection and with each policy pack's."""
    problems = list(file_problems(envelope_file(), envelope_facts(), "the case envelope"))
    for pack in packs:
        if pack.kind != "policy":
            continue
        path = pack_file(pack.id)
        schema = contract.pack_facts(pack.id)
        if path is None or schema is None:
            continue
        problems.extend(file_problems(path, pack_facts(schema), f"pack {pack.id}"))
    return problems


def file_problems(path: Path, facts: dict[str, dict[str, Any]], whose: str) -> Iterator[Problem]:
    try:
        projected: dict[str, Any] = load_file(path)["facts"]
    except ProjectionError as exc:
        yield Problem(path, str(exc).removeprefix(f"{path}: "))
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    for fact in facts:
        if fact not in projected:
            yield Problem(
                path,
                f"fact {fact} of {whose} is neither projected onto FHIR nor declared not "
                "projectable (home: QuestionnaireResponse or not-sent, with why)",
            )
    for fact, spec in projected.items():
        line = _line_of(lines, fact)
        if fact not in facts:
            yield Problem(path, f"names fact {fact}, which {whose} does not have", line)
            continue
        allowed = _enum(facts[fact])
        for value in spec.get("values") or {}:
            if allowed is not None and value not in allowed:
                yield Problem(
                    path, f"{fact}: value {value!r} is not one of {sorted(allowed)}", line
                )


def _enum(spec: dict[str, Any]) -> list[Any] | None:
    """The values a fact may take, following one $ref into the shared facts; None if open."""
    if "enum" in spec:
        return list(spec["enum"])
    ref = spec.get("$ref", "")
    if "#/$defs/" in ref:
        shared = contract.schema("facts").get("$defs", {}).get(ref.rpartition("/")[2], {})
        return list(shared["enum"]) if "enum" in shared else None
    return None


def _line_of(lines: list[str], key: str) -> int | None:
    for number, text in enumerate(lines, 1):
        if text.strip().startswith(f"{key}:"):
            return number
    return None
