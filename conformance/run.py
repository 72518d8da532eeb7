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
import signal
import sys
from collections.abc import Generator, Sequence

import pytest

from . import paths
from .baseline import load_baseline
from .engine import resolve_adapter
from .errors import KitError
from .lint import preflight
from .options import UnknownArgument, declare, flags, parallel_workers
from .outputs import check_outputs
from .packs import check_clause_ids, check_pack_ids
from .results import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from .terminal import install as install_terminal

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
        #: Whether the run was refused before its session began (a parallel run).
        self.refused = False
        #: The exit code the run ended with, once pytest's session has finished.
        self.ended_with: int | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config: pytest.Config) -> int | None:
        # However -n reached pytest (an @file, an ini file, -o addopts=, PYTEST_ADDOPTS), it is
        # refused before pytest-xdist starts a worker: one verdict needs one process.
        if not parallel_workers(config):
            return None
        print(f"conformance: error: {_NOT_PARALLEL}", file=sys.stderr)
        self.refused = True
        return EXIT_USAGE

    def pytest_addoption(self, parser: pytest.Parser) -> None:
        declare(parser.getgroup("conformance").addoption, prefixed=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_cmdline_parse(
        self, args: list[str]
    ) -> Generator[None, pytest.Config, pytest.Config]:
        # pytest refuses an argument in its own words ("usage: pytest.main() ... inifile:
        # .../run.ini"); the kit answers it in its own, once.
        try:
            return (yield)
        except pytest.UsageError as exc:
            raise UnknownArgument(_pytest_complaint(str(exc))) from None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        # After pytest's terminal plugin has put its reporter in place.
        install_terminal(config)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Whether the kit's session set the exit code, or pytest ended the run on its own.
        self.kit_decided = session.config.pluginmanager.get_plugin(SESSION) is not None
        self.ended_with = int(session.exitstatus)
        # pytest sweeps for garbage five times as it ends: what the run kept lives until the
        # process exits anyway, so the sweeps are spared walking it.
        gc.freeze()


def _pytest_complaint(text: str) -> str:
    """What pytest's usage error says is wrong, without its usage line and its ini file."""
    for line in text.splitlines():
        _, marker, complaint = line.partition(": error: ")
        if marker:
            return complaint.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


def check_adapter(spec: str) -> None:
    """Refuse an adapter string whose form or kind is wrong before anything is collected."""
    from policy_conformance.adapters import AdapterSpecError
    from policy_conformance.adapters.registry import check_spec

    try:
        check_spec(resolve_adapter(spec))
    except AdapterSpecError as exc:
        raise KitError(str(exc)) from None


def run(parsed: argparse.Namespace, arguments: Sequence[str]) -> int:
    """Run the suite with the user's ``arguments``; ``parsed`` is only checked, never passed on."""
    try:
        return _run(parsed, arguments)
    except KeyboardInterrupt:
        # Before pytest started (the preflight): nothing was run and nothing written.
        print("conformance: interrupted before any scenario ran", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(parsed: argparse.Namespace, arguments: Sequence[str]) -> int:
    unknown_but_close(parsed.unknown)
    check_adapter(parsed.conformance_adapter or "reference")
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
    try:
        code = pytest.main(
            [str(SUITE), "-c", str(RUN_INI), "--rootdir", str(paths.PACKAGE), *PLUGINS, *arguments],
            plugins=[entrance],
        )
    except KeyboardInterrupt:
        # A Ctrl-C while pytest was ending, after the kit's session handed its handlers back:
        # the files are settled (partial ones marked interrupted, or those of a finished run),
        # and so is the exit code, when the session got as far as deciding it.
        if entrance.kit_decided and entrance.ended_with is not None:
            print(
                "conformance: interrupted once the run had ended: its results stand",
                file=sys.stderr,
            )
            return entrance.ended_with
        print("conformance: the run was interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if entrance.refused:
        return EXIT_USAGE
    if entrance.kit_decided:
        # The verdict is written and only the exit is left: a Ctrl-C now would only replace the
        # exit code the files agree with by the signal's.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return int(code)
    return _PYTEST_ENDINGS.get(int(code), EXIT_USAGE)


_NOT_PARALLEL = (
    "conformance run does not run scenarios in parallel (one verdict needs one process); "
    "leave out -n"
)
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
            raise KitError(f"{argument}: {_NOT_PARALLEL}")


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
