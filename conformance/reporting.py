"""What a run leaves behind: the per-clause table, the baseline's news, the report files.

A report is never wrong about itself. While the run goes, the report and the summary are kept
current beside their paths (``PATH.partial``, state ``running``, rewritten at most once a
second); only a run that ends on its own writes ``PATH`` and removes the partial file. An
interrupted run (SIGINT, SIGTERM) leaves ``PATH`` as it was and marks the partial file
``interrupted``; a killed one leaves it ``running``. Neither is ever conformant, and neither
writes ``--write-baseline``.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policy_conformance import contract

from . import paths
from .baseline import Baseline, write_baseline
from .digest import DIGEST_FIELD, report_digest
from .engine import engine_header
from .outputs import deliver, partial_path, strict_json, write_text
from .packs import Pack
from .pages import render_run_report
from .provenance import kit_identity, pack_hashes, pack_provenance, provenance_lines
from .results import Report, RunResults, State, clause_table, harm_counts, harm_words
from .summary import render_summary

__all__ = [
    "ReportFiles",
    "machine_path_scrubber",
    "print_clause_table",
    "settle_baseline",
    "verdict_of",
]

#: The least time between two rewrites of the partial report: 10,000 scenarios that finish in
#: a minute rewrite it about sixty times, not 10,000.
PARTIAL_INTERVAL = 1.0
#: A rewrite that takes long (a big report) waits this many times its own duration before the
#: next, so that keeping the partial report current never costs more than a tenth of the run.
PARTIAL_SHARE = 9


def print_clause_table(
    terminal: Any,
    results: RunResults,
    packs: list[Pack],
    baseline: Baseline | None,
    *,
    interrupted: bool = False,
) -> None:
    """The closing section of a run: one verdict a clause, the totals, the baseline's news.

    An interrupted run shows what it counted, but no verdict: not one clause or pack of it.
    """
    terminal.section("conformance by clause")
    terminal.write_line(engine_header(results.adapter, results.engine))
    for line in provenance_lines(packs):
        terminal.write_line(line)
    for line in clause_table(results.verdicts(packs)):
        terminal.write_line(line)
    if interrupted:
        terminal.write_line("interrupted: no verdict")
    else:
        terminal.write_line("verdict by pack:")
        for verdict in results.pack_verdicts(packs):
            terminal.write_line(f"  {verdict.line()}")
    totals = ", ".join(
        f"{results.count(o)} {o}" for o in ("passed", "failed", "errored", "skipped")
    )
    terminal.write_line(f"scenarios: {totals}")
    if results.count("failed"):
        terminal.write_line(
            f"failed scenarios by harm: {harm_words(harm_counts(results.scenarios))}"
        )
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


def verdict_of(
    results: RunResults, packs: list[Pack], code: int, *, stopped: bool
) -> tuple[str, str]:
    """The run's verdict in one line, as the last line of the terminal, and its outcome word."""
    from .results import EXIT_CONFORMANT, EXIT_ERRORED, EXIT_FAILED

    if stopped or not results.scenarios:
        why = "the run stopped before the first scenario" if stopped else "no scenario ran"
        return f"no verdict: {why} (exit {code})", "errored"
    counts = ", ".join(
        f"{results.count(o)} {o}"
        for o in ("passed", "failed", "errored", "skipped")
        if results.count(o)
    )
    known = sum(s.known for s in results.scenarios)
    if known:
        counts += f"; {known} known from the baseline"
    if code == EXIT_CONFORMANT and known:
        return f"verdict: no new failure, but not conformant ({counts})", "passed"
    if code == EXIT_CONFORMANT:
        return f"verdict: conformant on every clause run ({counts})", "passed"
    if code == EXIT_FAILED:
        bad = [
            v.id
            for v in results.verdicts(packs)
            if v.verdict == "nonconformant" and v.failed > v.known
        ]
        if not bad:
            return f"verdict: not conformant: stale baseline entries ({counts})", "failed"
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        return f"verdict: not conformant on {shown} ({counts})", "failed"
    if code == EXIT_ERRORED:
        return f"verdict: errored: the engine gave no usable answer ({counts})", "errored"
    return f"no verdict (exit {code}; {counts})", "errored"


def settle_baseline(results: RunResults, baseline: Baseline, selected: set[str]) -> None:
    """Which known failures passed, and which name no scenario that was selected."""
    ran = {s.id: s for s in results.scenarios}
    results.fixed = sorted(k for k in baseline.known if k in ran and ran[k].outcome == "passed")
    results.unmatched = sorted(k for k in baseline.known if k not in selected)
    results.baseline_used = True


