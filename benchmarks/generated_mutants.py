"""Mutants nobody wrote by hand: cosmic-ray's operators over each pack's reference rules.

The galleries of ``conformance mutants`` are written by the hands that wrote the features, so
they share their blind spots. Here cosmic-ray (a mutation-testing tool, the ``dev`` extra) makes
every mutant its operators can of each pack's ``reference/<pack>/rules.py`` and of the shared
``reference/completions.py``, and each mutant is tested by replaying the pack's scenarios: the
suite is exported once (``conformance export``) and every mutant is graded by ``conformance
replay``, the kit's fast path, which grades as ``conformance run`` does without pytest-bdd. A
mutant is killed when the replay fails or errors.

Every survivor must be killed by a scenario or recorded in its target's
``equivalent_mutants.yaml`` (beside the rules) with the reason it cannot change any decision.
A survivor without a record, or a record that no longer matches a survivor, exits 1, so a rule
changed without its scenarios is seen here.

    python benchmarks/generated_mutants.py [--target NAME ...] [--jobs N] [--report PATH]

Mutants are made in a copy of the package in a temporary folder, one copy per target: cosmic-ray
rewrites the module it mutates in place, and the checkout is never touched, even when the run is
interrupted. It takes minutes (every mutant is one replay in a child process), so it is a script
beside the benchmarks, not part of the test command; ``tests/test_teeth.py`` runs it on a handful
of mutants.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KIT_ROOT = Path(__file__).resolve().parent.parent
#: The kit's folders as the installed package lays them out (see pyproject.toml).
SUBPACKAGES = ("adapters", "contract", "reference", "steps", "features", "fixtures")
#: The engine every mutant is: the reference, whose one mutated module is read from the copy.
ENGINE = "python:policy_conformance.reference.engine:decide"
#: The shared module every pack's rules settle their decisions with.
SHARED = "completions"
#: How long one replay of a mutant may take before it counts as killed (a mutant that loops).
TIMEOUT = 120.0
RECORDS = "equivalent_mutants.yaml"


@dataclass(frozen=True)
class Target:
    """One module to mutate, the packs whose scenarios test it, and where its records are."""

    name: str
    module: str  # below the kit's root, e.g. reference/blincyto_bcbsnd/rules.py
    packs: tuple[str, ...]
    records: Path


@dataclass
class Survivor:
    """A mutant no scenario killed: where it is, what it changes, and its record if it has one."""

    operator: str
    definition: str
    line: int
    before: str
    after: str
    diff: str
    why: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        # Not the line: lines move whenever the module is edited; the text of the change stays.
        return (self.operator, self.before, self.after)


@dataclass
class TargetResult:
    target: Target
    made: int = 0
    killed: int = 0
    incompetent: int = 0
    seconds: float = 0.0
    survivors: list[Survivor] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Survivor]:
        return [s for s in self.survivors if not s.why]


def targets() -> dict[str, Target]:
    """Every pack with reference rules, and the shared completions module (tested by every pack)."""
    reference = KIT_ROOT / "reference"
    packs = sorted(p.parent.name for p in reference.glob("*/rules.py"))
    found = {
        pack: Target(pack, f"reference/{pack}/rules.py", (pack,), reference / pack / RECORDS)
        for pack in packs
    }
    found[SHARED] = Target(SHARED, f"reference/{SHARED}.py", tuple(packs), reference / RECORDS)
    return found


def package_copy(destination: Path) -> Path:
    """A copy (never links: cosmic-ray writes into it) of the package as a wheel lays it out."""
    package = destination / "policy_conformance"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(KIT_ROOT / "conformance", package, ignore=ignore)
    for name in SUBPACKAGES:
        shutil.copytree(KIT_ROOT / name, package / name, ignore=ignore)
    return destination


def export(folder: Path) -> dict[str, Path]:
    """The suite as one corpus per pack, exported from the checkout (unmutated)."""
    subprocess.run(
        [sys.executable, "-m", "policy_conformance", "export", "--out", str(folder)],
        env=_environment(None),
        check=True,
        capture_output=True,
    )
    return {path.name.removesuffix(".corpus.json"): path for path in folder.glob("*.corpus.json")}


def _environment(view: Path | None) -> dict[str, str]:
    """The environment of a child: a child run's, with the copy first on the path."""
    from policy_conformance.mutants import child_environment

    environment = child_environment()
    # Mutants are written and read many times a second: a stale byte-code file must never win.
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    if view is not None:
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(view), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    return environment


