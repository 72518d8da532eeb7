"""What a run leaves behind: the per-clause table, the baseline's news, the report files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policy_conformance import contract

from .baseline import Baseline, write_baseline
from .engine import engine_header
from .packs import Pack
from .pages import render_run_report
from .results import RunResults, clause_table, write_atomically
from .summary import render_summary

__all__ = ["print_clause_table", "settle_baseline", "write_files"]


def print_clause_table(
    terminal: Any, results: RunResults, packs: list[Pack], baseline: Baseline | None
) -> None:
    """The closing section of a run: one verdict a clause, the totals, the baseline's news."""
    terminal.section("conformance by clause")
    terminal.write_line(engine_header(results.adapter, results.engine))
    for line in clause_table(results.verdicts(packs)):
        terminal.write_line(line)
    totals = ", ".join(
        f"{results.count(o)} {o}" for o in ("passed", "failed", "errored", "skipped")
    )
    terminal.write_line(f"scenarios: {totals}")
    if baseline is None:
        return
    known = sum(s.known for s in results.scenarios)
    terminal.write_line(
        f"baseline {baseline.path}: {known} known failure(s) did not decide the exit code"
    )
    for key in results.fixed:
        terminal.write_line(f"  now passes, remove it from the baseline: {key}")
    for key in results.unmatched:
        terminal.write_line(f"  names no scenario of this run: {key}")


def settle_baseline(results: RunResults, baseline: Baseline, selected: set[str]) -> None:
    """Which known failures passed, and which name no scenario that was selected."""
    ran = {s.key: s for s in results.scenarios}
    results.fixed = sorted(k for k in baseline.known if k in ran and ran[k].outcome == "passed")
    results.unmatched = sorted(k for k in baseline.known if k not in selected)


def write_files(
    results: RunResults,
    packs: list[Pack],
    *,
    report: Path | None,
    summary: Path | None,
    html: Path | None = None,
    write_baseline_to: Path | None,
) -> None:
    """Write the files the run was asked for, each whole or not at all."""
    if write_baseline_to:
        write_baseline(write_baseline_to, results)
    if not (report or summary or html):
        return
    from . import __version__

    document = results.report(packs, __version__, contract.CONTRACT_VERSION)
    if report:
        write_atomically(report, json.dumps(document, indent=2) + "\n")
    if summary:
        write_atomically(summary, render_summary(document))
    if html:
        write_atomically(html, render_run_report(document))
