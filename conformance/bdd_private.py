"""The few pytest-bdd internals the kit's checks need, held in one place.

pytest-bdd's public API (``given``, ``when``, ``then``, ``step``, ``scenario``, ``scenarios``)
runs scenarios but cannot say, without running one, whether a step is bound or what a feature
holds. ``conformance lint`` and the run's preflight need both, so they use the parser and the
step registry below. ``tests/test_bdd_private.py`` pins the pytest-bdd range they are known to
work with; a new pytest-bdd major version is checked there first.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.gherkin_parser import GherkinDocument, handle_gherkin_parser_error
from pytest_bdd.parser import FeatureParser
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

__all__ = [
    "SUPPORTED_PYTEST_BDD",
    "GherkinParseError",
    "StepDefinition",
    "parse_feature_text",
    "step_definitions",
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
    return document, _TextFeatureParser(path, document).parse()


def step_definitions(modules: Iterable[str]) -> list[StepDefinition]:
    """Every step definition known once ``modules`` are imported."""
    for module in modules:
        importlib.import_module(module)
    return list(step_function_context_registry.values())
