"""The ``conformance`` command and its subcommands (``conformance --help`` lists them).

Errors go to stderr as one line, results to stdout; a closed stdout (``| head -1``) ends the
command quietly.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import KitError
from .options import UnknownArgument, declare, seconds
from .results import (
    EXIT_CONFORMANT,
    EXIT_ERRORED,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_CLOSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)

__all__ = ["EXIT_CODES", "main"]

#: The exit codes of ``conformance run``, as ``--help`` and the README list them.
EXIT_CODES = {
    EXIT_CONFORMANT: "every scenario run passed: conformant on every clause run",
    EXIT_FAILED: "at least one scenario failed: the engine decided wrongly or broke the contract",
    EXIT_USAGE: "usage or configuration error (options, adapter string, the kit's own files)",
    EXIT_UNREACHABLE: "the engine could not be reached at all (checked before the first case)",
    EXIT_ERRORED: "no scenario failed, but at least one errored: the engine crashed, hung or "
    "answered garbage",
    EXIT_INTERNAL: "pytest itself failed (an internal error), whatever the engine did",
    EXIT_INTERRUPTED: "the run was interrupted (Ctrl-C, SIGTERM): the reports left are partial",
    EXIT_OUTPUT_CLOSED: "the output was closed before the run ended (| head): no verdict",
}


class _Parser(argparse.ArgumentParser):
    """An argparse parser that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _version() -> str:
    from policy_conformance import contract

    return f"conformance {__version__} (contract {contract.CONTRACT_VERSION})"


