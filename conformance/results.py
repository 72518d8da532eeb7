"""What a run found: one result a scenario, rolled up into one verdict a clause.

Three results stay apart: a scenario *failed* when the engine answered wrongly (a wrong decision
or a reply that breaks the contract), *errored* when the engine gave no usable answer, and the
kit's own misconfiguration never becomes a scenario result at all (it stops the run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

from .grading import HARM_CLASSES, HARM_WORDS
from .packs import Pack

__all__ = [
    "NO_VERDICT",
    "ClauseVerdict",
    "PackVerdict",
    "Report",
    "RunResults",
    "ScenarioResult",
    "Tally",
    "clause_table",
    "exit_code",
    "harm_counts",
    "harm_sentence",
    "harm_words",
    "now",
    "tally",
]

Report = dict[str, Any]

Outcome = Literal["passed", "failed", "errored", "skipped"]

#: The version of the report's format (``conformance/report.schema.json``).
REPORT_FORMAT = 3

#: Where a report stands: finished on its own, stopped by a signal, or still being written.
State = Literal["complete", "interrupted", "running"]


def now() -> str:
    """The time as reports give it: UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


#: ``conformance run`` exit codes, documented in the README.
EXIT_CONFORMANT = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_ERRORED = 4
#: pytest itself broke (an internal error), whatever the engine did.
EXIT_INTERNAL = 70
#: The run was interrupted (Ctrl-C) before it finished.
EXIT_INTERRUPTED = 130
#: The reader of the output went away (``| head``): as a program killed by SIGPIPE ends.
EXIT_OUTPUT_CLOSED = 141


@dataclass
class ScenarioResult:
    #: The stable id (see :func:`policy_conformance.collection.scenario_id`): baselines and
    #: ``conformance compare`` key on it.
    id: str
    name: str
    #: The feature file, relative to ``features/``.
    feature: str
    line: int
    pack: str
    clause: str
    clauses: list[str]
    readings: list[str]
    polarity: str | None
    outcome: Outcome
    #: The text of the scenario's Then steps, as run.
    expectations: list[str] = field(default_factory=list)
    #: The case and the reply graded (bounded): the answer a failure was found in, else the
    #: first; the last one sent when the engine broke off.
    case: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    reply: str | None = None
    #: Which of the scenario's answers ``case`` and ``decision`` are (from 1), and how many the
    #: scenario had.
    answer: int | None = None
    answers: int = 0
    #: A failed scenario's harm class (:data:`.grading.HARM_CLASSES`); None unless failed.
    harm: str | None = None
    #: Every field a failed scenario's answers got wrong, in the order they were found.
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    message: str = ""
    #: The engine's own output or traceback, bounded; kept out of the Markdown summary.
    detail: str = ""
    duration: float = 0.0
    #: Failed or errored, and listed in the baseline of known failures.
    known: bool = False
    #: Expectations not graded: the engine's interface cannot carry their field (see carried).
    not_gradable: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "known failure" if self.known else self.outcome

    def entry(self) -> dict[str, Any]:
        """The scenario as the report gives it."""
        return asdict(self) | {"status": self.status}


@dataclass
class ClauseVerdict:
    id: str
    pack: str
    section: str
    paraphrase: str
    passed: int = 0
    failed: int = 0
    errored: int = 0
    skipped: int = 0
    known: int = 0
    #: The clause's pack was not checked in this run (see :attr:`RunResults.not_checked`).
    unchecked: bool = False
    #: Its failed scenarios by harm class.
    harm: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HARM_CLASSES, 0))

    @property
    def verdict(self) -> str:
        if self.unchecked:
            return "not checked"
        if self.failed:
            return "nonconformant"
        if self.errored:
            return "errored"
        if self.passed:
            return "conformant"
        return "not run"


