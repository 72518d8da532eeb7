"""Baselines of known failures, so that CI can gate an engine release on new failures only.

``--write-baseline FILE`` records every scenario that failed or errored in a run, each with a
``reason`` ("not yet triaged" until someone writes one); a later run with ``--baseline FILE``
still runs and reports those scenarios (their verdicts stay honest), but they no longer decide
the exit code. Known failures that now pass, and entries that name no scenario any more, are
stale: listed at the end of the run, and under ``--strict-baseline`` they fail it, so that a
baseline only shrinks.

Entries key on the scenario's stable id (``CLAUSE/hash``, see
:func:`policy_conformance.collection.scenario_id`), which survives a rename of its title. A
baseline of format 1 (keyed on feature and title) is refused with a message saying how to
record it again: a title cannot be matched to an id without running the scenario it named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KitError
from .outputs import deliver, strict_json
from .reading import read_json
from .results import RunResults

__all__ = [
    "MAX_BASELINE_BYTES",
    "UNTRIAGED",
    "Baseline",
    "load_baseline",
    "stale_entries",
    "write_baseline",
]

FORMAT = 2

#: The reason ``--write-baseline`` gives an entry until someone writes the real one.
UNTRIAGED = "not yet triaged"

#: The largest baseline read. One entry is about a hundred bytes; this is room for a great many.
MAX_BASELINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Baseline:
    path: Path
    known: dict[str, str]  # stable scenario id -> the outcome recorded ("failed" or "errored")
    reasons: dict[str, str] = field(default_factory=dict)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file, or raise :class:`KitError` naming the file and the field at fault."""
    data: Any = read_json(path, MAX_BASELINE_BYTES, option="--baseline")
    if isinstance(data, dict) and data.get("format") == 1:
        raise KitError(
            f"--baseline: {path} is of format 1, which names scenarios by title; record it "
            "again with --write-baseline (format 2 keys on stable scenario ids)"
        )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KitError(f'--baseline: {path} is not a baseline (expected "format": {FORMAT})')
    entries = data.get("known")
    if not isinstance(entries, list):
        raise KitError(f'--baseline: {path}: "known" must be a list')
    known: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for index, entry in enumerate(entries):
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and entry.get("outcome") in ("failed", "errored")
            and isinstance(entry.get("reason"), str)
            and entry["reason"].strip() != ""
        )
        if not ok:
            raise KitError(
                f'--baseline: {path}: known[{index}] needs an "id", an "outcome" of failed or '
                'errored and a "reason"'
            )
        known[entry["id"]] = entry["outcome"]
        reasons[entry["id"]] = entry["reason"]
    return Baseline(path, known, reasons)


def stale_entries(results: RunResults) -> list[str]:
    """Entries that pass now or name no scenario of the run, one line each."""
    return [f"now passes: {key}" for key in results.fixed] + [
        f"names no scenario of this run: {key}" for key in results.unmatched
    ]


def write_baseline(path: Path, results: RunResults, previous: Baseline | None = None) -> int:
    """Record every failed or errored scenario of ``results``; returns how many.

    A reason already written in ``previous`` (the baseline the run read) is kept.
    """
    reasons = previous.reasons if previous is not None else {}
    known = [
        {
            "id": s.id,
            "name": s.name,
            "clause": s.clause,
            "outcome": s.outcome,
            "reason": reasons.get(s.id, UNTRIAGED),
        }
        for s in results.scenarios
        if s.outcome in ("failed", "errored")
    ]
    deliver(path, strict_json({"format": FORMAT, "adapter": results.adapter, "known": known}))
    return len(known)