def _run_epilog() -> str:
    from policy_conformance.adapters import kinds

    lines = ["adapter kinds:"]
    lines += [f"  {kind}:  ({target})" for kind, target in kinds().items()]
    lines += ["", "exit codes:"]
    lines += [f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES.items()]
    lines += ["", "Every option may also be given as an environment variable CONFORMANCE_<NAME>."]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="conformance",
        description="Check a coverage engine against medical policy packs, clause by clause.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run every scenario against an engine and print a verdict per clause",
        description="Run the policy packs' scenarios against an engine. Arguments the kit does "
        "not know are passed on to pytest (for example --junitxml=PATH, -x, -v, --co).",
        epilog=_run_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    run.add_argument("--version", action="version", version=_version())
    declare(run.add_argument, prefixed=False)

    lint = commands.add_parser(
        "lint",
        help="check the kit's own features, steps, catalogues and fixtures",
        allow_abbrev=False,
    )
    lint.add_argument(
        "--packs",
        default=None,
        metavar="DIR",
        help="also check the packs in DIR (a pack root, as new-pack --into writes); "
        "or $CONFORMANCE_PACKS",
    )

    summary = commands.add_parser(
        "summary",
        help="print the Markdown summary of a JSON report written by run --report",
        allow_abbrev=False,
    )
    summary.add_argument("report", type=Path, metavar="REPORT.json")

    page = commands.add_parser(
        "html",
        help="render the HTML page of a JSON report written by run --report",
        allow_abbrev=False,
    )
    page.add_argument("report", type=Path, metavar="REPORT.json")
    page.add_argument("--out", type=Path, required=True, metavar="PATH")

    badge = commands.add_parser(
        "badge",
        help="write a shields.io endpoint badge per pack of a JSON report (no engine is run)",
        allow_abbrev=False,
    )
    badge.add_argument("report", type=Path, metavar="REPORT.json")
    badge.add_argument("--out", type=Path, required=True, metavar="DIR")

    combine = commands.add_parser(
        "combine",
        help="one results table page from the reports of several engines, versions or shards",
        allow_abbrev=False,
    )
    combine.add_argument("reports", type=Path, nargs="+", metavar="REPORT.json")
    combine.add_argument("--out", type=Path, required=True, metavar="DIR")

    docs = commands.add_parser(
        "docs",
        help="write each pack's living documentation for policy staff (HTML, no results)",
        allow_abbrev=False,
    )
    docs.add_argument("--out", type=Path, default=Path("conformance-docs"), metavar="DIR")

    compare = commands.add_parser(
        "compare",
        help="what changed between two JSON reports, regressions first (exit 1 on a regression)",
        allow_abbrev=False,
    )
    compare.add_argument("old", type=Path, metavar="OLD.json")
    compare.add_argument("new", type=Path, metavar="NEW.json")

    fuzz = commands.add_parser(
        "fuzz",
        help="search generated cases for disagreements with an oracle and broken invariants",
        description="Send generated cases to an engine and to an oracle (the reference engine "
        "unless --against says otherwise), and check the pack's invariants. Exits 0 when "
        "nothing is found, 1 on a disagreement or a broken invariant, 2 on a usage error, 3 "
        "when an engine is unreachable, 4 when only engine errors were met.",
        allow_abbrev=False,
    )
    fuzz.add_argument(
        "--adapter",
        default="reference",
        metavar="SPEC",
        help="the engine, as for run (default: the kit's reference engine)",
    )
    fuzz.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="ID",
        help="only this pack's case space (repeatable; default: every pack that has one)",
    )
    fuzz.add_argument("--against", default="reference", metavar="SPEC")
    fuzz.add_argument("--cases", type=int, default=1000, metavar="N")
    fuzz.add_argument("--seed", type=int, default=None, metavar="S")
    fuzz.add_argument("--report", type=Path, default=None, metavar="PATH")
    fuzz.add_argument("--engine-timeout", type=seconds, default=30.0, metavar="SECONDS")

    mutants = commands.add_parser(
        "mutants",
        help="run the suite against every deliberately wrong engine and print the kill matrix",
        allow_abbrev=False,
    )
    mutants.add_argument(
        "--gallery",
        default=None,
        metavar="MODULE",
        help="module whose MUTANTS maps each wrong engine to the clause it breaks, and whose "
        "PACK names the pack to check them on (default: every pack's "
        "policy_conformance.reference.<pack>.mutants)",
    )
    mutants.add_argument(
        "--pack", action="append", default=[], metavar="ID", help="only this pack's gallery"
    )
    mutants.add_argument(
        "--mutant", action="append", default=[], metavar="NAME", help="run only this mutant"
    )
    mutants.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    mutants.add_argument("--report", type=Path, metavar="PATH", help="write the matrix as JSON")

    export = commands.add_parser(
        "export",
        help="write every scenario as data: one JSON corpus file per pack",
        allow_abbrev=False,
    )
    export.add_argument("--out", type=Path, default=Path("."), metavar="DIR")

    replay = commands.add_parser(
        "replay",
        help="replay corpus files written by export against an engine, without pytest-bdd",
        allow_abbrev=False,
    )
    replay.add_argument("corpus", type=Path, nargs="+", metavar="FILE.corpus.json")
    replay.add_argument("--adapter", default="reference", metavar="SPEC")
    replay.add_argument("--engine-timeout", type=seconds, default=30.0, metavar="S")
    replay.add_argument("--connect-timeout", type=seconds, default=5.0, metavar="S")

    new_pack = commands.add_parser(
        "new-pack",
        help="write the folders of a new policy pack (catalogue, facts, features, fixture, "
        "reference skeleton) that lints clean and fails until written",
        allow_abbrev=False,
    )
    new_pack.add_argument("pack_id", metavar="ID", help="the pack's id: the policy's file name")
    new_pack.add_argument("--title", default=None, help="the policy's title")
    new_pack.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="HEADING",
        help="a section of the policy: one feature and one clause each (repeatable)",
    )
    new_pack.add_argument(
        "--into",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the pack root to write into (default: here); run it with --packs DIR",
    )

    serve = commands.add_parser(
        "serve-reference", help="serve the reference engine over HTTP", allow_abbrev=False
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A reader waits for lines (the engine's header, a scenario's result): each is passed on as
    # it is written, whether or not the environment asks Python for unbuffered output.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    try:
        code = _command(arguments)
        # What is still held is written now, so that a reader gone away is noticed here.
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        # Ctrl-C before a command could take it over (a run records its own): nothing is done.
        print("conformance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head -1`): nothing more can be shown and no verdict was
        # delivered; end quietly, as a program that SIGPIPE ends (Python would print at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OUTPUT_CLOSED


def _command(arguments: list[str]) -> int:
    parser = _parser()
    parsed, unknown = parser.parse_known_args(arguments)
    if unknown and parsed.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        if parsed.command == "run":
            from .run import run

            parsed.unknown = unknown
            return run(parsed, arguments[arguments.index("run") + 1 :])
        if parsed.command == "lint":
            return lint_command(parsed.packs)
        if parsed.command == "fuzz":
            from .fuzz import fuzz_command

            return fuzz_command(
                parsed.adapter,
                parsed.against,
                parsed.pack,
                parsed.cases,
                parsed.seed,
                parsed.report,
                parsed.engine_timeout,
            )
        if parsed.command == "summary":
            return summary_command(parsed.report)
        if parsed.command == "html":
            return html_command(parsed.report, parsed.out)
        if parsed.command == "docs":
            return docs_command(parsed.out)
        if parsed.command == "badge":
            return badge_command(parsed.report, parsed.out)
        if parsed.command == "combine":
            return combine_command(parsed.reports, parsed.out)
        if parsed.command == "compare":
            return compare_command(parsed.old, parsed.new)
        if parsed.command == "mutants":
            return mutants_command(parsed)
        if parsed.command == "new-pack":
            return new_pack_command(parsed)
        if parsed.command == "export":
            return export_command(parsed.out)
        if parsed.command == "replay":
            from .corpus import replay_corpus

            return replay_corpus(
                parsed.corpus, parsed.adapter, parsed.engine_timeout, parsed.connect_timeout
            )
        return serve_reference(parsed.host, parsed.port)
    except UnknownArgument as exc:
        # As argparse answers: the usage of `conformance run`, then what is wrong.
        sys.stderr.write(_subcommand(parser, "run").format_usage())
        print(f"conformance run: error: {exc} (see conformance run --help)", file=sys.stderr)
        return EXIT_USAGE
    except KitError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return parser


def lint_command(roots: str | None = None) -> int:
    from . import paths
    from .lint import lint
    from .packs import load_packs

    try:
        paths.use_packs(roots)
    except NotADirectoryError as exc:
        raise KitError(str(exc)) from None
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


def _read_report(path: Path, render: Callable[[dict[str, Any]], str]) -> str:
    """``render`` applied to the JSON report at ``path``, read bounded and checked against its
    schema; anything else is a usage error in one line."""
    from .compare import load_report

    return render(load_report(path))


def summary_command(path: Path) -> int:
    from .summary import render_summary

    sys.stdout.write(_read_report(path, render_summary))
    return 0


def html_command(path: Path, out: Path) -> int:
    from .outputs import check_outputs, write_text
    from .pages import render_run_report

    check_outputs([("--out", out)], [path])
    write_text(out, _read_report(path, render_run_report))
    print(f"conformance html: wrote {out}")
    return 0


def badge_command(report: Path, out: Path) -> int:
    from .publish import badges

    for path in badges(report, out):
        print(f"conformance badge: wrote {path}")
    return 0


def combine_command(reports: list[Path], out: Path) -> int:
    from .publish import combine

    print(f"conformance combine: wrote {combine(reports, out)}")
    return 0


def docs_command(out: Path) -> int:
    from .docs_pages import write_docs

    if out.exists() and not out.is_dir():
        raise KitError(f"--out: {out} is not a folder")
    written = write_docs(out)
    print(f"conformance docs: wrote {len(written)} pages to {out} (open {out / 'index.html'})")
    return 0


def compare_command(old: Path, new: Path) -> int:
    from .compare import compare_files

    lines, regressed = compare_files(old, new)
    for line in lines:
        print(line)
    return 1 if regressed else 0


def mutants_command(parsed: argparse.Namespace) -> int:
    from .mutants import galleries, load_gallery
    from .mutants import mutants_command as run_galleries
    from .packs import check_pack_ids, load_packs

    packs = load_packs()
    check_pack_ids(set(parsed.pack))
    clauses = [cid for pack in packs for cid in pack.clauses]
    if parsed.gallery:
        chosen = [load_gallery(parsed.gallery)]
    else:
        chosen = galleries(p.id for p in packs if not parsed.pack or p.id in parsed.pack)
    return run_galleries(chosen, parsed.mutant, parsed.jobs, parsed.report, clauses)


def new_pack_command(parsed: argparse.Namespace) -> int:
    from .scaffold import new_pack

    title = parsed.title or parsed.pack_id.replace("_", " ").capitalize()
    written = new_pack(parsed.pack_id, parsed.into, title, parsed.section)
    for path in written:
        print(path)
    print(
        f"new-pack: {parsed.pack_id} written; it fails until its catalogue, features, fixtures, "
        f"facts and reference are written (conformance lint --packs {parsed.into} checks them)"
    )
    return 0


def export_command(out: Path) -> int:
    from .corpus import MAX_CORPUS_BYTES, export_corpus
    from .reading import read_json

    if out.exists() and not out.is_dir():
        raise KitError(f"--out: {out} is not a folder")
    out.mkdir(parents=True, exist_ok=True)

    for path in export_corpus(out):
        document = read_json(path, MAX_CORPUS_BYTES)
        print(
            f"{path}: {len(document['scenarios'])} scenarios"
            + (f", {len(document['left_out'])} left out" if document["left_out"] else "")
        )
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
