"""What a scenario's run means for the kit: passed, failed (a wrong answer) or errored (no answer).

Also the plain text a vendor reads for a failure: the scenario, its clause and what went wrong,
without the traceback through pytest-bdd and the kit, which says nothing about their engine.
"""

from __future__ import annotations

import json
from typing import Any, Final

import pytest

from policy_conformance.adapters import AdapterError, EngineError
from policy_conformance.adapters.limits import shorten

from .boundary import CheckedEngine, ContractViolation
from .carried import settled
from .collection import (
    clauses_of,
    expectations,
    feature_in_packs,
    feature_of,
    pack_of,
    requests_pack_of,
    scenario_id,
    scenario_name,
    steps_run,
)
from .corpus import EXPECTED
from .errors import KitError
from .grading import Grade, Mismatch, harm_class, in_order
from .results import Outcome, ScenarioResult

__all__ = [
    "GRADE",
    "POLARITIES",
    "describe",
    "identify",
    "is_engine_fault",
    "kind",
    "plain_failure",
    "scenario_result",
]

POLARITIES = ("applies", "near-miss")

#: A scenario's answers and every mismatch found in them, kept by the steps as they grade.
GRADE: Final = pytest.StashKey[Grade]()


def kind(error: BaseException) -> str:
    """How the kit names an exception from a scenario; empty for an unexpected one."""
    if isinstance(error, ContractViolation):
        return "contract violation"
    if isinstance(error, AssertionError):
        return "wrong decision"
    if isinstance(error, AdapterError):
        return "engine error"
    if isinstance(error, KitError):
        return "kit error"
    return ""


def is_engine_fault(error: BaseException | None) -> bool:
    """An exception that means the scenario errored rather than failed."""
    return isinstance(error, AdapterError | KitError)


def describe(error: BaseException) -> str:
    return f"{kind(error) or type(error).__name__}: {error}"


def plain_failure(item: pytest.Item, template: Any, error: BaseException) -> str:
    where = f"{feature_of(template)}:{template.line_number}"
    readings = sorted({m.args[0] for m in item.iter_markers("reading")})
    confirms = f"Confirms reading: {', '.join(readings)}\n" if readings else ""
    return (
        f"Scenario: {scenario_name(item, template)} ({where})\n"
        f"Clause: {', '.join(clauses_of(item))}\n{confirms}{describe(error)}"
    )


#: The most of a case or a decision a report keeps, as JSON text; the rest is cut with a note.
MAX_EXCHANGED_CHARS = 64 * 1024
#: The most of an engine's own output (a traceback, its stderr) a report keeps.
MAX_DETAIL_CHARS = 16 * 1024


def bounded(data: Any) -> tuple[dict[str, Any] | None, bool]:
    """``data`` as a report keeps it, and whether it had to be cut."""
    if data is None:
        return None, False
    text = json.dumps(data, ensure_ascii=False, default=str)
    if len(text) <= MAX_EXCHANGED_CHARS:
        return json.loads(text), False
    return {"truncated": True, "bytes": len(text), "head": text[:MAX_EXCHANGED_CHARS]}, True


def identify(item: pytest.Item, template: Any) -> tuple[str, list[str]]:
    """A scenario's stable id and its expectations, from its steps as run."""
    steps = steps_run(item, template)
    clauses = clauses_of(item)
    requests = requests_pack_of(item, template)
    clause = clauses[0] if clauses else ""
    return scenario_id(pack_of(template), clause, steps, requests), expectations(steps)


def scenario_result(
    item: pytest.Item,
    template: Any,
    report: pytest.TestReport,
    error: BaseException | None,
    known_failures: set[str],
    engine: CheckedEngine | None,
    identity: tuple[str, list[str]],
) -> ScenarioResult:
    """One scenario's result, from its pytest report, the exception it raised, if any, and the
    last case and answer that crossed the engine's boundary."""
    outcome: Outcome
    if report.skipped:
        outcome = "skipped"
    elif report.passed:
        outcome = "passed"
    else:
        outcome = "errored" if is_engine_fault(error) else "failed"
    outcome, not_gradable = settled(item, outcome)
    message = detail = ""
    if isinstance(error, EngineError):
        # The engine's own output goes to ``detail``: the report keeps it, the summary does not.
        message = f"{kind(error)}: {error.adapter}: {error.reason}"
        detail = shorten(error.detail, MAX_DETAIL_CHARS, keep_end=True)
    elif outcome in ("failed", "errored"):
        message = describe(error) if error is not None else str(report.longrepr)
    identifier, expected = identity
    grade = item.stash.get(GRADE, None) or Grade()
    # The answer graded: the first with a mismatch, or the one the engine broke the contract or
    # crashed on (the last sent, which the steps never got to keep).
    broke_off = error is not None and not grade.mismatches
    shown = grade.shown
    number: int | None = None
    sent: dict[str, Any] | None
    kind_of_reply: str | None
    body: dict[str, Any] | None
    if shown is not None and not broke_off:
        sent, kind_of_reply, body = shown.case, shown.kind, shown.body
        number = grade.answers.index(shown) + 1
    else:
        sent = engine.last_case if engine is not None else None
        answer = engine.last_answer if engine is not None else None
        kind_of_reply, body = (answer.kind, answer.body) if answer is not None else (None, None)
        kept = bool(grade.answers) and answer is not None and grade.answers[-1].body is answer.body
        number = len(grade.answers) + (0 if kept else 1) if sent is not None else None
    case, case_cut = bounded(sent)
    decision, decision_cut = bounded(body)
    harm = None
    if outcome == "failed":
        broken = grade.contract_broken or isinstance(error, ContractViolation)
        expected_fields = item.stash.get(EXPECTED, {})
        harm = harm_class(expected_fields, kind_of_reply, body, contract_broken=broken)
    clauses = clauses_of(item)
    return ScenarioResult(
        id=identifier,
        known=outcome in ("failed", "errored") and identifier in known_failures,
        name=scenario_name(item, template),
        feature=feature_in_packs(template),
        line=template.line_number,
        pack=pack_of(template),
        clause=clauses[0] if clauses else "",
        clauses=clauses,
        readings=sorted({m.args[0] for m in item.iter_markers("reading")}),
        polarity=next((p for p in POLARITIES if item.get_closest_marker(p)), None),
        outcome=outcome,
        expectations=expected,
        case=case,
        decision=decision,
        reply=kind_of_reply,
        answer=number,
        answers=max(len(grade.answers), number or 0),
        harm=harm,
        mismatches=[_mismatch_entry(m) for m in in_order(grade.mismatches)]
        if outcome == "failed"
        else [],
        truncated=[name for name, cut in (("case", case_cut), ("decision", decision_cut)) if cut],
        message=shorten(message, MAX_DETAIL_CHARS),
        detail=detail,
        duration=round(report.duration, 6),
        not_gradable=not_gradable,
    )


#: The most of an expected or an answered value a mismatch entry keeps, as text.
MAX_VALUE_CHARS = 2 * 1024


def _mismatch_entry(found: Mismatch) -> dict[str, Any]:
    """A mismatch as the report keeps it: the values as the failure message words them."""
    return {
        "field": found.field,
        "what": found.what,
        "expected": shorten(repr(found.expected), MAX_VALUE_CHARS),
        "actual": shorten(repr(found.actual), MAX_VALUE_CHARS),
        "clause": found.clause,
        "answer": found.answer,
    }
