"""``conformance new-pack``: the folders of a new policy pack, ready to be written.

A pack is data the harness finds by convention (see :mod:`policy_conformance.packs`), so a new
pack is files, never code in the harness: a catalogue with one clause a policy section and a
records clause, a facts schema, a feature a section with scenarios of both polarities, a fixture,
the four requests the contract's scenarios start from, and a reference engine skeleton. The
result lints clean and fails honestly: the skeleton rejects every case until it is written, so
no engine is found conformant to a policy nobody encoded yet.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import KitError
from .outputs import write_text

__all__ = ["new_pack"]

_PACK_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")
_SHARED = "https://policy-conformance.org/contract/3/facts.schema.json#/$defs/"


def new_pack(pack_id: str, root: Path, title: str, sections: list[str]) -> list[Path]:
    """Write the pack ``pack_id`` into the pack root ``root``; the files written."""
    if not _PACK_ID.fullmatch(pack_id):
        raise KitError(f"new-pack: {pack_id!r} is no pack id (lower case, digits, underscores)")
    if not root.is_dir():
        raise KitError(f"new-pack: --into {root} is not a folder")
    folders = [
        root / "features" / pack_id,
        root / "fixtures" / pack_id,
        root / "reference" / pack_id,
    ]
    for folder in folders:
        if folder.exists():
            raise KitError(f"new-pack: {folder} already exists")
    prefix = "".join(part[0] for part in pack_id.split("_"))[:4].upper() or "P"
    sections = sections or ["Coverage criteria"]
    clauses = [f"{prefix}-S{number}" for number in range(1, len(sections) + 1)]
    records = f"{prefix}-RECORDS"
    files: dict[Path, str] = {
        folders[0] / "clauses.yaml": _catalogue(pack_id, title, sections, clauses, records),
        folders[0] / "facts.schema.json": _facts(pack_id, title),
        folders[1] / "example-request.yaml": _fixture(pack_id),
        **{
            folders[1] / f"contract-{name}.yaml": _fixture(pack_id, describes, f"contract-{name}")
            for name, describes in _CONTRACT_REQUESTS.items()
        },
        folders[2] / "__init__.py": _reference(pack_id, title),
    }
    for number, (section, clause) in enumerate(zip(sections, clauses, strict=True), 1):
        last = number == len(sections)
        name = f"{number:02d}_{_slug(section)}.feature"
        files[folders[0] / name] = _feature(pack_id, section, clause, records if last else None)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
    return list(files)


def _slug(text: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", text.lower())) or "section"


def _catalogue(
    pack_id: str, title: str, sections: list[str], clauses: list[str], records: str
) -> str:
    lines = [
        f"# Clause catalogue for the {title} policy pack.",
        "# Paraphrase each clause in your own words and cite the section heading it comes from;",
        "# never copy the policy's sentences. Readings record how each open question is decided.",
        "pack:",
        f"  id: {pack_id}",
        "  kind: policy",
        f"  title: {json.dumps(title)}",
        "  policy:",
        f"    id: {pack_id}",
        "    issuer: to be stated",
        "    version: draft",
        "",
        "clauses:",
    ]
    for section, clause in zip(sections, clauses, strict=True):
        lines += [
            f"  - id: {clause}",
            f"    section: {json.dumps(section)}",
            "    paraphrase: To be written from this section, in the kit's own words.",
            "",
        ]
    lines += [
        f"  - id: {records}",
        f"    section: {json.dumps(sections[-1])}",
        "    paraphrase: >-",
        "      A request that lacks a fact the decision depends on is pended, and the missing",
        "      facts are named.",
        "",
        "readings: []",
        "",
    ]
    return "\n".join(lines)


def _facts(pack_id: str, title: str) -> str:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://policy-conformance.org/packs/{pack_id}/facts.schema.json",
        "title": f"{title} facts",
        "description": "The clinical facts and evidence this policy turns on. Reuse the shared "
        "facts of contract/facts.schema.json by $ref; add the policy's own.",
        "type": "object",
        "properties": {
            "clinical": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"disease_status": {"$ref": _SHARED + "disease_status"}},
            },
            "evidence": {"type": "object", "additionalProperties": False, "properties": {}},
        },
        "$defs": {
            "missing_fact": {
                "oneOf": [
                    {
                        "const": "disease-status",
                        "title": "disease status",
                        "x-fields": ["clinical.disease_status"],
                    }
                ]
            }
        },
    }
    return json.dumps(schema, indent=2) + "\n"


#: The requests the contract pack's scenarios start from in every policy pack (its features say
#: "a request for a case the policy covers" and so on), by file name.
_CONTRACT_REQUESTS = {
    "covered": "a case the policy covers",
    "pended": "a case the policy pends for more information",
    "not-covered": "a case the policy does not cover",
    "outside": "a case outside the policy",
}


def _fixture(
    pack_id: str, describes: str = "an example request", case_id: str = "example-request"
) -> str:
    return "\n".join(
        [
            "# A typical request under the policy: replace with real codes and facts.",
            f"describes: {describes}",
            "case:",
            f"  case_id: {case_id}",
            f"  policy_id: {pack_id}",
            '  date_of_service: "2024-06-03"',
            "  member:",
            '    birth_date: "1970-01-15"',
            "  drug:",
            "    name: the drug",
            "    hcpcs_codes: [J9999]",
            "    units: 1",
            "  diagnosis_codes: [C91.02]",
            "  clinical:",
            "    disease_status: relapsed",
            "",
        ]
    )


def _feature(pack_id: str, section: str, clause: str, records: str | None) -> str:
    lines = [
        f"@pack:{pack_id}",
        f"Feature: {section}",
        "  To be written: the clauses of this policy section, each a Rule with scenarios where it",
        "  applies and where it just misses. The expectations below are placeholders.",
        "",
        f"  @clause:{clause}",
        "  Rule: To be written from this section",
        "",
        "    @applies",
        "    Scenario: A request the clause covers",
        "      Given a request for an example request",
        "      When the engine decides the request",
        "      Then the request is covered",
        "      And the determination is medically necessary",
        f"      And the decision rests on clause {clause}",
        "",
        "    @near-miss",
        "    Scenario: A request that just misses the clause",
        "      Given a request for an example request",
        "      And the disease status is newly diagnosed",
        "      When the engine decides the request",
        "      Then the request is not covered",
        "      And the determination is investigational",
        f"      And the decision rests on clause {clause}",
    ]
    if records:
        lines += [
            "",
            f"  @clause:{records}",
            "  Rule: A request that lacks a deciding fact is pended",
            "",
            "    @applies",
            "    Scenario: A request that does not state the disease status is pended",
            "      Given a request for an example request",
            "      And the disease status is not stated",
            "      When the engine decides the request",
            "      Then the request is pended for more information",
            "      And no determination is made",
            f"      And the decision rests on clause {records}",
            "      And the missing facts are disease status",
            "",
            "    @near-miss",
            "    Scenario: A request that states every deciding fact is decided",
            "      Given a request for an example request",
            "      And the disease status is relapsed",
            "      When the engine decides the request",
            "      Then the request is covered",
            "      And the determination is medically necessary",
            f"      And the decision rests on clause {clause}",
        ]
    return "\n".join(lines) + "\n"


def _reference(pack_id: str, title: str) -> str:
    return f'''"""The {title} reference engine: a skeleton refusing every case until it is written.

Export ``POLICY`` (the id and version the decisions name) and ``decide(case)``, which decides a
case that already conforms to the contract; see ``policy_conformance.reference.completions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

POLICY: Final[Mapping[str, str]] = {{"id": "{pack_id}", "version": "draft"}}


def metadata() -> dict[str, Any]:
    """Run on its own (``python:reference.{pack_id}:decide``), the skeleton declares its policy."""
    return {{"name": "{pack_id} reference", "contract_version": "3.0", "policies": [dict(POLICY)]}}


def decide(case: Mapping[str, Any]) -> dict[str, Any]:
    """Not written yet: every case is refused, so every scenario fails until it is."""
    return {{
        "case_id": case["case_id"],
        "errors": [{{"path": "", "message": "the {pack_id} reference is not written yet"}}],
    }}
'''
