"""The case/decision contract: the JSON Schemas an engine must speak, and their validators.

The schema files beside this module are the single source of truth. Everything else in the kit
(adapters, steps, reference engine, docs tables) reads them through this module rather than
restating them.

A case is an envelope every policy shares (``case.schema.json``) whose clinical facts and evidence
are the policy's own: each pack ships a facts schema (``features/<pack>/facts.schema.json``) that
places the shared facts of ``facts.schema.json`` and its own. A case is held to the envelope and
to the facts schema of the policy it names; a decision's missing facts to that policy's
vocabulary (the facts schema's ``$defs/missing_fact``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from policy_conformance.paths import pack_roots

__all__ = [
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

#: The version of the contract this kit speaks, MAJOR.MINOR. A MINOR change only adds optional
#: fields; an engine built for any 3.x contract can be run by a 3.y kit. Contract 3.0 moves the
#: clinical facts into per-policy facts schemas and declares policies with their versions, so
#: 2.x engines are refused.
CONTRACT_VERSION = "3.0"

#: The file, in a pack's folder, that defines the facts a case for that policy carries.
FACTS_FILE = "facts.schema.json"

SCHEMA_DIR = Path(__file__).resolve().parent

_POLICY_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")

SchemaName = Literal["case", "decision", "rejection", "metadata", "facts"]


@dataclass(frozen=True)
class Violation:
    """One way an instance breaks a schema: where (a JSON Pointer) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"at {self.path or '/'}: {self.message}"


@cache
def schema(name: SchemaName) -> dict[str, Any]:
    """Return the named contract schema as parsed JSON."""
    from policy_conformance.reading import MAX_SCHEMA_BYTES, read_json

    loaded: dict[str, Any] = read_json(SCHEMA_DIR / f"{name}.schema.json", MAX_SCHEMA_BYTES)
    return loaded


_NAMES: tuple[SchemaName, ...] = ("case", "decision", "rejection", "metadata", "facts")


@cache
def registry() -> Registry:
    """A referencing registry holding every contract schema under its ``$id``."""
    resources = [(schema(n)["$id"], Resource.from_contents(schema(n))) for n in _NAMES]
    return Registry().with_resources(resources)


def pack_facts(policy_id: str) -> dict[str, Any] | None:
    """The facts schema of the pack for ``policy_id``, or None when no pack has that id.

    Packs are looked for in every pack root (:func:`policy_conformance.paths.pack_roots`); a
    facts file that cannot be read as JSON is a :class:`ValueError` naming it (the kit's lint
    reports it before any run).
    """
    return _pack_facts(policy_id, pack_roots())


@cache
def _pack_facts(policy_id: str, roots: tuple[Path, ...]) -> dict[str, Any] | None:
    if not _POLICY_ID.fullmatch(policy_id):
        return None
    for root in roots:
        path = root / "features" / policy_id / FACTS_FILE
        if path.is_file():
            # The kit's one bounded reader: a pack's file may be nested or sized to break a parser.
            from policy_conformance.errors import KitError
            from policy_conformance.reading import MAX_SCHEMA_BYTES, read_json

            try:
                loaded: dict[str, Any] = read_json(path, MAX_SCHEMA_BYTES)
            except KitError as exc:
                raise ValueError(f"{path}: cannot be read as JSON: {exc}") from None
            return loaded
    return None


def missing_fact_titles(policy_id: str) -> dict[str, str]:
    """A policy's missing-fact names, in its order, each with the phrase the features use."""
    facts = pack_facts(policy_id) or {}
    choices = facts.get("$defs", {}).get("missing_fact", {}).get("oneOf", [])
    return {choice["const"]: choice.get("title", choice["const"]) for choice in choices}


def _policy_of(name: SchemaName, instance: object) -> str | None:
    """The policy whose pack narrows ``name`` for this instance, if any."""
    if not isinstance(instance, Mapping):
        return None
    if name == "case":
        policy = instance.get("policy_id")
    elif name == "decision":
        named = instance.get("policy")
        policy = named.get("id") if isinstance(named, Mapping) else None
    else:
        return None
    if isinstance(policy, str) and pack_facts(policy) is not None:
        return policy
    return None