def _changed_lines(diff: str) -> tuple[str, str]:
    """The removed and the added lines of a unified diff, stripped, one per line."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return "\n".join(removed), "\n".join(added)


def load_records(path: Path) -> list[dict[str, Any]]:
    """The equivalent mutants recorded for a target; each has operator, before, after and why."""
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    records = document.get("equivalent", [])
    for number, record in enumerate(records, 1):
        absent = {"operator", "before", "after", "why"} - set(record)
        if absent or not str(record.get("why", "")).strip():
            raise SystemExit(f"{path}: record {number}: needs {', '.join(sorted(absent)) or 'why'}")
    return list(records)


def run_target(
    target: Target, corpora: dict[str, Path], operators: str | None, records: Path | None
) -> TargetResult:
    """Make and test every mutant of one target in its own copy of the package."""
    result = TargetResult(target)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"mutants-{target.name}-") as scratch:
        folder = Path(scratch)
        view = package_copy(folder / "view")
        environment = _environment(view)
        replay = [sys.executable, "-m", "policy_conformance", "replay", "--adapter", ENGINE]
        replay += [str(corpora[pack]) for pack in target.packs]
        baseline = subprocess.run(
            replay, cwd=view, env=environment, capture_output=True, text=True, check=False
        )
        if baseline.returncode != 0:
            raise SystemExit(f"{target.name}: the unmutated reference fails its own scenarios")
        config = folder / "cosmic-ray.toml"
        config.write_text(_config(target, shlex.join(replay), operators), encoding="utf-8")
        session = folder / "session.sqlite"
        commands = [[_tool("cosmic-ray"), "init", str(config), str(session)]]
        if operators:
            commands.append([_tool("cr-filter-operators"), str(session), str(config)])
        commands.append([_tool("cosmic-ray"), "exec", str(config), str(session)])
        for command in commands:
            subprocess.run(command, cwd=view, env=environment, check=True, capture_output=True)
        dumped = subprocess.run(
            [_tool("cosmic-ray"), "dump", str(session)],
            cwd=view,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    for line in dumped.splitlines():
        job, outcome = json.loads(line)
        if outcome is None or outcome["worker_outcome"] == "skipped":
            continue
        result.made += 1
        if outcome["test_outcome"] == "killed":
            result.killed += 1
        elif outcome["test_outcome"] == "incompetent":
            result.incompetent += 1
        else:
            mutation = job["mutations"][0]
            before, after = _changed_lines(outcome["diff"])
            result.survivors.append(
                Survivor(
                    mutation["operator_name"],
                    mutation["definition_name"] or "",
                    mutation["start_pos"][0],
                    before,
                    after,
                    outcome["diff"],
                )
            )
    result.seconds = time.perf_counter() - started
    _explain(result, load_records(records or target.records), operators)
    result.survivors.sort(key=lambda s: (s.line, s.operator, s.after))
    return result


def _tool(name: str) -> str:
    """One of cosmic-ray's commands, beside this interpreter or on the PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed: python -m pip install -e '.[dev]'")
    return found


def _config(target: Target, test_command: str, operators: str | None) -> str:
    lines = [
        "[cosmic-ray]",
        f"module-path = {json.dumps('policy_conformance/' + target.module)}",
        f"timeout = {TIMEOUT}",
        "excluded-modules = []",
        f"test-command = {json.dumps(test_command)}",
        "",
        "[cosmic-ray.distributor]",
        'name = "local"',
    ]
    if operators:
        # cr-filter-operators skips the operators matching a pattern: skip all but the chosen.
        lines += [
            "",
            "[cosmic-ray.filters.operators-filter]",
            f"exclude-operators = [{json.dumps(f'(?!(?:{operators})$)')}]",
        ]
    return "\n".join(lines) + "\n"


