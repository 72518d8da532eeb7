"""Lint checks on the features' vocabulary, so that every phrase and every graded field bites.

A step phrase that no scenario uses, or a missing-fact name that no scenario expects, is a part
of the contract the suite never grades. A deciding scenario that leaves out the outcome, the
determination, the clause set or (when pended) the missing facts lets an engine get that field
wrong unnoticed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from pathlib import Path

from policy_conformance.steps.language import missing_fact_phrases, phrase_list

from .bdd_private import StepDefinition
from .packs import Pack, Problem

__all__ = ["vocabulary_problems"]

#: The kit's shared phrases and every pack's own (see ``policy_conformance.phrases``).
_STEPS_PACKAGES = ("policy_conformance.steps", "policy_conformance_pack_steps")
_DECIDES = "the engine decides the request"
_PENDED = "the request is pended for more information"
_MISSING = re.compile(r"^the missing facts are (?P<facts>.+)$")

#: What every deciding scenario of a policy pack states, each as the start of a Then step.
_GRADED_FIELDS = {
    "the outcome": ("the request is ",),
    "the determination (or that none is made)": (
        "the determination is ",
        "no determination is made",
    ),
    "the exact clauses it rests on": ("the decision rests on clause",),
}


def vocabulary_problems(
    definitions: list[StepDefinition],
    scenarios: Iterable[tuple[Path, Pack, int, str, list[list[tuple[str, str, int]]]]],
) -> list[Problem]:
    """Unused step phrases, unexpected missing-fact names and under-graded scenarios.

    ``scenarios`` gives, for every scenario of every pack: its feature file, its pack, its line,
    its name and its renderings (one list of ``(type, text, line)`` steps per Examples row).
    """
    # Only the kit's own phrases: a vendor's pytest session may register steps of its own.
    definitions = [d for d in definitions if d.step_func.__module__.startswith(_STEPS_PACKAGES)]
    problems: list[Problem] = []
    used: set[int] = set()
    expected_facts: set[tuple[str, str]] = set()
    policies: dict[str, Pack] = {}
    for path, pack, line, name, renderings in scenarios:
        for steps in renderings:
            for step_type, text, _ in steps:
                used.update(
                    index
                    for index, definition in enumerate(definitions)
                    if definition.type in (step_type, None) and definition.parser.is_matching(text)
                )
                match = _MISSING.match(text)
                if step_type == "then" and match:
                    words = missing_fact_phrases(pack)
                    expected_facts.update(
                        (pack.policy_of_requests, words.get(" ".join(phrase.lower().split()), ""))
                        for phrase in phrase_list(match["facts"])
                    )
            if pack.kind == "policy":
                policies[pack.id] = pack
                problems.extend(_graded_fields(path, line, name, steps))
    for index, definition in enumerate(definitions):
        if index not in used:
            problems.append(_unused(definition))
    for policy in policies.values():
        for fact in policy.missing_facts:
            if (policy.id, fact) in expected_facts:
                continue
            problems.append(
                Problem(
                    policy.directory / "facts.schema.json",
                    f"missing fact {fact!r} is expected by no scenario "
                    "(name it in some 'Then the missing facts are ...')",
                )
            )
    return problems


def _graded_fields(
    path: Path, line: int, name: str, steps: list[tuple[str, str, int]]
) -> list[Problem]:
    texts = [text for step_type, text, _ in steps if step_type == "then"]
    if not any(text == _DECIDES for step_type, text, _ in steps if step_type == "when"):
        return []
    wanted = dict(_GRADED_FIELDS)
    if _PENDED in texts:
        wanted["the exact missing facts"] = ("the missing facts are ",)
    missing = [
        field
        for field, starts in wanted.items()
        if not any(text.startswith(starts) for text in texts)
    ]
    if not missing:
        return []
    return [
        Problem(path, f"scenario {name!r} decides but does not state {', '.join(missing)}", line)
    ]


def _unused(definition: StepDefinition) -> Problem:
    function = inspect.unwrap(definition.step_func)
    source = Path(inspect.getsourcefile(function) or "<unknown>")
    first_line = inspect.getsourcelines(function)[1]
    phrase = getattr(definition.parser, "name", str(definition.parser))
    return Problem(source, f"step phrase {phrase!r} is used by no scenario", first_line)
