"""``conformance lint``: checks the kit itself, so that every scenario can be trusted to bite.

Every feature parses; every step is bound to a step definition; every scenario carries one clause
tag from its pack's catalogue and one polarity (applies or near-miss); every clause has scenarios
of both polarities (or says in the catalogue why it cannot); every reading is confirmed by a
scenario; scenario names are unique within a feature; every fixture validates and every fixture a
scenario names exists. Each problem is listed with its file and line.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.gherkin_parser import get_gherkin_document
from pytest_bdd.parser import FeatureParser
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

from . import paths
from .packs import Pack, Problem, read_fixtures, read_packs
from .vocabulary import vocabulary_problems

__all__ = ["STEP_MODULES", "lint", "preflight"]

#: The modules that define the kit's steps, as the suite loads them.
from policy_conformance.steps import MODULES as STEP_MODULES

_CLAUSE, _READING, _POLARITIES = "clause:", "reading:", ("applies", "near-miss")
_FIXTURE_STEP = re.compile(r"^a request for (?P<describes>.+)$")


@dataclass(frozen=True)
class ParsedScenario:
    name: str
    line: int
    tags: set[str]
    #: Each rendering of the scenario (one per Examples row): the steps as (type, text, line).
    renderings: list[list[tuple[str, str, int]]]


def parse_feature(path: Path) -> tuple[list[ParsedScenario], list[Problem]]:
    """The scenarios of one feature file, or the problem that stops it from parsing."""
    problems: list[Problem] = []
    try:
        document = get_gherkin_document(str(path))
        feature = FeatureParser(str(path.parent), path.name).parse()
    except GherkinParseError as exc:
        return [], [
            Problem(path, f"does not parse: {exc.message} ({exc.line_content.strip()!r})", exc.line)
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(path, f"cannot be read: {exc}")]
    # pytest-bdd keeps scenarios by name, so a second scenario of the same name would vanish.
    raw = [(s.name, s.location.line) for s in _raw_scenarios(document)]
    for name, count in Counter(n for n, _ in raw).items():
        if count > 1:
            lines = [line for n, line in raw if n == name]
            problems.append(
                Problem(
                    path,
                    f"scenario name {name!r} is used {count} times "
                    f"(lines {', '.join(map(str, lines))}); pytest-bdd "
                    "would run only one",
                    lines[-1],
                )
            )
    scenarios = []
    for template in feature.scenarios.values():
        rule_tags = template.rule.tags if template.rule else set()
        contexts = [c for examples in template.examples for c in examples.as_contexts()] or [{}]
        renderings = [
            [(s.type, s.name, s.line_number) for s in template.render(c).steps] for c in contexts
        ]
        scenarios.append(
            ParsedScenario(
                template.name,
                template.line_number,
                template.tags | rule_tags | feature.tags,
                renderings,
            )
        )
    return scenarios, problems


def _raw_scenarios(document: Any) -> Iterable[Any]:
    for child in document.feature.children:
        if child.scenario:
            yield child.scenario
        if child.rule:
            for inner in child.rule.children:
                if inner.scenario:
                    yield inner.scenario


def preflight() -> list[Problem]:
    """The quick checks ``conformance run`` makes before it starts an engine."""
    packs, problems = read_packs()
    for pack in packs:
        for path in pack.features:
            problems.extend(parse_feature(path)[1])
    problems.extend(read_fixtures()[1])
    if not packs and not problems:
        problems.append(Problem(paths.FEATURES, "no pack (no */clauses.yaml) found"))
    return problems


def _step_definitions() -> list[StepFunctionContext]:
    for module in STEP_MODULES:
        importlib.import_module(module)
    return list(step_function_context_registry.values())


def lint() -> list[Problem]:
    """Every problem with the kit's packs, features, steps and fixtures."""
    packs, problems = read_packs()
    fixtures, fixture_problems = read_fixtures()
    problems.extend(fixture_problems)
    definitions = _step_definitions()
    for pack in packs:
        problems.extend(_lint_pack(pack, definitions, set(fixtures)))
    scenarios = [
        (path, pack, s.line, s.name, s.renderings)
        for pack in packs
        for path in pack.features
        for s in parse_feature(path)[0]
    ]
    problems.extend(vocabulary_problems(definitions, scenarios))
    return problems


