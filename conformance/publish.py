"""Results a payer can publish: a badge per pack, and one table for several engines or versions.

``conformance badge REPORT --out DIR`` writes one shields.io endpoint file per pack
(``{"schemaVersion": 1, "label": ..., "message": "NN% conformant", "color": ...}``), which
``https://img.shields.io/endpoint?url=...`` turns into a badge. ``conformance combine
REPORTS... --out DIR`` merges the reports of several engines, releases, or shards of one run
(a CI matrix), into one results table page. Both read saved reports only: no engine is started.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import load_report
from .errors import KitError
from .outputs import write_text
from .pages.shell import page, status_badge, text
from .results import NO_VERDICT

__all__ = ["Column", "badge", "badges", "columns", "combine", "render_table"]

Report = dict[str, Any]

#: The badge's colour by the share of clauses run that are conformant.
_COLOURS = ((100, "brightgreen"), (90, "green"), (75, "yellow"), (50, "orange"), (0, "red"))


def badge(report: Report, pack: Report) -> dict[str, Any]:
    """The shields.io endpoint document of one pack of a report."""
    label = f"{pack.get('id')} conformance"
    if report.get("state", "complete") != "complete":
        return {"schemaVersion": 1, "label": label, "message": "no verdict", "color": "lightgrey"}
    if pack.get("checked") is False:
        return {"schemaVersion": 1, "label": label, "message": "not checked", "color": "lightgrey"}
    ran = [
        c
        for c in report.get("clauses", [])
        if c.get("pack") == pack.get("id") and c.get("verdict") not in NO_VERDICT
    ]
    if not ran:
        return {"schemaVersion": 1, "label": label, "message": "not run", "color": "lightgrey"}
    share = 100 * sum(c.get("verdict") == "conformant" for c in ran) // len(ran)
    colour = next(name for floor, name in _COLOURS if share >= floor)
    return {
        "schemaVersion": 1,
        "label": label,
        "message": f"{share}% conformant",
        "color": colour,
    }


def badges(path: Path, out: Path) -> list[Path]:
    """Write one badge file per pack of the report at ``path`` into ``out``; the files written."""
    report = load_report(path)
    _folder(out)
    written = []
    for pack in report.get("packs", []):
        target = out / f"{pack.get('id')}.json"
        write_text(target, json.dumps(badge(report, pack), indent=2) + "\n")
        written.append(target)
    return written


@dataclass
class Column:
    """One engine at one version: the reports of one run, or of its shards, merged."""

    engine: str
    adapter: str
    reports: list[Path] = field(default_factory=list)
    #: Per clause: the counts of its scenarios, summed over the shards.
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Clauses some shard could not judge (its pack not checked).
    unchecked: set[str] = field(default_factory=set)
    complete: bool = True

    def verdict(self, clause: str) -> str:
        counts = self.counts.get(clause)
        if not self.complete:
            return "no verdict"
        if counts is None or not any(counts.values()):
            return "not checked" if clause in self.unchecked else "not run"
        if counts["failed"] > 0:
            return "nonconformant"
        if counts["errored"] > 0:
            return "errored"
        return "conformant"


def columns(paths: Sequence[Path]) -> tuple[list[Column], list[tuple[str, str]]]:
    """The columns of the table, one per engine and version, and every clause as (pack, id)."""
    found: dict[tuple[str, str], Column] = {}
    clauses: dict[str, str] = {}
    for path in paths:
        report = load_report(path)
        engine = report.get("engine") or {}
        name = f"{engine.get('name', '?')} {engine.get('version', '')}".strip()
        column = found.setdefault(
            (name, str(report.get("adapter", ""))), Column(name, str(report.get("adapter", "")))
        )
        column.reports.append(path)
        column.complete &= report.get("state", "complete") == "complete"
        for clause in report.get("clauses", []):
            cid = str(clause.get("id"))
            clauses.setdefault(cid, str(clause.get("pack")))
            counts = column.counts.setdefault(cid, defaultdict(int))
            if clause.get("verdict") == "not checked":
                column.unchecked.add(cid)
            for key in ("passed", "failed", "errored", "skipped"):
                counts[key] += int(clause.get(key) or 0)
    return list(found.values()), [(pack, cid) for cid, pack in clauses.items()]


_VERDICT_OUTCOME = {
    "conformant": "passed",
    "nonconformant": "failed",
    "errored": "errored",
}


def render_table(table: list[Column], clauses: list[tuple[str, str]]) -> str:
    """The results page: a row per clause, a column per engine and version."""
    head = "".join(
        f"<th>{text(c.engine)}<br><code>{text(c.adapter)}</code><br>"
        f'<span class="muted">{len(c.reports)} report(s)</span></th>'
        for c in table
    )
    rows = [f"<tr><th>pack</th><th>clause</th>{head}</tr>"]
    for pack, cid in clauses:
        cells = []
        for column in table:
            verdict = column.verdict(cid)
            counts = column.counts.get(cid, {})
            shown = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
            badge_html = status_badge(_VERDICT_OUTCOME.get(verdict, "skipped")).replace(
                f">{_VERDICT_OUTCOME.get(verdict, 'skipped')}<", f">{text(verdict)}<"
            )
            cells.append(f'<td>{badge_html}<br><span class="muted">{text(shown)}</span></td>')
        rows.append(
            f"<tr><td>{text(pack)}</td><td><code>{text(cid)}</code></td>{''.join(cells)}</tr>"
        )
    body = [
        "<h1>Conformance results</h1>",
        f"<p>{len(table)} engine(s) and version(s), from "
        f"{sum(len(c.reports) for c in table)} report(s); shards of one run are merged.</p>",
        "<table>",
        *rows,
        "</table>",
    ]
    return page("Conformance results", body)


def combine(paths: Sequence[Path], out: Path) -> Path:
    """Write the results page of the reports at ``paths`` into ``out``; the page written."""
    if not paths:
        raise KitError("combine: name at least one report")
    table, clauses = columns(paths)
    _folder(out)
    target = out / "index.html"
    write_text(target, render_table(table, clauses))
    return target


def _folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise KitError(f"--out: {out} is not a folder")
    out.mkdir(parents=True, exist_ok=True)