@dataclass
class PackVerdict:
    """A pack's verdict: its clauses' verdicts rolled up, or why the run did not check it."""

    pack: Pack
    clauses: list[ClauseVerdict]
    why_not: str | None = None
    #: The pack's failed scenarios by harm class.
    harm: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HARM_CLASSES, 0))

    @property
    def verdict(self) -> str:
        if self.why_not is not None:
            return "not checked"
        verdicts = {clause.verdict for clause in self.clauses}
        for worst in ("nonconformant", "errored", "conformant"):
            if worst in verdicts:
                return worst
        return "not run"

    def line(self) -> str:
        """The pack's verdict as the end of a run prints it."""
        version = f", version {self.pack.version}" if self.pack.version else ""
        head = f"{self.pack.id} ({self.pack.title}{version})"
        if self.why_not is not None:
            return f"{head}: not checked: {self.why_not}"
        ran = [c for c in self.clauses if c.verdict != "not run"]
        line = f"{head}: {self.verdict} ({len(ran)} of {len(self.clauses)} clauses run)"
        return line + (f"; {harm_words(self.harm)}" if any(self.harm.values()) else "")


@dataclass
class RunResults:
    adapter: str = ""
    engine: dict[str, Any] = field(default_factory=dict)
    started: str = field(default_factory=now)
    #: Whether a baseline was read; ``fixed`` and ``unmatched`` are its news.
    baseline_used: bool = False
    scenarios: list[ScenarioResult] = field(default_factory=list)
    #: Known failures (from a baseline) that passed in this run, and entries that named no
    #: scenario of this run: both mean the baseline can shrink.
    fixed: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    #: ``--strict-baseline``: a stale entry (in ``fixed`` or ``unmatched``) fails the run.
    strict_baseline: bool = False
    #: The packs this run did not check, each with why (the engine does not implement the
    #: policy, or another version of it; ``--pack`` left it out).
    not_checked: dict[str, str] = field(default_factory=dict)

    def count(self, outcome: Outcome, *, new_only: bool = False) -> int:
        return sum(1 for s in self.scenarios if s.outcome == outcome and not (new_only and s.known))

    def verdicts(self, packs: Iterable[Pack]) -> list[ClauseVerdict]:
        """One verdict for every catalogue clause, in catalogue order (clauses not run included)."""
        table = {
            cid: ClauseVerdict(
                cid, pack.id, c.section, c.paraphrase, unchecked=pack.id in self.not_checked
            )
            for pack in packs
            for cid, c in pack.clauses.items()
        }
        for scenario in self.scenarios:
            for cid in scenario.clauses:
                verdict = table.get(cid)
                if verdict is not None:
                    setattr(verdict, scenario.outcome, getattr(verdict, scenario.outcome) + 1)
                    verdict.known += scenario.known
                    if scenario.harm in verdict.harm:
                        verdict.harm[scenario.harm] += 1
        return list(table.values())

    def pack_verdicts(self, packs: Iterable[Pack]) -> list[PackVerdict]:
        """One verdict a pack: its clauses' verdicts rolled up, or why it was not checked."""
        packs = list(packs)
        by_pack: dict[str, list[ClauseVerdict]] = {}
        for verdict in self.verdicts(packs):
            by_pack.setdefault(verdict.pack, []).append(verdict)
        return [
            PackVerdict(
                pack,
                by_pack.get(pack.id, []),
                self.not_checked.get(pack.id),
                harm_counts(s for s in self.scenarios if s.pack == pack.id),
            )
            for pack in packs
        ]

    def report(
        self,
        packs: Iterable[Pack],
        kit: dict[str, Any],
        contract_version: str,
        *,
        pack_hashes: dict[str, dict[str, str]],
        state: State,
    ) -> Report:
        """The machine-readable report (``report.schema.json``): what ran, against what, and
        every verdict. An unfinished run (``state`` not complete) is never conformant."""
        packs = list(packs)
        verdicts = self.verdicts(packs)
        ran = [v for v in verdicts if v.verdict != "not run"]
        document: Report = {
            "format": REPORT_FORMAT,
            "kit": kit,
            "contract_version": contract_version,
            "packs": [
                {
                    "id": v.pack.id,
                    "kind": v.pack.kind,
                    "title": v.pack.title,
                    "policy": v.pack.policy,
                    "sha256": pack_hashes[v.pack.id],
                    "checked": v.why_not is None,
                    "verdict": v.verdict,
                    "harm": v.harm,
                }
                | ({"why_not_checked": v.why_not} if v.why_not is not None else {})
                for v in self.pack_verdicts(packs)
            ],
            "adapter": self.adapter,
            "engine": self.engine,
            "started": self.started,
            "state": state,
            "interrupted": state != "complete",
        }
        if state != "running":
            document["finished"] = now()
        if state == "complete":
            document["exit_code"] = exit_code(self)
        elif state == "interrupted":
            document["exit_code"] = EXIT_INTERRUPTED
        return document | {
            "conformant": state == "complete"
            and bool(ran)
            and all(v.verdict == "conformant" for v in ran),
            "totals": {o: self.count(o) for o in ("passed", "failed", "errored", "skipped")}
            | {"known": sum(s.known for s in self.scenarios), "harm": harm_counts(self.scenarios)},
            "baseline": {
                "used": self.baseline_used,
                "fixed": self.fixed,
                "unmatched": self.unmatched,
            },
            "clauses": [_clause_entry(v) for v in verdicts],
            "readings": [asdict(r) | {"pack": p.id} for p in packs for r in p.readings.values()],
            "scenarios": [s.entry() for s in self.scenarios],
        }


