"""A whole run's cost per scenario beside plain pytest-bdd on the same Gherkin, and a failure's.

The kit's side is the command a user runs, ``conformance run``, over the Inotuzumab pack's own
features copied as often as it takes to reach a size (1,000 or 10,000 scenarios): the kit's
steps, the ``python:`` adapter, the reference engine and the contract checks all at work.
The yardstick is plain pytest-bdd, installed alone in a virtual environment of its own (the same
pytest and pytest-bdd versions, nothing else), running the very same feature files with one
step definition per keyword that does nothing, and their tags as markers. Each process is
measured whole, by the CPU seconds the OS accounts to it, in interleaved pairs over several
rounds; the median of the round-by-round ratios is printed. A failing run is the same project
against an engine that answers every case with the opposite outcome.

    python benchmarks/bench_run.py                    # 1,000 and 10,000 scenarios
    python benchmarks/bench_run.py --sizes 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from common import KIT_ROOT, Usage, clean_environment, median_ratio, paired, row, usage

from policy_conformance.lint import parse_feature

PACK = "inotuzumab_besponsa"
#: The goals: kit per scenario against plain pytest-bdd, and a failing scenario against a pass.
PER_SCENARIO_GOAL = 1.25
FAILING_GOAL = 1.5

PLAIN_STEPS = """\
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("features")
ANY = parsers.re(r"(?s).*")


@given(ANY)
def _():
    pass


@when(ANY)
def _():
    pass


@then(ANY)
def _():
    pass
"""

# Tags as markers, as a plain pytest-bdd project with ``@clause:ID`` tags must declare them.
PLAIN_CONFTEST = """\
import pytest

MARKERS = ("clause", "reading", "pack")


def pytest_configure(config):
    for name in (*MARKERS, "applies", "near-miss"):
        config.addinivalue_line("markers", name)


def pytest_bdd_apply_tag(tag, function):
    name, _, argument = tag.partition(":")
    if name in MARKERS:
        getattr(pytest.mark, name)(argument)(function)
        return True
    return None
"""

WRONG_ENGINE = """\
from policy_conformance import reference

OPPOSITE = {"covered": "not-covered", "not-covered": "covered"}


def decide(case):
    decision = reference.decide(case)
    decision["outcome"] = OPPOSITE.get(decision["outcome"], "covered")
    return decision
"""


def plain_python(cache: Path) -> Path:
    """A virtual environment with pytest and pytest-bdd alone, at the kit's versions."""
    pins = [f"pytest=={version('pytest')}", f"pytest-bdd=={version('pytest-bdd')}"]
    folder = cache / ("plain-" + "-".join(p.replace("==", "") for p in pins))
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *pins], check=True)
    return python


def scenarios_once() -> int:
    """How many scenarios one copy of the pack's features holds (an outline counts its rows)."""
    features = sorted((KIT_ROOT / "features" / PACK).glob("*.feature"))
    return sum(len(s.renderings) for path in features for s in parse_feature(path)[0])


def write_projects(root: Path, size: int) -> tuple[Path, Path, int]:
    """The kit's root and the plain project for about ``size`` scenarios, and the exact count."""
    once = scenarios_once()
    copies = max(1, round(size / once))
    kit = root / f"kit-{size}"
    plain = root / f"plain-{size}"
    shutil.copytree(KIT_ROOT / "fixtures" / PACK, kit / "fixtures" / PACK)
    features = kit / "features" / PACK
    shutil.copytree(
        KIT_ROOT / "features" / PACK, features, ignore=shutil.ignore_patterns("*.feature")
    )
    (plain / "features").mkdir(parents=True)
    for path in sorted((KIT_ROOT / "features" / PACK).glob("*.feature")):
        for copy in range(copies):
            name = f"{path.stem}_{copy}.feature"
            shutil.copyfile(path, features / name)
            shutil.copyfile(path, plain / "features" / name)
    (plain / "test_plain.py").write_text(PLAIN_STEPS)
    (plain / "conftest.py").write_text(PLAIN_CONFTEST)
    (plain / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (kit / "wrong_engine.py").write_text(WRONG_ENGINE)
    return kit, plain, once * copies


def conformance(kit: Path, *arguments: str) -> Usage:
    command = [sys.executable, "-m", "policy_conformance", "run", "-q", *arguments]
    return usage(command, cwd=kit, env=clean_environment(CONFORMANCE_KIT_ROOT=str(kit)))


def measure(root: Path, python: Path, size: int, rounds: int) -> list[str]:
    """Lines of figures for one size: per-scenario CPU of each side, and the two ratios."""
    kit, plain, count = write_projects(root, size)
    taken = paired(
        rounds,
        {
            "plain": lambda: usage([str(python), "-m", "pytest", "-q"], cwd=plain),
            "kit": lambda: conformance(kit),
            "kit failing": lambda: conformance(kit, "--adapter", "python:wrong_engine:decide"),
        },
    )
    expected = {"plain": 0, "kit": 0, "kit failing": 1}
    for label, runs in taken.items():
        if any(run.code != expected[label] for run in runs):
            codes = sorted({run.code for run in runs})
            raise SystemExit(f"{label} run of {count} scenarios exited {codes}, not {expected}")
    cpu = {label: [run.cpu for run in runs] for label, runs in taken.items()}
    per = {label: statistics.median(values) / count * 1000 for label, values in cpu.items()}
    return [
        f"{count:,} scenarios, CPU ms a scenario (median of {rounds}): kit {per['kit']:.2f}, "
        f"plain pytest-bdd {per['plain']:.2f}, kit failing {per['kit failing']:.2f}",
        row(
            f"kit / plain pytest-bdd, {count:,} scenarios",
            median_ratio(cpu["kit"], cpu["plain"]),
            "<=",
            PER_SCENARIO_GOAL,
        ),
        row(
            f"failing / passing scenario, {count:,}",
            median_ratio(cpu["kit failing"], cpu["kit"]),
            "<=",
            FAILING_GOAL,
        ),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    python = plain_python(Path(tempfile.gettempdir()) / "conformance-bench")
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as folder:
        for size in args.sizes:
            for line in measure(Path(folder), python, size, args.rounds):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
