"""Binds every scenario of every policy pack to pytest, with the kit's step definitions.

``conformance run`` collects this module; so does the kit's own test command, which runs the
whole suite against the default engine.
"""

from pytest_bdd import scenarios

from conformance.paths import FEATURES

pytest_plugins = ["steps.requests", "steps.decisions", "steps.contract"]

scenarios(str(FEATURES))
