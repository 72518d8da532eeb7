"""The kit's cost per scenario beside a plain pytest-bdd project, and a failure's beside a pass.

Generates, in a temporary folder, two projects of the same size with the same trivial steps: a
plain pytest-bdd project, and the same project with the kit's plugin switched on (as its suite
switches it on: engine opened once, one result a scenario, tags as markers, the clause table).
Each is run in a fresh ``python -m pytest`` with every scenario passing, then with every
scenario failing in its Then step. Prints wall times and the cost per scenario (the run's wall
time less the same project's collect-only wall time, over the scenarios) side by side.

    python benchmarks/bench_run.py                    # 1,000 and 10,000 scenarios
    python benchmarks/bench_run.py --sizes 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FEATURE_FILES = 10
PLAIN_FAILURES_UP_TO = 1000

STEPS = """\
from pytest_bdd import given, parsers, scenarios, then, when
{activation}
scenarios("features")


@given(parsers.parse("a basket of {{count:d}} items"), target_fixture="basket")
def _(count):
    return list(range(count))


@when("one more item is added")
def _(basket):
    basket.append(len(basket))


@then(parsers.parse("the basket holds {{count:d}} items"))
def _(basket, count):
    assert len(basket) == count, f"expected {{count}} items, found {{len(basket)}}"
"""

KIT_ACTIVATION = """
from policy_conformance import plugin
from policy_conformance.bdd_private import register_while_binding

register_while_binding(plugin, plugin.NAME)
"""


def write_project(root: Path, scenarios: int, *, kit: bool, failing: bool) -> Path:
    """A project of ``scenarios`` scenarios over ``FEATURE_FILES`` features; returns its folder."""
    name = f"{'kit' if kit else 'plain'}-{'fail' if failing else 'pass'}-{scenarios}"
    project = root / name
    (project / "features").mkdir(parents=True)
    per_file = scenarios // FEATURE_FILES
    expected = 4 if failing else 3
    for number in range(FEATURE_FILES):
        # The same tags in both; the kit reads its clause tag as a marker with an argument.
        clause = f"@clause:BENCH-{number}" if kit else "@bench_clause"
        lines = [f"{clause} @applies", f"Feature: Basket {number}", ""]
        for index in range(per_file):
            lines += [
                f"  Scenario: Adding to basket {number}-{index}",
                "    Given a basket of 2 items",
                "    When one more item is added",
                f"    Then the basket holds {expected} items",
                "",
            ]
        (project / "features" / f"basket_{number}.feature").write_text("\n".join(lines))
    activation = KIT_ACTIVATION if kit else ""
    (project / "test_basket.py").write_text(STEPS.format(activation=activation))
    # Tags become markers: the plain project declares them as any pytest-bdd project must.
    (project / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\n"
        + ("" if kit else "markers =\n    applies\n    bench_clause\n")
    )
    return project


def wall(project: Path, *arguments: str) -> float:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *arguments],
        cwd=project,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - started


def measure(root: Path, scenarios: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Best wall time and cost per scenario (ms) of each project, over interleaved rounds."""
    # A plain project's failures format full tracebacks (tens of ms each): shown at small sizes.
    projects = {
        (kit, failing): write_project(root, scenarios, kit=kit, failing=failing)
        for kit in (False, True)
        for failing in (False, True)
        if kit or not failing or scenarios <= PLAIN_FAILURES_UP_TO
    }
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for (kit, failing), project in projects.items():
            collect = wall(project, "--co")
            run = wall(project)
            label = f"{'kit' if kit else 'plain pytest-bdd'}, {'failing' if failing else 'passing'}"
            per_scenario = max(run - collect, 0.0) / scenarios * 1000
            if label not in best or run < best[label][0]:
                best[label] = (run, per_scenario)
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as folder:
        for size in args.sizes:
            best = measure(Path(folder), size, args.rounds)
            print(f"{size:,} scenarios (best of {args.rounds})")
            print(f"  {'project':<28} {'wall s':>8} {'ms/scenario':>12}")
            for label, (run, per_scenario) in best.items():
                print(f"  {label:<28} {run:>8.2f} {per_scenario:>12.3f}")
            kit_pass = best["kit, passing"][1]
            plain_pass = best["plain pytest-bdd, passing"][1]
            print(f"  kit / plain, passing:    {kit_pass / plain_pass:.2f} (target <= 1.25)")
            print(
                f"  kit failing / passing:   {best['kit, failing'][1] / kit_pass:.2f} (target <= 2)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