@dataclass
class ReportFiles:
    """The files a run was asked for, written as the run goes and once at its end."""

    packs: list[Pack]
    report: Path | None
    summary: Path | None
    html: Path | None
    write_baseline_to: Path | None
    #: The clock the rewrites are spaced by (a test gives its own).
    clock: Callable[[], float] = time.monotonic
    _next_write: float = field(default=float("-inf"), init=False)
    _hashes: dict[str, dict[str, str]] | None = field(default=None, init=False)
    #: The digest of the report last written, and where (for the kit's closing line).
    written: tuple[Path, str] | None = field(default=None, init=False)
    _provenance: dict[str, dict[str, Any]] | None = field(default=None, init=False)

    def document(self, results: RunResults, state: State) -> Report:
        if self._hashes is None:
            self._hashes = pack_hashes(self.packs)
        document = results.report(
            self.packs,
            kit_identity(),
            contract.CONTRACT_VERSION,
            pack_hashes=self._hashes,
            state=state,
        )
        if self._provenance is None:
            self._provenance = pack_provenance(self.packs)
        for entry in document["packs"]:
            entry["provenance"] = self._provenance[entry["id"]]
        scrubbed: Report = _without_machine_paths(document)
        return scrubbed

    def progress(self, results: RunResults) -> None:
        """Keep the partial files current, at most once every :data:`PARTIAL_INTERVAL`."""
        if not self._outputs or self._next_write == float("inf"):
            return
        started = self.clock()
        if started < self._next_write:
            return
        try:
            self._write(self.document(results, "running"), partial=True, in_place=False)
        except OSError as exc:
            # A full disk costs the partial report, never the run or its results.
            why = exc.strerror or exc
            _note(f"the partial report cannot be kept current ({why}); the run goes on")
            self._next_write = float("inf")
            return
        took = self.clock() - started
        self._next_write = started + max(PARTIAL_INTERVAL, PARTIAL_SHARE * took)

    def finish(self, results: RunResults, *, interrupted: bool, previous: Baseline | None) -> None:
        """Write the run's files: whole when it ended on its own, partial when interrupted."""
        if interrupted:
            if self._outputs:
                # A device or a FIFO has no complete report to keep: it gets the partial one.
                self._write(self.document(results, "interrupted"), partial=True, in_place=True)
            left = [str(self._where(p, partial=True)) for p in self._outputs]
            if left:
                _note(f"the run was interrupted: partial results in {', '.join(left)}")
            if self.write_baseline_to:
                _note(f"the run was interrupted: {self.write_baseline_to} was not written")
            return
        if self.write_baseline_to:
            write_baseline(self.write_baseline_to, results, previous)
        if self._outputs:
            self._write(self.document(results, "complete"), partial=False, in_place=True)
            for path in self._outputs:
                if not _special(path):
                    partial_path(path).unlink(missing_ok=True)

    @property
    def _outputs(self) -> list[Path]:
        """The report files asked for: JSON report, Markdown summary, HTML page."""
        return [p for p in (self.report, self.summary, self.html) if p is not None]

    @staticmethod
    def _where(path: Path, *, partial: bool) -> Path:
        return partial_path(path) if partial and not _special(path) else path

    def _write(self, document: Report, *, partial: bool, in_place: bool) -> None:
        # ``in_place``: a special file asked for is written even when the report is partial;
        # while the run goes it is left alone (a FIFO is read once).
        # Sealed with its digest, so that a rewrite after the run is found out.
        digest = report_digest(document)
        document = {**document, DIGEST_FIELD: digest}
        renderers = (
            (self.report, strict_json),
            (self.summary, render_summary),
            (self.html, render_run_report),
        )
        for path, render in renderers:
            if path is None or (partial and not in_place and _special(path)):
                continue
            where = self._where(path, partial=partial)
            if in_place:
                # The run's last word: a file that cannot be written is kept elsewhere.
                deliver(where, render(document))
            else:
                write_text(where, render(document))
            if path == self.report:
                self.written = (where, digest)


def _special(path: Path) -> bool:
    """Whether ``path`` names a device, a FIFO or another file that is not a regular one."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return False


def _note(message: str) -> None:
    print(f"conformance: {message}", file=sys.stderr)


def _machine_prefixes() -> list[tuple[str, str]]:
    # Longest first, so the checkout inside a temporary folder is named as the checkout.
    prefixes = {
        str(paths.PACKAGE.parent): "<kit>",
        str(paths.KIT_ROOT): "<packs>",
        os.getcwd(): ".",
        sys.prefix: "<python>",
        tempfile.gettempdir(): "<tmp>",
        str(Path.home()): "~",
    }
    return sorted(((p, r) for p, r in prefixes.items() if len(p) > 1), key=lambda pr: -len(pr[0]))


def machine_path_scrubber() -> Callable[[str], str]:
    """A function that makes every absolute path of this machine in a text relative or named.

    What the kit writes for others (a report, JUnit XML, Cucumber JSON) says nothing of the
    vendor's folders, and reads the same from any checkout.
    """
    prefixes = _machine_prefixes()

    def scrub(value: str) -> str:
        for prefix, name in prefixes:
            if prefix in value:
                value = value.replace(prefix, name)
        return value

    return scrub


def _without_machine_paths(document: Any) -> Any:
    """The report with every absolute path of this machine made relative or named."""
    scrub_text = machine_path_scrubber()

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return scrub_text(value)
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value

    return scrub(document)
