"""What a scenario's run means for the kit: passed, failed (a wrong answer) or errored (no answer).

Also the plain text a vendor reads for a failure: the scenario, its clause and what went wrong,
without the traceback through pytest-bdd and the kit, which says nothing about their engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from policy_conformance.adapters import AdapterError

from .boundary import ContractViolation
from .collection import clauses_of, feature_of, scenario_key, scenario_name
from .errors import KitError
from .results import Outcome, ScenarioResult

__all__ = ["POLARITIES", "describe", "is_engine_fault", "kind", "plain_failure", "scenario_result"]

POLARITIES = ("applies", "near-miss")


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
    return (
        f"Scenario: {scenario_name(item, template)} ({where})\n"
        f"Clause: {', '.join(clauses_of(item))}\n{describe(error)}"
    )


def scenario_result(
    item: pytest.Item,
    template: Any,
    report: pytest.TestReport,
    error: BaseException | None,
    known_failures: set[str],
) -> ScenarioResult:
    """One scenario's result, from its pytest report and the exception it raised, if any."""
    outcome: Outcome
    if report.skipped:
        outcome = "skipped"
    elif report.passed:
        outcome = "passed"
    else:
        outcome = "errored" if is_engine_fault(error) else "failed"
    message = ""
    if outcome in ("failed", "errored"):
        message = describe(error) if error is not None else str(report.longrepr)
    key = scenario_key(item, template)
    return ScenarioResult(
        nodeid=item.nodeid,
        key=key,
        known=outcome in ("failed", "errored") and key in known_failures,
        name=scenario_name(item, template),
        feature=feature_of(template),
        line=template.line_number,
        clauses=clauses_of(item),
        readings=sorted({m.args[0] for m in item.iter_markers("reading")}),
        polarity=next((p for p in POLARITIES if item.get_closest_marker(p)), None),
        outcome=outcome,
        message=message,
        duration=round(report.duration, 6),
    )
