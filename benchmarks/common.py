"""What the benchmarks share: the case they send, and how a rate is measured.

Benchmarks are scripts, not tests: shared machines are noisy, so figures are printed side by side
from one run and compared as ratios, never asserted against a clock.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIT_ROOT = Path(__file__).resolve().parent.parent
# Run as a script from a checkout: the kit's packages sit one level up.
sys.path.insert(0, str(KIT_ROOT))

#: A relapsed B-cell precursor ALL case, the contract's own example: decided (covered), so the
#: engine does its full work.
CASE: dict[str, Any] = json.loads(
    (KIT_ROOT / "contract" / "examples" / "case-primary-indication.json").read_text()
)

WARM_UP = 50


def rate(count: int, run_one: Callable[[], object]) -> float:
    """Cases per second over ``count`` calls of ``run_one``, after a short warm-up."""
    for _ in range(min(WARM_UP, count)):
        run_one()
    started = time.perf_counter()
    for _ in range(count):
        run_one()
    return count / (time.perf_counter() - started)


def best_of(rounds: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Each measure's best rate over ``rounds`` interleaved rounds.

    Interleaved, so that a busy moment on a shared machine does not land on one measure only.
    """
    best = dict.fromkeys(measures, 0.0)
    for _ in range(rounds):
        for label, measure in measures.items():
            best[label] = max(best[label], measure())
    return best


def verdict(ratio: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"(target >= {target:.1f}: {'met' if ratio >= target else 'MISSED'})"


# -- whole processes, side by side ---------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """What one process (and every child it waited for) cost: CPU and wall seconds, exit code."""

    cpu: float
    wall: float
    code: int
    #: Its standard output, when asked for (else empty).
    output: str = ""

    @property
    def reported(self) -> float:
        """The figure the process printed on its last line of output."""
        return float(self.output.split()[-1])


def usage(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    capture: bool = False,
) -> Usage:
    """Run ``argv`` to its end, output discarded unless ``capture``; its CPU seconds as the OS
    accounts them."""
    started = time.perf_counter()
    child = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = child.stdout.read() if child.stdout is not None else ""
    # wait4 reports the child's user and system time, and that of the children it waited for
    # (an engine it started): the process's own accounting, whatever else shares the machine.
    _, status, resources = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.stdout is not None:
        child.stdout.close()
    return Usage(
        resources.ru_utime + resources.ru_stime,
        time.perf_counter() - started,
        child.returncode,
        output,
    )


def paired(rounds: int, measures: dict[str, Callable[[], Usage]]) -> dict[str, list[Usage]]:
    """Every measure once a round, in turn, for ``rounds`` rounds (the order reversed every other
    round), so that a busy moment on a shared machine falls on all of them alike."""
    taken: dict[str, list[Usage]] = {label: [] for label in measures}
    for number in range(rounds):
        order = list(measures.items())
        for label, measure in order if number % 2 == 0 else reversed(order):
            taken[label].append(measure())
    return taken


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of the round-by-round ratios of two measures taken side by side."""
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


def clean_environment(**extra: str) -> dict[str, str]:
    """This environment without the kit's own settings, plus ``extra``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    environment.update(extra)
    return environment


def row(label: str, value: float, sense: str, goal: float, unit: str = "") -> str:
    """One figure beside its goal (``sense`` is ``<=`` or ``>=``), and whether it is met."""
    met = value <= goal if sense == "<=" else value >= goal
    verdict = "met" if met else "MISSED"
    return f"{label:<48} {value:8.2f}{unit:<2} goal {sense} {goal:g}{unit}: {verdict}"
