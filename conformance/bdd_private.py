"""The kit's only use of pytest-bdd beyond its public API, held in one place.

pytest-bdd's public API (``given``, ``when``, ``then``, ``step``, ``scenario``, ``scenarios``)
runs scenarios but cannot say, without running one, whether a step is bound or what a feature
holds, nor which scenario template a collected test runs. ``conformance lint`` and the run's
preflight use the parser and the step registry below; the plugin uses the template registry and
the configuration that ``scenarios()`` binds into. ``tests/test_bdd_private.py`` pins the
pytest-bdd range this is known to work with; a new pytest-bdd major version is checked there.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from pytest_bdd import feature as _feature_cache
from pytest_bdd.compat import get_fixture_names
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.gherkin_parser import GherkinDocument, handle_gherkin_parser_error
from pytest_bdd.parser import FeatureParser
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, StepNamePrefix, step_function_context_registry
from pytest_bdd.utils import CONFIG_STACK

# The module, not the function of the same name that the package exports.
_scenario_module: Any = importlib.import_module("pytest_bdd.scenario")

__all__ = [
    "SUPPORTED_PYTEST_BDD",
    "GherkinParseError",
    "StepDefinition",
    "given_step",
    "memoise_step_lookup",
    "parse_feature_text",
    "register_while_binding",
    "step_definitions",
    "template_of",
]

#: The pytest-bdd versions whose internals this module is known to match (as in pyproject.toml).
SUPPORTED_PYTEST_BDD = ">=9,<10"


#: A step definition: its keyword (``type``) and ``parser.is_matching(text)``.
StepDefinition = StepFunctionContext


class _TextFeatureParser(FeatureParser):
    """pytest-bdd's feature parser over text already read, so a file is opened only once."""

    def __init__(self, path: Path, document: GherkinDocument) -> None:
        super().__init__(str(path.parent), path.name)
        self._document = document

    def _parse_feature_file(self) -> GherkinDocument:
        return self._document


def parse_feature_text(path: Path, text: str) -> tuple[Any, Any] | None:
    """The Gherkin document and pytest-bdd's feature for ``text``, read from ``path``.

    ``None`` when the text holds no ``Feature:`` at all (an empty file, or only comments).
    Raises :class:`GherkinParseError` (with a line) when the text is not Gherkin.
    """
    try:
        # Typed as always holding a feature; an empty text holds none.
        data: dict[str, Any] = dict(Parser().parse(text))
    except CompositeParserException as exc:
        line = exc.errors[0].location["line"]
        lines = text.splitlines()
        content = lines[line - 1] if 0 < line <= len(lines) else ""
        # pytest-bdd's own wording for the parser's errors, as its collection would report them.
        handle_gherkin_parser_error(exc.args[0], line, content, str(path), exc)
        raise GherkinParseError(
            f"Unknown parsing error: {exc.args[0]}", line, content, str(path)
        ) from exc
    if "feature" not in data:
        return None
    document = GherkinDocument.from_dict(data)
    feature = _TextFeatureParser(path, document).parse()
    # pytest-bdd keeps each feature it parses by absolute path: the run's preflight has parsed
    # this one already, so ``scenarios()`` binds it without parsing it a second time.
    _feature_cache.features[os.path.abspath(path)] = feature
    return document, feature


def step_definitions(modules: Iterable[str]) -> list[StepDefinition]:
    """Every step definition known once ``modules`` are imported."""
    for module in modules:
        importlib.import_module(module)
    return list(step_function_context_registry.values())


def given_step(modules: Iterable[str], text: str) -> tuple[Any, dict[str, Any]] | None:
    """The Given step function that ``text`` binds to among ``modules``, with its arguments.

    ``None`` when no Given step matches. ``conformance fuzz`` builds a case by running the very
    steps it prints, so that a scenario it writes sends the case it found.
    """
    for definition in step_definitions(modules):
        if definition.type == "given" and definition.parser.is_matching(text):
            arguments = dict(definition.parser.parse_arguments(text) or {})
            for name, convert in definition.converters.items():
                arguments[name] = convert(arguments[name])
            return definition.step_func, arguments
    return None


def template_of(item: pytest.Item) -> Any | None:
    """The pytest-bdd scenario template behind a collected item, or None for a plain test."""
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:  # an unhashable test function is no scenario of ours
        return None


_Lookup = Callable[[Any, Any, Any], Iterable[Any]]
#: The prefix of the fixture names pytest-bdd registers step definitions under.
_STEP_DEFINITION = StepNamePrefix.step_def.value


def memoise_step_lookup() -> None:
    """Look each step text up among the step definitions once per test module, not once per step.

    pytest-bdd finds a step's definition by trying every registered fixture's parser on the
    step's text, for every step of every scenario: with the kit's and the packs' phrases that
    was a third of a run. The answer depends only on the text, its keyword, the fixtures
    registered and the module whose scenarios ask (which decides what is visible), so it is kept
    under those; a step definition registered later (a new name) makes it look again.
    """
    original: _Lookup = _scenario_module.find_fixturedefs_for_step
    if getattr(original, "memoised", False):
        return
    found: dict[tuple[int, int, Any, str | None, str], list[Any]] = {}

    def find_fixturedefs_for_step(step: Any, fixturemanager: Any, node: Any) -> list[Any]:
        key = (
            id(fixturemanager),
            sum(name.startswith(_STEP_DEFINITION) for name in get_fixture_names(fixturemanager)),
            node.parent,
            step.type,
            step.name,
        )
        definitions = found.get(key)
        if definitions is None:
            definitions = found[key] = list(original(step, fixturemanager, node))
        return definitions

    find_fixturedefs_for_step.memoised = True  # type: ignore[attr-defined]
    _scenario_module.find_fixturedefs_for_step = find_fixturedefs_for_step


def register_while_binding(plugin: ModuleType, name: str) -> None:
    """Register ``plugin`` with the pytest run that is binding scenarios now, once.

    pytest-bdd applies a feature's tags while ``scenarios()`` runs, at import of the module that
    calls it; ``pytest_plugins`` in that module would be registered only after.
    """
    if not CONFIG_STACK:
        raise RuntimeError("the kit's suite is bound outside a pytest run")
    manager = CONFIG_STACK[-1].pluginmanager
    if manager.get_plugin(name) is None:
        manager.register(plugin, name)
    memoise_step_lookup()
