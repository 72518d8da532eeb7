"""What the benchmarks share: the case they send, and how a rate is measured.

Benchmarks are scripts, not tests: shared machines are noisy, so figures are printed side by side
from one run and compared as ratios, never asserted against a clock.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
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
