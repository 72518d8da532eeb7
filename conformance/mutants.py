"""``conformance mutants``: run the suite against every mutant of a gallery and print what kills it.

A gallery is a module with ``MUTANTS``, a mapping from the name of each deliberately wrong engine
to the clause it breaks, and ``PACK``, the pack its mutants are wrong about (each mutant is checked
on that pack alone). Each policy pack's gallery is found by convention, as
``policy_conformance.reference.<pack>.mutants``, when the command runs; the harness never imports
one otherwise. Each mutant runs as
its own ``conformance run`` child process with ``--report``, two at a time by default, so that no
mutant can touch the kit or another mutant. A mutant is killed when a scenario fails or errors
against it; the command exits 1 when any mutant survives or is killed by fewer than two scenarios.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from .compare import load_report
from .errors import KitError
from .outputs import strict_json, write_text
from .paths import PACKS_VARIABLE
from .results import EXIT_CONFORMANT, EXIT_ERRORED, EXIT_FAILED

__all__ = [
    "GALLERY_PATTERN",
    "MINIMUM_KILLS",
    "Gallery",
    "MutantResult",
    "child_environment",
    "galleries",
    "kill_matrix",
    "load_gallery",
    "run_mutants",
]

#: Where each pack's gallery is looked for, by pack id.
GALLERY_PATTERN = "policy_conformance.reference.{pack}.mutants"

#: No single scenario may be all that stands between a mutant and a conformant verdict.
MINIMUM_KILLS = 2

#: The distributions whose pytest plugins a child run needs.
_RUN_PLUGIN_DISTRIBUTIONS = ("pytest-bdd", "policy-conformance")


def child_environment() -> dict[str, str]:
    """The environment of a child ``conformance run``: only the kit's own pytest plugins.

    Other plugins installed beside the kit would cost more than the run itself, and the caller's
    own pytest and kit settings must not change what a child run checks.
    """
    plugins = sorted(
        point.value
        for point in entry_points(group="pytest11")
        if point.dist is not None and point.dist.name in _RUN_PLUGIN_DISTRIBUTIONS
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CONFORMANCE_"))
    }
    # The pack roots are not a setting of the caller's runs but where the packs are.
    if os.environ.get(PACKS_VARIABLE):
        environment[PACKS_VARIABLE] = os.environ[PACKS_VARIABLE]
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    environment["PYTEST_ADDOPTS"] = " ".join(f"-p {plugin}" for plugin in plugins)
    return environment


@dataclass(frozen=True)
class Gallery:
    """A module of mutants: each mutant's name with the clause it breaks, and their pack."""

    module: str
    mutants: dict[str, str]
    #: The pack the mutants are checked on; None checks every pack each mutant declares.
    pack: str | None


def load_gallery(module: str) -> Gallery:
    """The gallery in ``module``; a usage error when there is none.

    As ``run`` imports a ``python:`` engine: a gallery in the working directory is importable.
    """
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        gallery = importlib.import_module(module)
    except Exception as exc:
        raise KitError(f"--gallery {module}: cannot be imported: {exc}") from None
    mutants = getattr(gallery, "MUTANTS", None)
    if not isinstance(mutants, Mapping) or not mutants:
        raise KitError(f"--gallery {module}: has no MUTANTS mapping of mutant names to clauses")
    pack = getattr(gallery, "PACK", None)
    return Gallery(
        module,
        {str(name): str(clause) for name, clause in mutants.items()},
        pack if isinstance(pack, str) else None,
    )


def galleries(pack_ids: Iterable[str]) -> list[Gallery]:
    """The gallery of each of these packs that has one, found by :data:`GALLERY_PATTERN`."""
    found = []
    for pack_id in pack_ids:
        module = GALLERY_PATTERN.format(pack=pack_id)
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(load_gallery(module))
    return found


@dataclass
class MutantResult:
    """What the suite did to one mutant: the scenarios that killed it, by clause."""

    name: str
    clause: str
    killers: list[dict[str, Any]] = field(default_factory=list)
    #: The module of the gallery the mutant is from.
    gallery: str = ""

    @property
    def kills(self) -> int:
        return len(self.killers)

    @property
    def killed_by_clause(self) -> dict[str, list[str]]:
        by_clause: dict[str, list[str]] = {}
        for scenario in self.killers:
            for clause in scenario["clauses"]:
                by_clause.setdefault(clause, []).append(scenario["name"])
        return by_clause

    @property
    def status(self) -> str:
        if not self.kills:
            return "survived"
        return "killed" if self.kills >= MINIMUM_KILLS else "killed once"


