"""What pytest loads from the kit in every run of an environment it is installed in.

Only the options, prefixed ``--conformance-`` so that they collide with nothing. The plugin that
drives an engine (:mod:`policy_conformance.plugin`) is registered by the kit's suite when pytest
collects it, so a pytest run that does not collect the suite is left exactly as it was.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from .options import declare, parallel_output, parallel_workers

__all__ = ["pytest_addoption", "pytest_cmdline_main", "pytest_configure", "pytest_sessionfinish"]


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("conformance", "policy conformance (when the kit's suite is collected)")
    declare(group.addoption, prefixed=True)


def pytest_cmdline_main(config: Any) -> int | None:
    # Refused before the session starts, in the process that would start pytest-xdist's
    # workers, so that no worker starts; one line, and pytest's own usage-error status.
    flag = parallel_output(config)
    if flag is None:
        return None
    from .results import EXIT_USAGE

    print(
        f"conformance: error: {flag} cannot be written by a parallel run (-n): "
        "run without -n to write it",
        file=sys.stderr,
    )
    return EXIT_USAGE


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: Any) -> None:
    # The controller of a parallel run holds no results: the JUnit file pytest wrote from the
    # workers' reports takes its names from the properties each worker recorded.
    config = session.config
    junit = config.getoption("xmlpath", None)
    if junit and parallel_workers(config) and not hasattr(config, "workerinput"):
        from pathlib import Path

        from .junit import rewrite_junit

        rewrite_junit(Path(junit), None)


def pytest_configure(config: Any) -> None:
    # Further pack roots are known before the suite is collected, which is when packs are read.
    folder = config.getoption("conformance_packs", None)
    if folder:
        from .paths import use_packs

        try:
            use_packs(folder)
        except NotADirectoryError as exc:
            _refuse(str(exc))


def _refuse(message: str) -> None:
    from .results import EXIT_USAGE

    print(f"conformance: error: {message}", file=sys.stderr)
    pytest.exit(message, returncode=EXIT_USAGE)
