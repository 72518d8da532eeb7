"""The pytest-bdd internals in ``conformance/bdd_private.py`` still work, in the pinned range."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from policy_conformance import bdd_private
from policy_conformance.steps import MODULES
from tests.kit import KIT_ROOT, LIMIT, run_environment


def test_the_installed_pytest_bdd_is_in_the_supported_range() -> None:
    assert version("pytest-bdd") in SpecifierSet(bdd_private.SUPPORTED_PYTEST_BDD)


def test_the_package_requires_exactly_the_supported_range() -> None:
    project = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())["project"]
    required = [Requirement(r) for r in project["dependencies"]]
    (bdd,) = [r for r in required if r.name == "pytest-bdd"]
    assert bdd.specifier == SpecifierSet(bdd_private.SUPPORTED_PYTEST_BDD)


def test_the_kit_steps_are_found_and_match_by_keyword() -> None:
    definitions = bdd_private.step_definitions(MODULES)

    def bound(keyword: str, text: str) -> bool:
        return any(d.type in (keyword, None) and d.parser.is_matching(text) for d in definitions)

    assert bound("when", "the engine decides the request")
    assert not bound("given", "the engine decides the request")
    assert not bound("when", "the engine rules")


def test_a_feature_is_parsed_from_its_text_with_outlines_rendered(tmp_path: Path) -> None:
    text = (
        "Feature: Parsing\n"
        "  @clause:X\n"
        "  Rule: One\n"
        "    Scenario Outline: Two <n>\n"
        "      Given <n> things\n"
        "      Examples:\n"
        "        | n |\n"
        "        | 1 |\n"
        "        | 2 |\n"
    )
    parsed = bdd_private.parse_feature_text(tmp_path / "p.feature", text)
    assert parsed is not None
    document, feature = parsed
    (template,) = feature.scenarios.values()
    assert template.rule.tags == {"clause:X"}
    rendered = [
        [s.name for s in template.render(c).steps]
        for examples in template.examples
        for c in examples.as_contexts()
    ]
    assert rendered == [["1 things"], ["2 things"]]
    assert document.feature.children[0].rule is not None


def test_text_without_a_feature_and_text_that_is_not_gherkin() -> None:
    assert bdd_private.parse_feature_text(Path("e.feature"), "# only a comment\n") is None
    try:
        bdd_private.parse_feature_text(
            Path("b.feature"), "Feature: x\n  Scenario: y\n    Given a\n    Whan z\n"
        )
    except bdd_private.GherkinParseError as exc:
        assert exc.line == 4
    else:
        raise AssertionError("text that is not Gherkin parsed")


def test_the_plugin_s_private_names_still_mean_what_the_kit_reads_from_them() -> None:
    from pytest_bdd.scenario import scenario_wrapper_template_registry
    from pytest_bdd.utils import CONFIG_STACK

    assert isinstance(CONFIG_STACK, list)
    assert hasattr(scenario_wrapper_template_registry, "get")


def test_a_feature_parsed_for_the_preflight_is_the_one_pytest_bdd_binds(tmp_path: Path) -> None:
    from pytest_bdd.feature import get_feature

    path = tmp_path / "once.feature"
    text = "Feature: Once\n  Scenario: Parsed once\n    Given a request\n"
    path.write_text(text)
    parsed = bdd_private.parse_feature_text(path, text)
    assert parsed is not None
    # pytest-bdd would read the file again were its cache not holding this very feature.
    path.write_text("not Gherkin at all")
    assert get_feature(str(tmp_path), "once.feature") is parsed[1]


def test_the_memoised_step_lookup_finds_what_pytest_bdd_finds_and_looks_once(
    tmp_path: Path,
) -> None:
    scenarios = "".join(
        f"  Scenario: S{n}\n    Given a basket\n    Then it holds 2\n" for n in range(3)
    )
    (tmp_path / "steps.feature").write_text("Feature: F\n" + scenarios)
    (tmp_path / "test_steps.py").write_text(
        textwrap.dedent(
            """
        from pytest_bdd import given, parsers, scenarios, then
        from pytest_bdd import scenario as _
        import importlib

        from policy_conformance.bdd_private import memoise_step_lookup

        module = importlib.import_module("pytest_bdd.scenario")
        original = module.find_fixturedefs_for_step
        calls = []

        def counting(step, fixturemanager, node):
            calls.append(step.name)
            return original(step, fixturemanager, node)

        module.find_fixturedefs_for_step = counting
        memoise_step_lookup()
        scenarios("steps.feature")

        @given("a basket", target_fixture="basket")
        def _():
            return [1, 2]

        @then(parsers.parse("it holds {count:d}"))
        def _(basket, count):
            assert len(basket) == count

        def test_each_text_was_looked_up_once():
            assert sorted(calls) == ["a basket", "it holds 2"]
        """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=run_environment(),
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "4 passed" in done.stdout, done.stdout[-3000:]
