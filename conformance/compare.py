"""``conformance compare OLD.json NEW.json``: what changed between two runs, regressions first.

Two reports of ``conformance run --report`` (two engines, or two releases of one engine) are
matched clause by clause, pack by pack and scenario by scenario, on the scenarios' stable ids. A
regression is anything the new report no longer vouches for:

- a clause that was conformant and is not any more (nonconformant, errored, not run, not checked
  or gone from the report);
- a scenario that passed and now fails, errors, is skipped or is gone;
- a pack that was checked and is not checked, or is gone;
- either report of a run that did not finish (interrupted, or still running when it was read):
  it holds only part of the verdicts, so it cannot show that nothing regressed.

Any regression makes the exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from . import paths
from .errors import KitError
from .reading import MAX_SCHEMA_BYTES, read_json

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
#: The deepest nesting a report may have: an engine's decision (itself at most 64 deep) sits a
#: few levels down in it.
MAX_REPORT_NESTING = 96

_BAD = ("failed", "errored")


@cache
def report_validator() -> Draft202012Validator:
    """The validator of ``report.schema.json``, the report's one definition."""
    return Draft202012Validator(read_json(paths.PACKAGE / "report.schema.json", MAX_SCHEMA_BYTES))


def load_report(path: Path) -> dict[str, Any]:
    """A report read and checked against its schema, or a :class:`KitError` in one line."""
    data: Any = read_json(path, MAX_REPORT_BYTES, nesting=MAX_REPORT_NESTING)
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

    kind: str  # "report", "clause", "pack" or "scenario"
    id: str
    name: str
    old: str
    new: str

    @property
    def regression(self) -> bool:
        if self.kind == "report":
            return True
        if self.kind == "clause":
            return self.old == "conformant" and self.new != "conformant"
        if self.kind == "pack":
            return self.old == "checked" and self.new != "checked"
        return self.old == "passed" and self.new != "passed"

    @property
    def improvement(self) -> bool:
        if self.kind == "clause":
            return self.old in ("nonconformant", "errored") and self.new == "conformant"
        if self.kind == "pack":
            return self.old != "checked" and self.new == "checked"
        return self.old in _BAD and self.new == "passed"

    def line(self) -> str:
        label = "regression" if self.regression else "improved" if self.improvement else "changed"
        if self.kind == "report":
            finished = f"is of a run that did not finish ({self.new})"
            return f"{label}: report {self.id} {finished}: {self.name}"
        name = f" ({self.name})" if self.name and self.name != self.id else ""
        return f"{label}: {self.kind} {self.id}{name}: {self.old} -> {self.new}"


#: The order changes are listed in, within regressions, improvements and the rest.
_KINDS = {"report": 0, "clause": 1, "pack": 2, "scenario": 3}


def _pack_state(pack: dict[str, Any]) -> str:
    return "checked" if pack.get("checked") else "not checked"


def _digest(pack: dict[str, Any]) -> str | None:
    provenance = pack.get("provenance")
    return provenance.get("digest") if isinstance(provenance, dict) else None


def _described(pack: dict[str, Any]) -> str:
    origin = (pack.get("provenance") or {}).get("origin", "unknown")
    return f"{origin} sha256 {str(_digest(pack))[:16]}"


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``: regressions first, then improvements, then the rest."""
    changes: list[Change] = []
    old_clauses = {c["id"]: c["verdict"] for c in old["clauses"]}
    new_clauses = {c["id"]: c["verdict"] for c in new["clauses"]}
    for identifier, verdict in new_clauses.items():
        before = old_clauses.get(identifier, "absent")
        if before != verdict:
            changes.append(Change("clause", identifier, "", before, verdict))
    for identifier, verdict in old_clauses.items():
        if identifier not in new_clauses:
            changes.append(Change("clause", identifier, "", verdict, "absent"))
    old_packs = {p["id"]: p for p in old.get("packs", [])}
    new_packs = {p["id"]: p for p in new.get("packs", [])}
    for identifier, pack in old_packs.items():
        after = new_packs.get(identifier)
        now = _pack_state(after) if after is not None else "absent"
        if _pack_state(pack) != now:
            changes.append(Change("pack", identifier, "", _pack_state(pack), now))
        elif after is not None and _digest(pack) != _digest(after):
            # The same pack id graded by other files: its verdicts compare other scenarios.
            changes.append(
                Change("pack", identifier, "its files differ", _described(pack), _described(after))
            )
    for identifier, pack in new_packs.items():
        if identifier not in old_packs and pack.get("checked"):
            changes.append(Change("pack", identifier, "", "absent", "checked"))
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
    return sorted(
        changes, key=lambda c: (not c.regression, not c.improvement, _KINDS[c.kind], c.id)
    )


def compare_files(old_path: Path, new_path: Path) -> tuple[list[str], bool]:
    """The lines ``conformance compare`` prints, and whether any is a regression."""
    old, new = load_report(old_path), load_report(new_path)
    changes = compare(old, new)
    for path, report in ((new_path, new), (old_path, old)):
        if report["state"] != "complete":
            why = "it holds only part of the verdicts, so it cannot show that nothing regressed"
            changes.insert(0, Change("report", str(path), why, "complete", report["state"]))
    lines = [change.line() for change in changes]
    regressions = sum(c.regression for c in changes)
    improvements = sum(c.improvement for c in changes)
    lines.append(
        f"compare: {regressions} regression(s), {improvements} improvement(s), "
        f"{len(changes) - regressions - improvements} other change(s)"
    )
    return lines, regressions > 0
