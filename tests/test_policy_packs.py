"""The whole scenario suite of every policy pack, against the default engine."""

from policy_conformance.suite import *  # noqa: F403 (the suite's scenarios and step plugins)
