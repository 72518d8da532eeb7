"""Lint check that a scenario reads true: no later step takes back what an earlier one states.

A scenario starts from a fixture whose phrase asserts facts ("a request for an adult with
refractory ... ALL"); the fixture lists them (``states``: case paths, or ``age`` for the member's
age group). A later Given step that changes one of them, or changes a fact an earlier Given step
set, makes the scenario say one thing and test another: policy staff read a contradiction. The
steps are run as the suite runs them, on the fixture's case, and each change is compared.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .bdd_private import given_step
from .errors import KitError
from .packs import Fixture, Problem

__all__ = ["age_group", "override_problems"]

_FIXTURE_STEP = re.compile(r"^a request for (?P<describes>.+)$")
_AGE = "age"
#: Age groups the fixtures' phrases name, by the first year of age each starts at.
_AGE_GROUPS = ((18, "an adult"), (1, "a child"), (0, "an infant"))
_ABSENT = object()

Case = dict[str, Any]
Step = tuple[str, str, int]


def age_group(case: Case) -> str | None:
    """The age group of the member on the date of service, as fixtures' phrases name it."""
    try:
        born = dt.date.fromisoformat(case["member"]["birth_date"])
        service = dt.date.fromisoformat(case["date_of_service"])
    except (KeyError, TypeError, ValueError):
        return None
    years = service.year - born.year - ((service.month, service.day) < (born.month, born.day))
    if years < 0:
        return "not yet born"
    return next(group for start, group in _AGE_GROUPS if years >= start)


def override_problems(
    path: Path,
    name: str,
    renderings: Iterable[list[Step]],
    fixtures: dict[str, Fixture],
    modules: tuple[str, ...],
) -> list[Problem]:
    """The steps of one scenario that override a fact its fixture's phrase or a step states."""
    problems: list[Problem] = []
    reported: set[int] = set()
    for steps in renderings:
        for problem in _rendering(path, name, steps, fixtures, modules):
            if problem.line not in reported:
                reported.add(problem.line or 0)
                problems.append(problem)
    return problems


def _rendering(
    path: Path, name: str, steps: list[Step], fixtures: dict[str, Fixture], modules: tuple[str, ...]
) -> list[Problem]:
    given = [(text, line) for step_type, text, line in steps if step_type == "given"]
    if not given or not (match := _FIXTURE_STEP.match(given[0][0])):
        return []
    fixture = fixtures.get(" ".join(match["describes"].lower().split()))
    if fixture is None:
        return []
    case = fixture.fresh_case()
    stated = {fact: _stated(case, fact) for fact in fixture.states}
    set_at: dict[str, tuple[str, int]] = {}
    last_change: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    phrase = f"'Given {given[0][0]}'"
    for text, line in given[1:]:
        before = copy.deepcopy(case)
        found = given_step(modules, text)
        if found is None:
            return problems  # an unbound step has its own problem
        function, arguments = found
        try:
            function(case=case, **arguments)
        except (KitError, KeyError, TypeError, ValueError):
            return problems  # a step the fixture cannot take is reported by a run
        changed = _changed(before, case)
        for fact in stated:
            if _touches(fact, before, case, changed):
                last_change[fact] = (text, line)
        for fact in changed:
            if fact in set_at and fact not in fixture.states:
                earlier, at = set_at[fact]
                problems.append(
                    Problem(
                        path,
                        f"scenario {name!r}: step {text!r} overrides {_fact_words(fact)}, "
                        f"which the step at line {at} ({earlier!r}) states",
                        line,
                    )
                )
            set_at[fact] = (text, line)
    # A stated fact is judged once every Given step has run: a birth date and a date of service
    # given one after the other may pass through another age on the way.
    for fact, value in stated.items():
        if fact in last_change and _stated(case, fact) != value:
            text, line = last_change[fact]
            problems.append(
                Problem(
                    path,
                    f"scenario {name!r}: step {text!r} overrides {_fact_words(fact)}, "
                    f"which {phrase} states",
                    line,
                )
            )
    return problems


def _touches(fact: str, before: Case, after: Case, changed: set[str]) -> bool:
    """Whether a step changed a stated fact (the age group, or the value at or below a path)."""
    if fact == _AGE:
        return age_group(before) != age_group(after)
    return any(c == fact or c.startswith(fact + ".") for c in changed)


def _stated(case: Case, fact: str) -> Any:
    if fact == _AGE:
        return age_group(case)
    value: Any = case
    for key in fact.split("."):
        if not isinstance(value, dict) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _fact_words(fact: str) -> str:
    return "the member's age group" if fact == _AGE else fact.rpartition(".")[2].replace("_", " ")


def _changed(before: Any, after: Any, prefix: str = "") -> set[str]:
    """The paths whose value differs; a list that only grew is added to, not changed."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: set[str] = set()
        for key in before.keys() | after.keys():
            here = f"{prefix}.{key}" if prefix else str(key)
            if key not in after:  # withdrawn
                found.add(here)
            elif key not in before:
                found |= _changed({}, after[key], here) if isinstance(after[key], dict) else {here}
            else:
                found |= _changed(before[key], after[key], here)
        return found
    if isinstance(before, list) and isinstance(after, list) and after[: len(before)] == before:
        return set()
    return {prefix} if before != after else set()
