"""Baselines of known failures, so that CI can gate an engine release on new failures only.

``--write-baseline FILE`` records every scenario that failed or errored in a run; a later run
with ``--baseline FILE`` still runs and reports those scenarios (their verdicts stay honest), but
they no longer decide the exit code. Known failures that now pass, and entries that name no
scenario any more, are listed so that the baseline can be kept short.

A scenario is named by its feature (relative to ``features/``) and its name, with the Examples
row for an outline: ``inotuzumab_besponsa/covered.feature::A weaker ... [NCCN-category 2B]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy_conformance.adapters.limits import MAX_NESTING, TooDeeplyNested, load_json

from .errors import KitError
from .results import RunResults, write_atomically

__all__ = ["MAX_BASELINE_BYTES", "Baseline", "load_baseline", "write_baseline"]

FORMAT = 1

#: The largest baseline read. One entry is about a hundred bytes; this is room for a great many.
MAX_BASELINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Baseline:
    path: Path
    known: dict[str, str]  # scenario key -> the outcome recorded ("failed" or "errored")


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file, or raise :class:`KitError` naming the file and the field at fault."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BASELINE_BYTES + 1)
    except OSError as exc:
        raise KitError(f"--baseline: {path} cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_BASELINE_BYTES:
        raise KitError(f"--baseline: {path} is larger than {MAX_BASELINE_BYTES} bytes")
    try:
        data: Any = load_json(raw.decode("utf-8"), MAX_NESTING)
    except TooDeeplyNested as exc:
        raise KitError(f"--baseline: {path} is refused: {exc}") from None
    except ValueError as exc:
        raise KitError(f"--baseline: {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KitError(f'--baseline: {path} is not a baseline (expected "format": {FORMAT})')
    entries = data.get("known")
    if not isinstance(entries, list):
        raise KitError(f'--baseline: {path}: "known" must be a list')
    known: dict[str, str] = {}
    for index, entry in enumerate(entries):
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("scenario"), str)
            and entry.get("outcome") in ("failed", "errored")
        )
        if not ok:
            raise KitError(
                f'--baseline: {path}: known[{index}] needs a "scenario" and an "outcome" '
                "of failed or errored"
            )
        known[entry["scenario"]] = entry["outcome"]
    return Baseline(path, known)


def write_baseline(path: Path, results: RunResults) -> int:
    """Record every failed or errored scenario of ``results``; returns how many."""
    known = [
        {"scenario": s.key, "outcome": s.outcome, "clauses": s.clauses}
        for s in results.scenarios
        if s.outcome in ("failed", "errored")
    ]
    document = {"format": FORMAT, "adapter": results.adapter, "known": known}
    write_atomically(path, json.dumps(document, indent=2) + "\n")
    return len(known)
