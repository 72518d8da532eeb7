"""``conformance lint``: checks the kit itself, so that every scenario can be trusted to bite.

Every feature parses; every step is bound to a step definition; every scenario carries one clause
tag from its pack's catalogue and one polarity (applies or near-miss); every clause has scenarios
of both polarities (or says in the catalogue why it cannot); every reading is confirmed by a
scenario of a clause it lists; scenario names are unique within a feature; every fixture
validates and every fixture a scenario names exists; no later step of a scenario overrides a fact
its fixture's phrase or an earlier step states (:mod:`.overrides`). Each problem is listed with
its file and line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policy_conformance.steps import MODULES as STEP_MODULES

from . import paths
from .bdd_private import GherkinParseError, StepDefinition, parse_feature_text, step_definitions
from .overrides import override_problems
from .packs import Fixture, Pack, Problem, read_fixtures, read_kit_file, read_packs, request_packs
from .phrases import PhrasesError, step_modules
from .projection_lint import projection_problems
from .vocabulary import vocabulary_problems

__all__ = ["STEP_MODULES", "lint", "preflight"]

_CLAUSE, _READING, _POLARITIES = "clause:", "reading:", ("applies", "near-miss")
_FIXTURE_STEP = re.compile(r"^a request for (?P<describes>.+)$")


@dataclass(frozen=True)
class ParsedScenario:
    name: str
    line: int
    tags: set[str]
    #: Each rendering of the scenario (one per Examples row): the steps as (type, text, line).
    renderings: list[list[tuple[str, str, int]]]


@cache
def parse_feature(path: Path) -> tuple[list[ParsedScenario], list[Problem]]:
    """The scenarios of one feature file, or the problem that stops it from being run.

    Read once a process: the run's preflight and ``conformance lint`` both ask for it.
    """
    text, unreadable = read_kit_file(path)
    if text is None:
        return [], [unreadable] if unreadable else []
    try:
        parsed = parse_feature_text(path, text)
    except GherkinParseError as exc:
        return [], [
            Problem(path, f"does not parse: {exc.message} ({exc.line_content.strip()!r})", exc.line)
        ]
    if parsed is None:
        return [], [Problem(path, "holds no Feature: (empty, or only comments)")]
    document, feature = parsed
    problems: list[Problem] = []
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
    if not raw:
        problems.append(Problem(path, "has no scenarios", document.feature.location.line))
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
    """What ``conformance run`` checks before it contacts an engine.

    Everything that would make a verdict wrong or a scenario fail for the kit's sake, not the
    engine's: catalogues and fixtures that do not load, features that cannot be read or parsed,
    a scenario outside its pack's catalogue, a step bound to no step definition, a fixture that
    does not exist. ``conformance lint`` finds these and more.
    """
    return _check(coverage=False)


def lint() -> list[Problem]:
    """Every problem with the kit's packs, features, steps and fixtures."""
    return _check(coverage=True)


def _check(*, coverage: bool) -> list[Problem]:
    packs, problems = read_packs()
    fixtures: dict[str, set[str]] = {}
    loaded: dict[str, dict[str, Fixture]] = {}
    for pack in packs:
        if pack.kind == "policy":
            found, fixture_problems = read_fixtures(pack)
            problems.extend(fixture_problems)
            fixtures[pack.id] = set(found)
            loaded[pack.id] = found
    if not packs and not problems:
        problems.append(Problem(paths.FEATURES, "no pack (no */clauses.yaml) found"))
    try:
        definitions = step_definitions((*STEP_MODULES, *step_modules(packs)))
    except PhrasesError as exc:
        return [*problems, Problem(exc.path, exc.problem)]
    for pack in packs:
        # A pack whose requests come from a pack that did not load has that problem already.
        known = {
            source: fixtures[source] for source in request_packs(pack, packs) if source in fixtures
        }
        problems.extend(_lint_pack(pack, definitions, known, coverage=coverage))
    if coverage:
        scenarios = [
            (path, pack, s.line, s.name, s.renderings)
            for pack in packs
            for path in pack.features
            for s in parse_feature(path)[0]
        ]
        problems.extend(vocabulary_problems(definitions, scenarios))
        problems.extend(projection_problems(packs))
        modules = (*STEP_MODULES, *step_modules(packs))
        for path, pack, _, name, renderings in scenarios:
            if pack.id in loaded:
                problems.extend(override_problems(path, name, renderings, loaded[pack.id], modules))
    return problems


def _lint_pack(
    pack: Pack,
    definitions: list[StepDefinition],
    fixtures: dict[str, set[str]],
    *,
    coverage: bool,
) -> list[Problem]:
    """The pack's problems; with ``coverage``, also the ones that leave a clause under-tested."""
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
            # A scenario without exactly one catalogued clause would count towards no verdict.
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
            problems.extend(_lint_steps(path, scenario, definitions, fixtures))
            if not coverage:
                continue
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
                        continue
                    # A reading is of the clauses it lists: a scenario of another confirms it
                    # under a clause the catalogue does not say it reads.
                    listed = pack.readings[reading].clauses
                    for clause_id in clauses:
                        if clause_id not in listed:
                            problems.append(
                                Problem(
                                    path,
                                    f"{where} confirms reading {reading} under clause "
                                    f"{clause_id}, which the reading's clauses in "
                                    f"{catalogue.name} do not list ({', '.join(listed)})",
                                    scenario.line,
                                )
                            )
    if coverage:
        problems.extend(_coverage_problems(pack, polarity_seen, readings_seen))
    return problems


def _coverage_problems(
    pack: Pack, polarity_seen: dict[str, set[str]], readings_seen: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    catalogue = pack.directory / "clauses.yaml"
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


#: Whether a step text of a keyword is bound, by the definitions' list: a pack's scenarios
#: repeat their step texts, and trying every definition on every step was most of the preflight.
_BOUND: dict[tuple[int, str, str], tuple[list[StepDefinition], bool]] = {}


def _is_bound(definitions: list[StepDefinition], step_type: str, text: str) -> bool:
    key = (id(definitions), step_type, text)
    known = _BOUND.get(key)
    if known is None or known[0] is not definitions:
        bound = any(d.type in (step_type, None) and d.parser.is_matching(text) for d in definitions)
        # The list is kept with the answer, so that its id cannot be reused by another.
        known = _BOUND[key] = (definitions, bound)
    return known[1]


def _lint_steps(
    path: Path,
    scenario: ParsedScenario,
    definitions: list[StepDefinition],
    fixtures: dict[str, set[str]],
) -> list[Problem]:
    problems: list[Problem] = []
    reported: set[int] = set()
    for steps in scenario.renderings:
        for step_type, text, line in steps:
            if line in reported:
                continue
            if not _is_bound(definitions, step_type, text):
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
                lacking = [source for source, known in fixtures.items() if describes not in known]
                if lacking:
                    reported.add(line)
                    # A policy pack's own scenarios need no pack name; a contract's name each.
                    where = (
                        "" if lacking == [path.parent.name] else f" of pack {', '.join(lacking)}"
                    )
                    problems.append(
                        Problem(path, f"no fixture{where} describes {match['describes']!r}", line)
                    )
    return problems
