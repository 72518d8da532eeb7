"""Step definitions: the policy's language, bound to cases and decisions.

Steps build cases from the named fixtures in ``fixtures/`` and check the engine's decisions
against outcomes written literally in the features. They reach the engine only through the
``engine`` fixture of the conformance plugin, and never import the reference engine.
"""

__all__ = ["MODULES"]

#: The modules that define the steps, as the suite loads them (and lint binds against them).
MODULES = (
    "policy_conformance.steps.requests",
    "policy_conformance.steps.decisions",
    "policy_conformance.steps.contract",
)
