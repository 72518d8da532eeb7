"""Binds every scenario of every policy pack to pytest, with the kit's step definitions.

``conformance run`` collects this module; the kit's own test command collects it through
``tests/test_policy_packs.py``, which runs the whole suite against the default engine.
"""

from pytest_bdd import scenarios

from policy_conformance.paths import FEATURES
from policy_conformance.steps import MODULES

pytest_plugins = list(MODULES)

scenarios(str(FEATURES))