def _run_one(module: str, name: str, clause: str, folder: Path, pack: str | None) -> MutantResult:
    report = folder / f"{module}.{name}.json"
    command = [
        sys.executable,
        "-m",
        "policy_conformance",
        "run",
        "--adapter",
        f"python:{module}:{name}",
        "--report",
        str(report),
        "-q",
        "-p",
        "no:cacheprovider",
        *(["--pack", pack] if pack else []),
    ]
    # The argv is the kit's own interpreter and the gallery's module name, never a shell line.
    done = subprocess.run(  # noqa: S603
        command, env=child_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode not in (EXIT_CONFORMANT, EXIT_FAILED, EXIT_ERRORED) or not report.exists():
        last = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or [""])[-1]
        raise KitError(f"mutant {name}: conformance run exited {done.returncode}: {last}")
    scenarios = load_report(report)["scenarios"]
    killers = [
        {
            "name": s["name"],
            "feature": s["feature"],
            "line": s["line"],
            "clauses": s["clauses"],
            "outcome": s["outcome"],
            # The first line says what was wrong; the rest is the whole decision.
            "message": s["message"].splitlines()[0] if s["message"] else "",
        }
        for s in scenarios
        if s["outcome"] in ("failed", "errored")
    ]
    return MutantResult(name, clause, killers, module)


def run_mutants(
    chosen_galleries: Sequence[Gallery], names: Sequence[str] | None = None, jobs: int = 2
) -> list[MutantResult]:
    """Run the suite against each named mutant of the galleries (every one by default)."""
    known = {name for gallery in chosen_galleries for name in gallery.mutants}
    unknown = sorted(set(names or ()) - known)
    if unknown:
        modules = ", ".join(g.module for g in chosen_galleries)
        raise KitError(f"--mutant {unknown[0]}: not in gallery {modules}")
    chosen = [
        (gallery, name)
        for gallery in chosen_galleries
        for name in gallery.mutants
        if not names or name in names
    ]
    # Each mutant is one pytest process: a thread per child is all the parallelism needed.
    with (
        tempfile.TemporaryDirectory(prefix="conformance-mutants-") as folder,
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        futures = [
            pool.submit(_run_one, g.module, name, g.mutants[name], Path(folder), g.pack)
            for g, name in chosen
        ]
        return [future.result() for future in futures]


def kill_matrix(results: Sequence[MutantResult], clauses: Iterable[str]) -> list[str]:
    """The kill matrix as lines: mutant by clause (kills in each), then who kills each mutant."""
    columns = [c for c in clauses if any(c in r.killed_by_clause for r in results)]
    width = max([len("mutant"), *(len(r.name) for r in results)])
    numbered = {clause: f"c{index}" for index, clause in enumerate(columns, 1)}
    lines = ["columns: " + ", ".join(f"{numbered[c]}={c}" for c in columns), ""]
    header = f"{'mutant':<{width}}  {'breaks':<20}  kills  " + " ".join(
        f"{numbered[c]:>3}" for c in columns
    )
    lines += [header, "-" * len(header)]
    for result in results:
        counts = result.killed_by_clause
        cells = " ".join(f"{len(counts.get(c, [])) or '.':>3}" for c in columns)
        lines.append(f"{result.name:<{width}}  {result.clause:<20}  {result.kills:>5}  {cells}")
    lines.append("")
    for result in results:
        lines.append(f"{result.name} ({result.status}, breaks {result.clause}):")
        lines += [
            f"  {s['feature']}:{s['line']} {s['name']} [{', '.join(s['clauses'])}]"
            for s in result.killers
        ]
    return lines


def summary_line(results: Sequence[MutantResult]) -> str:
    killed = sum(1 for r in results if r.kills)
    twice = sum(1 for r in results if r.kills >= MINIMUM_KILLS)
    rate = 100 * killed / len(results) if results else 0.0
    return (
        f"mutants: {len(results)}, killed {killed} (kill rate {rate:.0f}%), "
        f"killed by {MINIMUM_KILLS} or more scenarios {twice}"
    )


def mutants_report(modules: Sequence[str], results: Sequence[MutantResult]) -> dict[str, Any]:
    return {
        "galleries": list(modules),
        "mutants": [
            {
                "name": r.name,
                "gallery": r.gallery,
                "clause": r.clause,
                "status": r.status,
                "kills": r.kills,
                "killers": r.killers,
            }
            for r in results
        ],
    }


def mutants_command(
    chosen: Sequence[Gallery],
    names: Sequence[str],
    jobs: int,
    report: Path | None,
    clauses: Iterable[str],
) -> int:
    if report is not None and not report.parent.is_dir():
        raise KitError(f"--report: folder {report.parent} does not exist")
    if not chosen:
        raise KitError("no gallery of mutants: no pack asked for has reference/<pack>/mutants.py")
    results = run_mutants(chosen, names, jobs)
    for line in kill_matrix(results, clauses):
        print(line)
    print(summary_line(results))
    if report is not None:
        write_text(report, strict_json(mutants_report([g.module for g in chosen], results)))
    weak = [r for r in results if r.kills < MINIMUM_KILLS]
    for result in weak:
        print(f"{result.status}: {result.name} (breaks {result.clause})")
    return EXIT_FAILED if weak else EXIT_CONFORMANT