def _lint_pack(
    pack: Pack, definitions: list[StepFunctionContext], fixtures: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    polarity_seen: dict[str, set[str]] = defaultdict(set)
    readings_seen: set[str] = set()
    catalogue = pack.directory / "clauses.yaml"
    if not pack.features:
        problems.append(Problem(pack.directory, "pack has no .feature files"))
    for path in pack.features:
        scenarios, found = parse_feature(path)
        problems.extend(found)
        for scenario in scenarios:
            where = f"scenario {scenario.name!r}"
            clauses = sorted(t[len(_CLAUSE) :] for t in scenario.tags if t.startswith(_CLAUSE))
            polarity = sorted(t for t in scenario.tags if t in _POLARITIES)
            if len(clauses) != 1:
                problems.append(
                    Problem(
                        path,
                        f"{where} must carry exactly one @clause: tag (it has {len(clauses)})",
                        scenario.line,
                    )
                )
            for clause_id in clauses:
                if clause_id not in pack.clauses:
                    problems.append(
                        Problem(
                            path,
                            f"{where} names clause {clause_id}, which is not "
                            f"in {catalogue.name} of pack {pack.id}",
                            scenario.line,
                        )
                    )
            if len(polarity) != 1:
                problems.append(
                    Problem(
                        path, f"{where} must be tagged either @applies or @near-miss", scenario.line
                    )
                )
            for clause_id in clauses:
                polarity_seen[clause_id].update(polarity)
            for tag in scenario.tags:
                if tag.startswith(_READING):
                    reading = tag[len(_READING) :]
                    readings_seen.add(reading)
                    if reading not in pack.readings:
                        problems.append(
                            Problem(
                                path,
                                f"{where} names reading {reading}, which is "
                                f"not in {catalogue.name}",
                                scenario.line,
                            )
                        )
            problems.extend(_lint_steps(path, scenario, definitions, fixtures))
    for clause in pack.clauses.values():
        seen = polarity_seen.get(clause.id, set())
        if "applies" not in seen:
            problems.append(Problem(catalogue, f"clause {clause.id} has no @applies scenario"))
        if "near-miss" not in seen and not clause.near_miss_exemption:
            problems.append(
                Problem(
                    catalogue,
                    f"clause {clause.id} has no @near-miss scenario "
                    "(or near_miss: saying why it cannot have one)",
                )
            )
    for reading in pack.readings:
        if reading not in readings_seen:
            problems.append(
                Problem(
                    catalogue,
                    f"reading {reading} is confirmed by no scenario (tag one @reading:{reading})",
                )
            )
    return problems


def _lint_steps(
    path: Path, scenario: ParsedScenario, definitions: list[StepFunctionContext], fixtures: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    reported: set[int] = set()
    for steps in scenario.renderings:
        for step_type, text, line in steps:
            if line in reported:
                continue
            bound = [
                d for d in definitions if d.type in (step_type, None) and d.parser.is_matching(text)
            ]
            if not bound:
                reported.add(line)
                problems.append(
                    Problem(
                        path,
                        f"step is not bound to any step definition: "
                        f"{step_type.capitalize()} {text}",
                        line,
                    )
                )
                continue
            match = _FIXTURE_STEP.match(text)
            if step_type == "given" and match:
                describes = " ".join(match["describes"].lower().split())
                if describes not in fixtures:
                    reported.add(line)
                    problems.append(
                        Problem(path, f"no fixture describes {match['describes']!r}", line)
                    )
    return problems
