"""What the installed kit costs an unrelated project: its pytest start-up with and without the kit.

Builds the kit's wheel, makes two fresh virtual environments (one with pytest alone, at the
version the kit's wheel brings; one with the kit's wheel), writes a small vendor project with its
own ``contract`` and ``steps`` packages, and times that project's ``python -m pytest`` three ways,
interleaved, keeping each one's best: with pytest alone, with the kit installed, and with the kit
installed but its pytest plugin refused (``-p no:NAME``, the names read from the installed entry
points). The target, 10%, is on the kit's own plugin: the kit installed against the kit installed
with its plugin refused. Against pytest alone the figure also holds what the kit's dependencies
cost by themselves (pytest-bdd registers its own pytest plugin in every run of the environment).

    python benchmarks/bench_vendor_startup.py [ROUNDS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 (puts the checkout on the path, for tests.install)

from tests.install import (
    build_wheel,
    fresh_environment,
    run_clean,
    vendor_project,
)

TARGET = 1.10


def _output(python: Path, code: str) -> str:
    done = run_clean([str(python), "-I", "-c", code])
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout.strip()


def _kit_plugin_names(python: Path) -> list[str]:
    # Read from the installed metadata, so the benchmark follows a renamed or split plugin.
    code = (
        "from importlib.metadata import entry_points as e; print(' '.join(p.name for p in "
        "e(group='pytest11') if p.dist and p.dist.name == 'policy-conformance'))"
    )
    return _output(python, code).split()


def _seconds(python: Path, project: Path, *options: str) -> float:
    started = time.perf_counter()
    done = run_clean([str(python), "-m", "pytest", "-q", *options], cwd=project)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the vendor project's pytest failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main(argv: list[str]) -> int:
    rounds = int(argv[0]) if argv else 15
    with tempfile.TemporaryDirectory(prefix="vendor-startup-") as scratch:
        root = Path(scratch)
        print("building the wheel and two environments ...", flush=True)
        wheel = build_wheel(root / "wheel")
        with_kit = fresh_environment(root / "with-kit", str(wheel))
        pytest_version = _output(with_kit, "import pytest; print(pytest.__version__)")
        alone = fresh_environment(root / "pytest-alone", f"pytest=={pytest_version}")
        project = vendor_project(root / "vendor")
        refused = [f"-p no:{name}" for name in _kit_plugin_names(with_kit)]
        measures = {
            "pytest alone": (alone, []),
            f"kit installed, {' '.join(refused)}": (with_kit, refused),
            "kit installed": (with_kit, []),
        }
        best = dict.fromkeys(measures, float("inf"))
        for _ in range(rounds):
            for label, (python, options) in measures.items():
                flat = [part for option in options for part in option.split()]
                best[label] = min(best[label], _seconds(python, project, *flat))
    alone_s, refused_s, kit_s = best.values()
    print(f"vendor project's pytest start-up (pytest {pytest_version}), best of {rounds}:")
    for label, seconds in best.items():
        print(f"  {label:<45} {seconds * 1000:7.0f} ms")
    print(f"kit installed / pytest alone:               {kit_s / alone_s:.2f}")
    ratio = kit_s / refused_s
    print(f"kit installed / its plugin refused:         {ratio:.2f} ", end="")
    print(f"(target <= {TARGET:.2f}: {'met' if ratio <= TARGET else 'MISSED'})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
