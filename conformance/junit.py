"""JUnit XML that CI tools read, and the checks on the outputs a run is asked for.

pytest writes ``junit.xml`` from test ids: every scenario would have classname
``conformance.suite``, an errored scenario would be a ``<failure>``, and each test case would
carry ``<properties>``, which the Jenkins xunit schema (``junit-10.xsd``) does not allow there.
After pytest has written the file, the kit rewrites each scenario's test case: classname
``pack.clause``, the scenario's title, an ``<error>`` for an errored scenario (with the suite's
counts to match), ``file``/``line`` at the ``.feature`` (under ``junit_family=xunit1``, the
family that writes them), the scenario's facts as ``key: value`` lines in its ``<system-out>``,
and no absolute path of this machine. The run's facts (kit, contract, engine, adapter, each
pack's verdict) go into the test suite's ``<properties>``, where the schema allows them. The
properties the kit recorded on each item (see :func:`junit_properties`) tell which test case is
which; they are removed once read. A failed scenario's harm class is one of its facts, and each
suite carries the counts of failed scenarios by harm class in all, per pack and per clause
(:func:`harm_properties`). In a parallel run (``-n``) the process that writes the file holds no
results: each test case then takes its names and facts from the properties its worker recorded.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from .engine_text import flatten
from .errors import KitError
from .grading import HARM_CLASSES
from .options import OUTPUTS, PREFIX
from .outputs import write_text
from .packs import Pack
from .reporting import machine_path_scrubber
from .results import RunResults, ScenarioResult, harm_counts

__all__ = [
    "check_parallel",
    "harm_properties",
    "junit_properties",
    "output_paths",
    "rewrite_junit",
    "run_facts",
    "scenario_facts",
]


def junit_properties(result: ScenarioResult) -> list[tuple[str, str]]:
    """What pytest records on each scenario's test case, for the rewrite to read: its title,
    where it stands, and its facts (in a parallel run, the only record of them that reaches the
    process writing the file)."""
    return [
        ("conformance.title", flatten(result.name)),
        ("conformance.file", f"features/{result.feature}"),
        ("conformance.line", str(result.line)),
        *((f"conformance.{key}", value) for key, value in scenario_facts(result)),
    ]


def harm_properties(results: RunResults) -> list[tuple[str, str]]:
    """The suite's counts of failed scenarios by harm class: in all, then per pack and per clause
    that any scenario ran, each as ``wrong-approval=N wrong-denial=N ...``."""

    def counted(scenarios: list[ScenarioResult]) -> str:
        counts = harm_counts(scenarios)
        return " ".join(f"{name}={counts[name]}" for name in HARM_CLASSES)

    everything = results.scenarios
    packs = sorted({s.pack for s in everything})
    clauses = sorted({c for s in everything for c in s.clauses})
    return [
        ("conformance.harm", counted(everything)),
        *(
            (f"conformance.harm.pack.{p}", counted([s for s in everything if s.pack == p]))
            for p in packs
        ),
        *(
            (f"conformance.harm.clause.{c}", counted([s for s in everything if c in s.clauses]))
            for c in clauses
        ),
    ]


def output_paths(config: pytest.Config) -> list[tuple[str, Path | None]]:
    """Every file a run writes, by the option that asked for it (``None`` when not asked)."""

    def path(value: Any) -> Path | None:
        return Path(value) if value else None

    prefix = "" if _short_spellings(config) else PREFIX
    own = [
        (f"--{prefix}{name}", path(config.getoption("conformance_" + name.replace("-", "_"), None)))
        for name in OUTPUTS
    ]
    return [
        *own,
        ("--junitxml", path(config.getoption("xmlpath", None))),
        ("--cucumberjson", path(config.getoption("cucumber_json_path", None))),
    ]


def _short_spellings(config: pytest.Config) -> bool:
    """Whether the user typed ``--report`` (``conformance run``) or ``--conformance-report``."""
    # Not imported at all: this is someone's own pytest, not ``conformance run``.
    run = sys.modules.get("policy_conformance.run")
    return run is not None and any(
        isinstance(plugin, run.RunEntrance) for plugin in config.pluginmanager.get_plugins()
    )


def check_parallel(config: pytest.Config) -> None:
    """Refuse the kit's outputs in a pytest-xdist worker (see ``options.parallel_output``).

    The process that starts the workers refuses ``-n`` already; this catches workers started
    any other way.
    """
    if not hasattr(config, "workerinput"):
        return
    for option, value in output_paths(config)[: len(OUTPUTS)]:
        if value is not None:
            raise KitError(
                f"{option} cannot be written by a parallel run (-n): run without -n to write it"
            )


#: The test suite's name when pytest was left to name it.
_PYTEST_SUITE_NAME = "pytest"


def scenario_facts(result: ScenarioResult) -> list[tuple[str, str]]:
    """What a test case's ``<system-out>`` says of its scenario, one ``key: value`` line each."""
    return [
        ("id", result.id),
        ("pack", result.pack),
        ("clause", result.clause),
        ("clauses", " ".join(result.clauses)),
        ("readings", " ".join(result.readings)),
        ("polarity", result.polarity or ""),
        ("outcome", result.outcome),
        ("harm", result.harm or ""),
        ("feature", f"features/{result.feature}:{result.line}"),
    ]


