"""The case/decision contract: the JSON Schemas an engine must speak, and their validators.

The schema files beside this module are the single source of truth. Everything else in the kit
(adapters, steps, reference engine, docs tables) reads them through this module rather than
restating them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

__all__ = [
    "CONTRACT_VERSION",
    "SCHEMA_DIR",
    "SchemaName",
    "Violation",
    "compatible",
    "registry",
    "schema",
    "violations",
]

#: The version of the contract this kit speaks, MAJOR.MINOR. A MINOR change only adds optional
#: fields; an engine built for any 2.x contract can be run by a 2.y kit. Contract 2.0 grades the
#: exact clauses and missing facts and refuses contradictory cases, so 1.x engines are refused.
CONTRACT_VERSION = "2.0"

SCHEMA_DIR = Path(__file__).resolve().parent

SchemaName = Literal["case", "decision", "rejection", "metadata"]


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
    with (SCHEMA_DIR / f"{name}.schema.json").open(encoding="utf-8") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


@cache
def registry() -> Registry:
    """A referencing registry holding every contract schema under its ``$id``."""
    names: tuple[SchemaName, ...] = ("case", "decision", "rejection", "metadata")
    resources = [(schema(n)["$id"], Resource.from_contents(schema(n))) for n in names]
    return Registry().with_resources(resources)


@cache
def _validator(name: SchemaName) -> Draft202012Validator:
    return Draft202012Validator(
        schema(name),
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def _fast_validator(name: SchemaName) -> Any:
    return jsonschema_rs.validator_for(schema(name), validate_formats=True)


def violations(name: SchemaName, instance: object) -> list[Violation]:
    """Every way ``instance`` breaks the named schema, in a stable order; empty when it conforms."""
    # Every case and reply crosses this check, so the common answer (it conforms) comes from a
    # compiled validator, about two hundred times faster; jsonschema then explains a failure.
    # The kit's tests hold the two validators to the same verdicts.
    try:
        if _fast_validator(name).is_valid(instance):
            return []
    except (ValueError, TypeError, OverflowError):
        pass  # not JSON data at all (a set, a huge int): let jsonschema say what is wrong
    found = {_describe(error) for error in _leaves(_validator(name).iter_errors(instance))}
    return sorted(found, key=lambda v: (v.path, v.message))


def compatible(version: str) -> bool:
    """Whether an engine speaking contract ``version`` can be run by this kit (same major)."""
    major, _, _ = version.partition(".")
    return major == CONTRACT_VERSION.partition(".")[0]


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    # allOf/if-then errors nest the useful message inside; report the innermost ones.
    for error in errors:
        if error.context:
            yield from _leaves(error.context)
        else:
            yield error


def _describe(error: ValidationError) -> Violation:
    path = "".join(f"/{_escape(part)}" for part in error.absolute_path)
    message = error.message
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