def _schema_for(name: SchemaName, policy: str | None) -> dict[str, Any]:
    base = schema(name)
    if policy is None:
        return base
    facts = pack_facts(policy)
    assert facts is not None
    if name == "case":
        narrowing: dict[str, Any] = {"$ref": facts["$id"]}
    else:
        vocabulary = {"$ref": f"{facts['$id']}#/$defs/missing_fact"}
        narrowing = {"properties": {"missing_facts": {"items": vocabulary}}}
    return {"$schema": base["$schema"], "allOf": [{"$ref": base["$id"]}, narrowing]}


@cache
def _validator(
    name: SchemaName, policy: str | None, roots: tuple[Path, ...]
) -> Draft202012Validator:
    resources = registry()
    if policy is not None:
        facts = pack_facts(policy)
        assert facts is not None
        resources = resources.with_resource(facts["$id"], Resource.from_contents(facts))
    return Draft202012Validator(
        _schema_for(name, policy),
        registry=resources,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def _fast_validator(name: SchemaName, policy: str | None, roots: tuple[Path, ...]) -> Any:
    known = {schema(n)["$id"]: schema(n) for n in _NAMES}
    if policy is not None:
        facts = pack_facts(policy)
        assert facts is not None
        known[facts["$id"]] = facts

    def retrieve(uri: str) -> Any:
        return known[uri]

    return jsonschema_rs.validator_for(
        _schema_for(name, policy), validate_formats=True, retriever=retrieve
    )


def violations(name: SchemaName, instance: object) -> list[Violation]:
    """Every way ``instance`` breaks the named schema, in a stable order; empty when it conforms.

    A case is also held to the facts schema of the policy it names, and a decision's missing
    facts to that policy's vocabulary, when a pack for the policy is found.
    """
    policy = _policy_of(name, instance)
    roots = pack_roots()
    # Every case and reply crosses this check, so the common answer (it conforms) comes from a
    # compiled validator, about two hundred times faster; jsonschema then explains a failure.
    # The kit's tests hold the two validators to the same verdicts.
    try:
        if _fast_validator(name, policy, roots).is_valid(instance):
            return []
    except (ValueError, TypeError, OverflowError):
        pass  # not JSON data at all (a set, a huge int): let jsonschema say what is wrong
    checker = _validator(name, policy, roots)
    found = {_describe(error) for error in _leaves(checker.iter_errors(instance))}
    return sorted(found, key=lambda v: (v.path, v.message))


def compatible(version: str) -> bool:
    """Whether an engine speaking contract ``version`` can be run by this kit (same major)."""
    major, _, _ = version.partition(".")
    return major == CONTRACT_VERSION.partition(".")[0]


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    # allOf/if-then errors nest the useful message inside; report the innermost ones.
    for error in errors:
        if error.context and not _vocabulary(error):
            yield from _leaves(error.context)
        else:
            yield error


def _vocabulary(error: ValidationError) -> list[Any]:
    """The values of a vocabulary written as ``oneOf`` titled constants (a pack's missing facts)."""
    choices = error.validator_value if error.validator == "oneOf" else None
    if (
        isinstance(choices, list)
        and choices
        and all(isinstance(c, Mapping) and "const" in c for c in choices)
    ):
        return [c["const"] for c in choices]
    return []


def _describe(error: ValidationError) -> Violation:
    path = "".join(f"/{_escape(part)}" for part in error.absolute_path)
    message = error.message
    if _vocabulary(error):
        message = f"{error.instance!r} is not one of {_vocabulary(error)!r}"
    forbidden = error.validator_value if error.validator == "not" else None
    if isinstance(forbidden, Mapping) and list(forbidden) == ["required"]:
        # "{'required': [...]} should not be valid" says nothing to a vendor; say what is meant.
        fields = ", ".join(repr(f) for f in forbidden["required"])
        message = f"{fields} must not be present here"
        if isinstance(error.instance, Mapping) and "outcome" in error.instance:
            message += f" (outcome is {error.instance['outcome']!r})"
    return Violation(path, message)


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")
