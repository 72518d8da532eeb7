"""``conformance compare OLD.json NEW.json``: what changed between two runs, regressions first.

Two reports of ``conformance run --report`` (two engines, or two releases of one engine) are
matched clause by clause and scenario by scenario, on the scenarios' stable ids. A regression is
a scenario that passed and now fails or errors, or a clause that was conformant and is not any
more; any regression makes the exit code 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import KitError
from .reading import read_json

__all__ = [
    "MAX_REPORT_BYTES",
    "Change",
    "compare",
    "compare_files",
    "load_report",
    "report_validator",
]

#: The largest report read: room for many thousands of scenarios with their cases and decisions.
MAX_REPORT_BYTES = 512 * 1024 * 1024

_BAD = ("failed", "errored")


@cache
def report_validator() -> Draft202012Validator:
    """The validator of ``report.schema.json``, the report's one definition."""
    text = files("policy_conformance").joinpath("report.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def load_report(path: Path) -> dict[str, Any]:
    """A report read and checked against its schema, or a :class:`KitError` in one line."""
    data: Any = read_json(path, MAX_REPORT_BYTES)
    error = best_match(report_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        message = " ".join(error.message.split())[:200]
        raise KitError(f"{path}: not a report of conformance run --report (at {where}: {message})")
    report: dict[str, Any] = data
    return report


@dataclass(frozen=True)
class Change:
    """One clause or scenario whose result differs between the two reports."""

    kind: str  # "clause" or "scenario"
    id: str
    name: str
    old: str
    new: str

    @property
    def regression(self) -> bool:
        if self.kind == "clause":
            return self.old == "conformant" and self.new in ("nonconformant", "errored")
        return self.old == "passed" and self.new in _BAD

    @property
    def improvement(self) -> bool:
        if self.kind == "clause":
            return self.old in ("nonconformant", "errored") and self.new == "conformant"
        return self.old in _BAD and self.new == "passed"

    def line(self) -> str:
        label = "regression" if self.regression else "improved" if self.improvement else "changed"
        name = f" ({self.name})" if self.name and self.name != self.id else ""
        return f"{label}: {self.kind} {self.id}{name}: {self.old} -> {self.new}"


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``: regressions first, then improvements, then the rest."""
    changes: list[Change] = []
    old_clauses = {c["id"]: c["verdict"] for c in old["clauses"]}
    for clause in new["clauses"]:
        before = old_clauses.get(clause["id"], "absent")
        if before != clause["verdict"]:
            changes.append(Change("clause", clause["id"], "", before, clause["verdict"]))
    old_scenarios = {s["id"]: s for s in old["scenarios"]}
    new_scenarios = {s["id"]: s for s in new["scenarios"]}
    for identifier, scenario in new_scenarios.items():
        before = old_scenarios.get(identifier)
        was = before["outcome"] if before is not None else "absent"
        if was != scenario["outcome"]:
            changes.append(
                Change("scenario", identifier, scenario["name"], was, scenario["outcome"])
            )
    for identifier, scenario in old_scenarios.items():
        if identifier not in new_scenarios:
            changes.append(
                Change("scenario", identifier, scenario["name"], scenario["outcome"], "absent")
            )
    return sorted(changes, key=lambda c: (not c.regression, not c.improvement, c.kind, c.id))


def compare_files(old_path: Path, new_path: Path) -> tuple[list[str], bool]:
    """The lines ``conformance compare`` prints, and whether any is a regression."""
    old, new = load_report(old_path), load_report(new_path)
    changes = compare(old, new)
    lines: list[str] = []
    for path, report in ((old_path, old), (new_path, new)):
        if report["state"] != "complete":
            lines.append(f"note: {path} is of a run that did not finish ({report['state']})")
    lines += [change.line() for change in changes]
    regressions = sum(c.regression for c in changes)
    improvements = sum(c.improvement for c in changes)
    lines.append(
        f"compare: {regressions} regression(s), {improvements} improvement(s), "
        f"{len(changes) - regressions - improvements} other change(s)"
    )
    return lines, regressions > 0
