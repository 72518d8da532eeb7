"""The kit's only use of pytest-bdd beyond its public API, kept in one place.

pytest-bdd publishes ``scenario``, ``scenarios`` and the step decorators; two things the kit
needs have no public form: which scenario template a collected test function runs, and the pytest
configuration that ``scenarios()`` is binding into (to register the kit's plugin before the
features' tags are applied). ``tests/test_bdd_private.py`` pins the pytest-bdd range this
module is written for.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import CONFIG_STACK

__all__ = ["SUPPORTED_PYTEST_BDD", "register_while_binding", "template_of"]

#: The pytest-bdd releases whose private names below are known to behave as used here.
SUPPORTED_PYTEST_BDD = (9, 10)


def template_of(item: pytest.Item) -> Any | None:
    """The pytest-bdd scenario template behind a collected item, or None for a plain test."""
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:  # an unhashable test function is no scenario of ours
        return None


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
