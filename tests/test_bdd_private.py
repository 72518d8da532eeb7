"""The pytest-bdd range the kit's one private use of pytest-bdd is written for."""

from __future__ import annotations

from importlib.metadata import version

from policy_conformance import bdd


def test_the_installed_pytest_bdd_is_in_the_supported_range() -> None:
    major = int(version("pytest-bdd").split(".")[0])
    low, high = bdd.SUPPORTED_PYTEST_BDD
    assert low <= major < high, (
        f"pytest-bdd {version('pytest-bdd')}: check policy_conformance/bdd.py against it, "
        "then widen SUPPORTED_PYTEST_BDD and the dependency in pyproject.toml together"
    )


def test_the_supported_range_is_the_declared_dependency() -> None:
    from importlib.metadata import requires

    [declared] = [r for r in requires("policy-conformance") or [] if r.startswith("pytest-bdd")]
    low, high = bdd.SUPPORTED_PYTEST_BDD
    bounds = set(declared.removeprefix("pytest-bdd").replace(" ", "").split(","))
    assert bounds == {f">={low}", f"<{high}"}


def test_the_private_names_still_mean_what_the_kit_reads_from_them() -> None:
    from pytest_bdd.scenario import scenario_wrapper_template_registry
    from pytest_bdd.utils import CONFIG_STACK

    assert isinstance(CONFIG_STACK, list)
    assert hasattr(scenario_wrapper_template_registry, "get")