def _explain(result: TargetResult, records: list[dict[str, Any]], operators: str | None) -> None:
    """Give each survivor its record's reason; keep the records that match no survivor."""
    matched: set[int] = set()
    for survivor in result.survivors:
        for number, record in enumerate(records):
            if (record["operator"], record["before"], record["after"]) == survivor.key:
                survivor.why = str(record["why"])
                matched.add(number)
    # With only some operators run, a record of another operator is not stale: it was not tried.
    tried = re.compile(f"(?:{operators})$") if operators else None
    result.stale = [
        record
        for number, record in enumerate(records)
        if number not in matched and (tried is None or tried.match(record["operator"]))
    ]


def render(results: Sequence[TargetResult]) -> list[str]:
    lines = []
    for r in results:
        explained = len(r.survivors) - len(r.unexplained)
        lines.append(
            f"{r.target.name}: {r.target.module}: {r.made} mutants, {r.killed} killed, "
            f"{len(r.survivors)} survived ({explained} recorded equivalent, "
            f"{len(r.unexplained)} unexplained), {r.incompetent} incompetent, "
            f"{r.seconds:.0f} s"
        )
    for r in results:
        for survivor in r.unexplained:
            lines.append(
                f"\nsurvived, not recorded: {r.target.module}:{survivor.line} "
                f"({survivor.definition}) {survivor.operator}"
            )
            lines += ["  - " + line for line in survivor.before.splitlines()]
            lines += ["  + " + line for line in survivor.after.splitlines()]
        for record in r.stale:
            lines.append(
                f"\nrecorded but no longer a survivor: {r.target.records.name} of {r.target.name}: "
                f"{record['operator']}: {record['after']}"
            )
    made = sum(r.made for r in results)
    survived = sum(len(r.survivors) for r in results)
    lines.append(
        f"\ngenerated mutants: {made}, killed {sum(r.killed for r in results)}, survived "
        f"{survived} ({sum(len(r.unexplained) for r in results)} unexplained), "
        f"{sum(r.seconds for r in results):.0f} s of replays"
    )
    return lines


def report_document(results: Iterable[TargetResult]) -> dict[str, Any]:
    return {
        "targets": [
            {
                "target": r.target.name,
                "module": r.target.module,
                "packs": list(r.target.packs),
                "made": r.made,
                "killed": r.killed,
                "incompetent": r.incompetent,
                "seconds": round(r.seconds, 1),
                "survivors": [
                    {
                        "line": s.line,
                        "definition": s.definition,
                        "operator": s.operator,
                        "before": s.before,
                        "after": s.after,
                        "why": s.why,
                    }
                    for s in r.survivors
                ],
                "stale_records": r.stale,
            }
            for r in results
        ]
    }


def main(argv: list[str]) -> int:
    known = targets()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", choices=sorted(known), default=[])
    parser.add_argument("--jobs", type=int, default=2, help="targets mutated at once")
    parser.add_argument("--operators", help="only the cosmic-ray operators matching this pattern")
    parser.add_argument("--records", type=Path, help="the records to hold one --target to")
    parser.add_argument("--report", type=Path, help="write the figures and survivors as JSON")
    parsed = parser.parse_args(argv)
    chosen = [known[name] for name in parsed.target or known]
    if parsed.records is not None and len(chosen) != 1:
        parser.error("--records needs exactly one --target")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutants-corpus-") as folder:
        corpora = export(Path(folder))
        with ThreadPoolExecutor(max_workers=max(1, parsed.jobs)) as pool:
            futures = [
                pool.submit(run_target, target, corpora, parsed.operators, parsed.records)
                for target in chosen
            ]
            results = [future.result() for future in futures]
    for line in render(results):
        print(line)
    print(f"wall time: {time.perf_counter() - started:.0f} s")
    if parsed.report is not None:
        parsed.report.write_text(json.dumps(report_document(results), indent=2) + "\n")
    return 1 if any(r.unexplained or r.stale for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