#: Clause verdicts that say nothing of the engine: the clause's pack was not run or not checked.
NO_VERDICT: Final = ("not run", "not checked")


@dataclass(frozen=True)
class Tally:
    """What a report's headline says: the clauses judged, those not conformant, the packs
    left unchecked."""

    ran: list[Report]
    bad: list[Report]
    unchecked: list[str]
    #: The report's failed scenarios by harm class (empty for a report of an older format).
    harm: dict[str, int] = field(default_factory=dict)

    @property
    def not_checked(self) -> str:
        """The sentence that ends a headline when some pack was not checked."""
        return f" Not checked: {', '.join(self.unchecked)}." if self.unchecked else ""

    @property
    def harmed(self) -> str:
        """The sentence that says how many failed scenarios fall in each harm class."""
        return f" {harm_sentence(self.harm)}" if any(self.harm.values()) else ""


def tally(report: Report) -> Tally:
    """The clauses a report judged and those it found not conformant, and its unchecked packs."""
    ran = [c for c in report.get("clauses", []) if c.get("verdict") not in NO_VERDICT]
    harm = (report.get("totals") or {}).get("harm")
    return Tally(
        ran,
        [c for c in ran if c.get("verdict") != "conformant"],
        [str(p.get("id")) for p in report.get("packs", []) if p.get("checked") is False],
        {k: int(v) for k, v in harm.items()} if isinstance(harm, dict) else {},
    )


def harm_counts(scenarios: Iterable[ScenarioResult]) -> dict[str, int]:
    """Failed scenarios by harm class, every class named (known failures included)."""
    counts = dict.fromkeys(HARM_CLASSES, 0)
    for scenario in scenarios:
        if scenario.outcome == "failed" and scenario.harm in counts:
            counts[scenario.harm] += 1
    return counts


def harm_words(counts: dict[str, int]) -> str:
    """Harm counts in words, every class named: ``2 wrong approvals, 0 wrong denials, ...``."""
    words = []
    for harm in HARM_CLASSES:
        n = int(counts.get(harm, 0))
        one, many = HARM_WORDS[harm]
        words.append(f"{n} {one if n == 1 else many}")
    return ", ".join(words)


def harm_sentence(counts: dict[str, int]) -> str:
    """How many failed scenarios fall in each harm class, as a headline says it."""
    return f"Failed scenarios by harm: {harm_words(counts)}."


def _clause_entry(verdict: ClauseVerdict) -> dict[str, Any]:
    """A clause as the report gives it: an unchecked pack's clause is "not checked"."""
    entry = asdict(verdict) | {"verdict": verdict.verdict}
    del entry["unchecked"]
    return entry


def exit_code(results: RunResults) -> int:
    """0 when every scenario run passed, 1 when any failed, 4 when none failed but some errored.

    Failures known from a baseline do not count; under ``--strict-baseline`` a stale entry makes
    a run that would pass exit 1.
    """
    if results.count("failed", new_only=True):
        return EXIT_FAILED
    if results.count("errored", new_only=True):
        return EXIT_ERRORED
    if results.strict_baseline and (results.fixed or results.unmatched):
        return EXIT_FAILED
    return EXIT_CONFORMANT


def clause_table(verdicts: list[ClauseVerdict]) -> list[str]:
    """The per-clause table, as lines of text."""
    head = ("clause", "pack", "passed", "failed", "errored", "known", "verdict")
    rows = [
        (v.id, v.pack, str(v.passed), str(v.failed), str(v.errored), str(v.known), v.verdict)
        for v in verdicts
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(w) if 2 <= i <= 5 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [line(head), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]
