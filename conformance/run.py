"""``conformance run``: check the kit's own files and the options, then hand the run to pytest.

The user's arguments reach pytest unchanged: the kit's options under their short spellings
(``--adapter``) are declared to pytest as aliases of the prefixed ones the plugin reads, and
everything else is pytest's. The plugin opens the engine and sets the exit code itself.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import shlex
import sys
from collections.abc import Sequence

import pytest

from . import paths
from .baseline import load_baseline
from .errors import KitError
from .lint import preflight
from .options import declare, flags
from .outputs import check_outputs
from .packs import check_clause_ids, check_pack_ids
from .results import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE

__all__ = ["RunEntrance", "run"]

SUITE = paths.PACKAGE / "suite.py"
RUN_INI = paths.PACKAGE / "run.ini"
SESSION = "policy-conformance-session"

#: The pytest plugins a run loads: pytest-bdd and the kit's options. The environment's other
#: plugins are not loaded (each costs start-up time and may act on the scenarios); a user loads
#: one by naming it (``-p NAME``) or in ``PYTEST_PLUGINS``.
PLUGINS = (
    "--disable-plugin-autoload",
    "-p",
    "pytest_bdd.plugin",
    "-p",
    "policy_conformance.pytest_entry",
)

#: pytest's own endings, before the kit's session could decide, as the kit's documented codes.
_PYTEST_ENDINGS: dict[int, int] = {
    pytest.ExitCode.INTERRUPTED: EXIT_INTERRUPTED,
    pytest.ExitCode.INTERNAL_ERROR: EXIT_INTERNAL,
}


class RunEntrance:
    """Handed to ``pytest.main`` by ``conformance run``: the short spellings of the options."""

    def __init__(self) -> None:
        self.kit_decided = False

    def pytest_addoption(self, parser: pytest.Parser) -> None:
        declare(parser.getgroup("conformance").addoption, prefixed=False)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Whether the kit's session set the exit code, or pytest ended the run on its own.
        self.kit_decided = session.config.pluginmanager.get_plugin(SESSION) is not None
        # pytest sweeps for garbage five times as it ends: what the run kept lives until the
        # process exits anyway, so the sweeps are spared walking it.
        gc.freeze()


def run(parsed: argparse.Namespace, arguments: Sequence[str]) -> int:
    """Run the suite with the user's ``arguments``; ``parsed`` is only checked, never passed on."""
    unknown_but_close(parsed.unknown)
    try:
        paths.use_packs(parsed.conformance_packs)
    except NotADirectoryError as exc:
        raise KitError(str(exc)) from None
    problems = preflight()
    if problems:
        for problem in problems:
            print(f"conformance: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    check_clause_ids(set(parsed.conformance_clause or ()))
    check_pack_ids(set(parsed.conformance_pack or ()))
    refuse_parallel([*arguments, *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))])
    check_outputs(
        [
            ("--report", parsed.conformance_report),
            ("--summary", parsed.conformance_summary),
            ("--html", parsed.conformance_html),
            ("--write-baseline", parsed.conformance_write_baseline),
        ],
        [parsed.conformance_baseline],
    )
    if parsed.conformance_baseline:
        load_baseline(parsed.conformance_baseline)
    entrance = RunEntrance()
    code = pytest.main(
        [str(SUITE), "-c", str(RUN_INI), "--rootdir", str(paths.PACKAGE), *PLUGINS, *arguments],
        plugins=[entrance],
    )
    if entrance.kit_decided:
        return int(code)
    return _PYTEST_ENDINGS.get(int(code), EXIT_USAGE)


#: pytest-xdist's options that spread a run over processes.
_PARALLEL = ("-n", "--numprocesses", "--dist", "--tx", "-d")


def refuse_parallel(arguments: Sequence[str]) -> None:
    """Refuse a parallel run: each process would hold part of the results and none the verdict.

    ``conformance run`` gives one verdict, one table and one report for the whole run; a run
    split by pytest-xdist cannot, so it is a usage error rather than a wrong verdict.
    """
    for argument in arguments:
        name = argument.split("=", 1)[0]
        if name in _PARALLEL or (name.startswith("-n") and not name.startswith("--")):
            raise KitError(
                f"{argument}: conformance run does not run scenarios in parallel "
                "(one verdict needs one process); leave out -n"
            )


def unknown_but_close(unknown: Sequence[str]) -> None:
    """Refuse an option that is not the kit's but looks like a typo of one (``--adaptor``).

    Anything else unknown is pytest's to judge.
    """
    own = list(flags(prefixed=False))
    for argument in unknown:
        name = argument.split("=", 1)[0]
        if not name.startswith("--") or name in own:
            continue
        close = difflib.get_close_matches(name, own, n=1, cutoff=0.8)
        if close:
            raise KitError(f"unknown option {name}: did you mean {close[0]}?")
