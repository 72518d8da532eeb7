"""What pytest loads from the kit in every run of an environment it is installed in.

Only the options, prefixed ``--conformance-`` so that they collide with nothing. The plugin that
drives an engine (:mod:`policy_conformance.plugin`) is registered by the kit's suite when pytest
collects it, so a pytest run that does not collect the suite is left exactly as it was.
"""

from __future__ import annotations

from typing import Any

from .options import declare

__all__ = ["pytest_addoption"]


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("conformance", "policy conformance (when the kit's suite is collected)")
    declare(group.addoption, prefixed=True)
