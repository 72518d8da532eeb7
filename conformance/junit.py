"""JUnit XML that CI tools read, and the checks on the outputs a run is asked for.

pytest writes ``junit.xml`` from test ids: every scenario would have classname
``conformance.suite`` and an errored scenario would be a ``<failure>``, since pytest's only error
is one outside the call. After pytest has written the file, the kit gives each scenario's test
case the classname ``pack.clause`` and the scenario's title, turns the ``<failure>`` of an
errored scenario into an ``<error>`` (with the suite's counts to match), and relies on the
properties ``conformance.id``, ``conformance.outcome`` and ``conformance.clauses`` that it
recorded on each item (see :func:`junit_properties`) to tell which test case is which. A failed
scenario's test case also carries ``conformance.harm``, its harm class, and each suite carries the
counts of failed scenarios by harm class in all, per pack and per clause (:func:`harm_properties`).
In a parallel run (``-n``) the process that writes the file holds no results: each test case then
takes its names and outcome from the properties ``conformance.pack``, ``conformance.clause``
and ``conformance.title`` that its worker recorded.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from .engine_text import flatten
from .errors import KitError
from .grading import HARM_CLASSES
from .options import OUTPUTS, PREFIX
from .outputs import write_text
from .results import RunResults, ScenarioResult, harm_counts

__all__ = [
    "check_parallel",
    "harm_properties",
    "junit_properties",
    "output_paths",
    "rewrite_junit",
]


def junit_properties(result: ScenarioResult) -> list[tuple[str, str]]:
    """The properties every scenario's test case carries in ``junit.xml``."""
    return [
        ("conformance.id", result.id),
        ("conformance.outcome", result.outcome),
        ("conformance.clauses", " ".join(result.clauses)),
        *([("conformance.harm", result.harm)] if result.harm else []),
        ("conformance.pack", result.pack),
        ("conformance.clause", result.clause),
        ("conformance.title", flatten(result.name)),
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


def _add_suite_properties(suite: ElementTree.Element, properties: list[tuple[str, str]]) -> None:
    # A suite's <properties> comes before its test cases.
    holder = suite.find("properties")
    if holder is None:
        holder = ElementTree.Element("properties")
        suite.insert(0, holder)
    for name, value in properties:
        ElementTree.SubElement(holder, "property", {"name": name, "value": value})


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


def rewrite_junit(path: Path, results: RunResults | None) -> None:
    """Give each scenario's test case its clause and title, and errored scenarios an error.

    ``results`` None (the controller of a parallel run): from each test case's own properties.
    """
    by_id = {s.id: s for s in results.scenarios} if results is not None else {}
    try:
        # pytest wrote it a moment ago, escaping what the engine said: no DTD, no entities.
        tree = ElementTree.parse(path)  # noqa: S314
    except (OSError, ElementTree.ParseError):
        return
    root = tree.getroot()
    for suite in root.iter("testsuite"):
        _add_suite_properties(suite, harm_properties(results))
        moved = 0
        for case in suite.iter("testcase"):
            properties = {
                p.get("name"): p.get("value") for p in case.iter("property") if p.get("name")
            }
            result = by_id.get(properties.get("conformance.id") or "")
            outcome: str
            if result is not None:
                pack, clause, title = result.pack, result.clause, result.name
                outcome = result.outcome
            elif results is None and properties.get("conformance.title"):
                pack = properties.get("conformance.pack") or ""
                clause = properties.get("conformance.clause") or ""
                title = properties["conformance.title"] or ""
                outcome = properties.get("conformance.outcome") or ""
            else:
                continue
            case.set("classname", f"{pack}.{clause}")
            case.set("name", flatten(title))
            failure = case.find("failure")
            if outcome == "errored" and failure is not None:
                failure.tag = "error"
                moved += 1
        if moved:
            suite.set("failures", str(int(suite.get("failures", "0")) - moved))
            suite.set("errors", str(int(suite.get("errors", "0")) + moved))
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
    write_text(path, text + "\n")
