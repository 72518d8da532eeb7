"""What pytest loads from the kit in every run of an environment it is installed in.

Only the options, prefixed ``--conformance-`` so that they collide with nothing. The plugin that
drives an engine (:mod:`policy_conformance.plugin`) is registered by the kit's suite when pytest
collects it, so a pytest run that does not collect the suite is left exactly as it was.
"""

from __future__ import annotations

import sys
from typing import Any

from .options import declare, parallel_output

__all__ = ["pytest_addoption", "pytest_configure"]


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("conformance", "policy conformance (when the kit's suite is collected)")
    declare(group.addoption, prefixed=True)


def pytest_configure(config: Any) -> None:
    # Further pack roots are known before the suite is collected, which is when packs are read.
    folder = config.getoption("conformance_packs", None)
    if folder:
        from .paths import use_packs

        try:
            use_packs(folder)
        except NotADirectoryError as exc:
            _refuse(str(exc))
    # Refused here, in the process that starts pytest-xdist's workers, so that no worker starts.
    flag = parallel_output(config)
    if flag is not None:
        _refuse(f"{flag} cannot be written by a parallel run (-n): run without -n to write it")


def _refuse(message: str) -> None:
    import pytest

    from .results import EXIT_USAGE

    print(f"conformance: error: {message}", file=sys.stderr)
    pytest.exit(message, returncode=EXIT_USAGE)
