"""The ``conformance`` command: ``run`` an engine, ``lint`` the kit, ``serve-reference``.

Exit codes of ``conformance run`` (also in the README):

- 0: every scenario run passed; the engine is conformant on every clause run.
- 1: at least one scenario failed: the engine decided wrongly or broke the contract.
- 2: usage or configuration error (bad adapter string, malformed feature, fixture or catalogue).
- 3: the engine could not be reached at all.
- 4: no scenario failed, but at least one errored: the engine broke (crashed, hung, garbage).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from policy_conformance import contract
from policy_conformance.adapters import AdapterOptions, AdapterSpecError, EngineError, kinds

from . import __version__, paths
from .baseline import load_baseline
from .errors import KitError
from .lint import lint, preflight
from .packs import check_clause_ids, load_packs
from .plugin import DEFAULT_ADAPTER, PreopenedEngine, open_engine
from .results import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    RunResults,
    exit_code,
)
from .summary import render_summary

__all__ = ["main"]

SUITE = Path(__file__).with_name("suite.py")
RUN_INI = Path(__file__).with_name("run.ini")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformance",
        description="Check a coverage engine against medical policy packs, clause by clause.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__} (contract {contract.CONTRACT_VERSION})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run every scenario against an engine and print a verdict per clause",
        description="Run the policy packs' scenarios against an engine. Arguments the kit does "
        "not know are passed on to pytest (for example --junitxml=PATH, -x, -v).",
    )
    run.add_argument(
        "--adapter",
        default=DEFAULT_ADAPTER,
        metavar="SPEC",
        help=f"the engine, as KIND:TARGET, KIND one of {', '.join(kinds())} "
        f"(default: {DEFAULT_ADAPTER})",
    )
    run.add_argument(
        "--clause",
        action="append",
        default=[],
        metavar="ID",
        help="run only this clause's scenarios (repeatable)",
    )
    run.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only scenarios whose name contains TEXT (repeatable)",
    )
    run.add_argument(
        "--report", metavar="PATH", type=Path, help="write the machine-readable JSON report to PATH"
    )
    run.add_argument(
        "--summary",
        metavar="PATH",
        type=Path,
        help="write a Markdown summary of the run (verdicts, readings, failures) to PATH",
    )
    run.add_argument(
        "--baseline",
        metavar="PATH",
        type=Path,
        help="known failures (from --write-baseline): reported, but not deciding the exit code",
    )
    run.add_argument(
        "--write-baseline",
        metavar="PATH",
        type=Path,
        help="record this run's failed and errored scenarios as a baseline",
    )
    run.add_argument(
        "--engine-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long the engine may take over one case (default 30)",
    )
    run.add_argument(
        "--connect-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for the engine to be reachable (default 5)",
    )
    run.add_argument("--ca-bundle", metavar="PEM", help="private CA bundle for an HTTPS engine")
    run.add_argument(
        "--token-env",
        metavar="VARIABLE",
        help="environment variable holding the HTTP engine's bearer token",
    )

    commands.add_parser("lint", help="check the kit's own features, steps, catalogues and fixtures")

    summary = commands.add_parser(
        "summary", help="print the Markdown summary of a JSON report written by run --report"
    )
    summary.add_argument("report", type=Path, metavar="REPORT.json")

    serve = commands.add_parser("serve-reference", help="serve the reference engine over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "run":
            return run(args, extra)
        if args.command == "lint":
            return lint_command()
        if args.command == "summary":
            return summary_command(args.report)
        return serve_reference(args.host, args.port)
    except KitError as exc:
        return _usage(str(exc))


def _usage(message: str) -> int:
    print(f"conformance: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace, extra: list[str]) -> int:
    problems = preflight()
    if problems:
        for problem in problems:
            print(f"conformance: error: {problem}", file=sys.stderr)
        print("conformance: run `conformance lint` for every check of the kit", file=sys.stderr)
        return EXIT_USAGE
    check_clause_ids(set(args.clause))
    for option, path in (
        ("--report", args.report),
        ("--summary", args.summary),
        ("--write-baseline", args.write_baseline),
    ):
        if path and not path.parent.is_dir():
            return _usage(f"{option}: folder {path.parent} does not exist")
    if args.baseline:
        load_baseline(args.baseline)  # a malformed baseline stops the run before the engine starts
    options = AdapterOptions(
        timeout=args.engine_timeout,
        connect_timeout=args.connect_timeout,
        ca_bundle=args.ca_bundle,
        token_env=args.token_env,
    )
    try:
        adapter, metadata = open_engine(args.adapter, options)
    except AdapterSpecError as exc:
        return _usage(str(exc))
    except EngineError as exc:
        # One line: what the engine printed is for a scenario's failure, not for "not reachable".
        print(
            f"conformance: the engine cannot be reached: {exc.adapter}: {exc.reason}",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    preopened = PreopenedEngine(adapter, metadata)
    try:
        code = pytest.main(_pytest_args(args, extra), plugins=[preopened])
    finally:
        adapter.close()
    return _run_exit_code(int(code), preopened.results or RunResults())


def _pytest_args(args: argparse.Namespace, extra: list[str]) -> list[str]:
    pytest_args = [
        str(SUITE),
        "-c",
        str(RUN_INI),
        "--rootdir",
        str(paths.PACKAGE),
        "--adapter",
        args.adapter,
        "--engine-timeout",
        str(args.engine_timeout),
        "--connect-timeout",
        str(args.connect_timeout),
    ]
    for clause in args.clause:
        pytest_args += ["--clause", clause]
    for text in args.scenario:
        pytest_args += ["--scenario", text]
    if args.report:
        pytest_args += ["--conformance-report", str(args.report)]
    if args.summary:
        pytest_args += ["--conformance-summary", str(args.summary)]
    if args.baseline:
        pytest_args += ["--baseline", str(args.baseline)]
    if args.write_baseline:
        pytest_args += ["--write-baseline", str(args.write_baseline)]
    if args.ca_bundle:
        pytest_args += ["--ca-bundle", args.ca_bundle]
    if args.token_env:
        pytest_args += ["--token-env", args.token_env]
    return pytest_args + extra


def _run_exit_code(pytest_code: int, results: RunResults) -> int:
    """The kit's exit code for a pytest exit code and the scenario results behind it."""
    if pytest_code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return exit_code(results)
    if pytest_code == pytest.ExitCode.NO_TESTS_COLLECTED:
        return _usage("no scenario matches the filters given")
    if pytest_code == EXIT_UNREACHABLE:
        return EXIT_UNREACHABLE
    if pytest_code == pytest.ExitCode.INTERRUPTED and results.scenarios:
        # Stopped part-way (-x, Ctrl-C): what ran still decides the code.
        return exit_code(results) or EXIT_USAGE
    return EXIT_USAGE


def lint_command() -> int:
    problems = lint()
    for problem in problems:
        print(problem)
    if problems:
        print(f"conformance lint: {len(problems)} problem(s)")
        return 1
    packs = load_packs()
    clauses = sum(len(p.clauses) for p in packs)
    print(f"conformance lint: ok ({len(packs)} packs, {clauses} clauses)")
    return 0


def summary_command(path: Path) -> int:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        text = render_summary(report)
    except OSError as exc:
        raise KitError(f"{path} cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise KitError(f"{path} is not JSON: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise KitError(
            f"{path} is not a report of conformance run --report (missing {exc})"
        ) from None
    sys.stdout.write(text)
    return 0


def serve_reference(host: str, port: int) -> int:
    # Imported here: the harness itself never depends on the reference engine.
    try:
        from policy_conformance.reference.server import serve
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("uvicorn", "starlette"):
            raise
        raise KitError(
            "serve-reference needs its HTTP server: install policy-conformance[serve]"
        ) from None

    serve(host=host, port=port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
