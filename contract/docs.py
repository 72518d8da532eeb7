"""Generates the tables of ``contract/README.md`` from the schemas, so the docs cannot drift.

``python -m policy_conformance.contract.docs`` rewrites every generated block in the README in
place; with ``--check`` it exits 1 when a block is out of date (the kit's tests run it).
A generated block sits between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from policy_conformance.contract.fhir_outcomes import OUTCOMES
from policy_conformance.paths import KIT_ROOT

from . import FACTS_FILE, SCHEMA_DIR, SchemaName, pack_facts, schema, violations

README = SCHEMA_DIR / "README.md"

#: How each outcome reads in the two standard vocabularies a payer's systems speak.
#: Keys must equal the decision schema's outcome enum (a test checks this).
STANDARD_VOCABULARIES: dict[str, tuple[str, str, str]] = {
    outcome: (wire.determination, wire.crd, f"{wire.pas_action} {wire.pas_words}")
    for outcome, wire in OUTCOMES.items()
}


def _type(node: dict[str, Any]) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    kind = node.get("type", "any")
    if node.get("format"):
        kind += f" ({node['format']})"
    if kind == "array" and "items" in node:
        kind = f"array of {_type(node['items'])}"
    return str(kind)


def _rows(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> Iterator[list[str]]:
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        target = defs.get(prop["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in prop else prop
        # A placed shared fact says what it is; the pack may add what it means for its policy.
        said = [target.get("description", "")] if target is not prop else []
        meaning = " ".join(" ".join([*said, prop.get("description", "")]).split())
        if target.get("type") == "array" and "$ref" in target.get("items", {}):
            item = defs[target["items"]["$ref"].rsplit("/", 1)[-1]]
            yield [f"`{path}`", "yes" if name in required else "no", "array of objects", meaning]
            yield from _rows(item, defs, f"{path}[].")
            continue
        if target.get("type") == "array" and target.get("items", {}).get("type") == "object":
            yield [f"`{path}`", "yes" if name in required else "no", "array of objects", meaning]
            yield from _rows(target["items"], defs, f"{path}[].")
            continue
        if target.get("type") == "object" and "properties" in target:
            yield [f"`{path}`", "yes" if name in required else "no", "object", meaning]
            yield from _rows(target, defs, f"{path}.")
            continue
        yield [f"`{path}`", "yes" if name in required else "no", _type(target), meaning]


def field_table(name: SchemaName) -> str:
    """A Markdown table of every field of the named schema."""
    document = schema(name)
    lines = ["| field | required | type or values | meaning |", "| --- | --- | --- | --- |"]
    for row in _rows(document, document.get("$defs", {})):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def vocabulary_table() -> str:
    lines = [
        "| outcome | determination | Da Vinci CRD coverage-information "
        "| PAS review action (X12 278 HCR01) |",
        "| --- | --- | --- | --- |",
    ]
    for outcome, (determination, crd, x12) in STANDARD_VOCABULARIES.items():
        lines.append(f"| `{outcome}` | {determination} | {crd} | {x12} |")
    return "\n".join(lines)


def shared_facts_table() -> str:
    """The shared facts: each with where a pack places it and what it means."""
    shared = schema("facts")["$defs"]
    lines = ["| shared fact | type or values | meaning |", "| --- | --- | --- |"]
    for name, node in shared.items():
        if name == "compendium_listing":
            continue
        meaning = " ".join(node.get("description", "").split())
        lines.append(f"| `{name}` | {_type(node)} | {meaning} |")
    return "\n".join(lines)


def policy_ids() -> list[str]:
    """The policies of the kit's own packs: those with a facts schema."""
    return sorted(path.parent.name for path in KIT_ROOT.glob(f"features/*/{FACTS_FILE}"))


def pack_facts_section() -> str:
    """One table of facts and one of missing facts for each of the kit's policy packs."""
    shared = schema("facts")["$defs"]
    parts = []
    for policy in policy_ids():
        facts = pack_facts(policy)
        assert facts is not None
        defs = {**shared, **facts.get("$defs", {})}
        lines = [
            f"#### {facts.get('title', policy)} (`{policy}`)",
            "",
            " ".join(facts.get("description", "").split()),
            "",
            "| field | required | type or values | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for row in _rows(facts, defs):
            lines.append("| " + " | ".join(row) + " |")
        lines += [
            "",
            "| missing fact | words in the features | what the engine needs in the case |",
            "| --- | --- | --- |",
        ]
        for choice in facts["$defs"]["missing_fact"]["oneOf"]:
            fields = ", ".join(f"`{f}`" for f in choice.get("x-fields", []))
            lines.append(f"| `{choice['const']}` | {choice.get('title', '')} | {fields} |")
        rules = [rule.get("description", "") for rule in facts.get("allOf", [])]
        if rules:
            lines += ["", "Rules across fields:", ""] + [f"- {rule}" for rule in rules if rule]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def invalid_examples_table() -> str:
    lines = ["| example | why it is rejected | what the kit reports |", "| --- | --- | --- |"]
    for path in sorted((SCHEMA_DIR / "examples" / "invalid").glob("*.json")):
        example = json.loads(path.read_text(encoding="utf-8"))
        found = "; ".join(str(v) for v in violations(example["schema"], example["instance"]))
        lines.append(f"| `examples/invalid/{path.name}` | {example['why']} | `{found}` |")
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {
        "case-fields": field_table("case"),
        "decision-fields": field_table("decision"),
        "rejection-fields": field_table("rejection"),
        "metadata-fields": field_table("metadata"),
        "vocabularies": vocabulary_table(),
        "shared-facts": shared_facts_table(),
        "pack-facts": pack_facts_section(),
        "invalid-examples": invalid_examples_table(),
    }


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, content in blocks().items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise ValueError(f"{README.name} has no generated block {name!r}")
        # A literal replacement: a table may hold backslashes that re.sub would read as escapes.
        block = content
        text = pattern.sub(lambda m: f"{m.group(1)}{block}\n{m.group(2)}", text)  # noqa: B023
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(
                f"{README}: generated tables are out of date; "
                "run python -m policy_conformance.contract.docs"
            )
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