def run_facts(results: RunResults, packs: Sequence[Pack]) -> list[tuple[str, str]]:
    """The test suite's ``<properties>``: what was run, against what, and each pack's verdict."""
    from policy_conformance import contract

    from . import __version__

    engine = results.engine
    facts = [
        ("conformance.kit", __version__),
        ("conformance.contract", contract.CONTRACT_VERSION),
        # The engine's own words: one line, with nothing XML cannot hold.
        ("conformance.engine", flatten(f"{engine.get('name', '?')} {engine.get('version', '')}")),
        ("conformance.adapter", flatten(results.adapter)),
    ]
    for verdict in results.pack_verdicts(packs):
        facts.append((f"conformance.pack.{verdict.pack.id}", verdict.verdict))
    return facts


def rewrite_junit(path: Path, results: RunResults | None, packs: Sequence[Pack] = ()) -> None:
    """Make pytest's ``junit.xml`` the kit's: valid for Jenkins, in the words of the packs.

    ``results`` None (the controller of a parallel run): from each test case's own properties.
    """
    by_id = {s.id: s for s in results.scenarios} if results is not None else {}
    try:
        # pytest wrote it a moment ago, escaping what the engine said: no DTD, no entities.
        tree = ElementTree.parse(path)  # noqa: S314
    except (OSError, ElementTree.ParseError):
        return
    scrub = machine_path_scrubber()
    root = tree.getroot()
    for suite in root.iter("testsuite"):
        moved = 0
        kit_cases = 0
        for case in suite.findall("testcase"):
            record = _record_of(case, by_id, parallel=results is None)
            if record is None:
                continue
            kit_cases += 1
            moved += _rewrite_case(case, record, scrub)
        if not kit_cases:
            continue
        if moved:
            suite.set("failures", str(int(suite.get("failures", "0")) - moved))
            suite.set("errors", str(int(suite.get("errors", "0")) + moved))
        if suite.get("name") == _PYTEST_SUITE_NAME:
            suite.set("name", "policy-conformance")
        if results is not None:
            _add_suite_properties(suite, run_facts(results, packs) + harm_properties(results))
    if root.get("name") == "pytest tests":
        root.set("name", "policy-conformance")
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
    write_text(path, text + "\n")


#: The scenario facts a test case's ``<system-out>`` lists, in order (see :func:`scenario_facts`).
_FACTS = ("id", "pack", "clause", "clauses", "readings", "polarity", "outcome", "harm", "feature")


def _record_of(
    case: ElementTree.Element, by_id: dict[str, ScenarioResult], *, parallel: bool
) -> dict[str, str] | None:
    """A kit scenario's record by property name: from the run's results where this process holds
    them (they are settled last: a baseline may have made a failure known), else from what its
    worker recorded; None for a test case that is not a scenario."""
    recorded = case.find("properties")
    if recorded is None:
        return None
    properties = {p.get("name") or "": p.get("value") or "" for p in recorded.iter("property")}
    result = by_id.get(properties.get("conformance.id", ""))
    if result is not None:
        return dict(junit_properties(result))
    if parallel and properties.get("conformance.title"):
        return properties
    return None


def _rewrite_case(
    case: ElementTree.Element, record: dict[str, str], scrub: Callable[[str], str]
) -> int:
    """Rewrite one scenario's test case; 1 when its ``<failure>`` became an ``<error>``."""
    recorded = case.find("properties")
    if recorded is not None:
        # junit-10.xsd allows no <properties> in a test case: the facts go to <system-out>.
        case.remove(recorded)
    fact = {key: record.get(f"conformance.{key}", "") for key in _FACTS}
    case.set("classname", f"{fact['pack']}.{fact['clause']}")
    case.set("name", flatten(record.get("conformance.title", "")))
    if "file" in case.attrib:
        case.set("file", record.get("conformance.file", ""))
        case.set("line", record.get("conformance.line", ""))
    moved = 0
    failure = case.find("failure")
    if fact["outcome"] == "errored" and failure is not None:
        failure.tag = "error"
        moved = 1
    for child in case:
        if child.text:
            child.text = scrub(child.text)
        for name, value in child.attrib.items():
            child.set(name, scrub(value))
    facts = "".join(f"{key}: {fact[key]}\n" for key in _FACTS)
    out = case.find("system-out")
    if out is None:
        out = ElementTree.SubElement(case, "system-out")
        out.text = facts
    else:
        out.text = facts + "\n" + (out.text or "")
    return moved


def _add_suite_properties(suite: ElementTree.Element, facts: list[tuple[str, str]]) -> None:
    properties = suite.find("properties")
    if properties is None:
        properties = ElementTree.Element("properties")
        suite.insert(0, properties)
    for name, value in facts:
        ElementTree.SubElement(properties, "property", {"name": name, "value": value})
