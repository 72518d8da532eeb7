"""How much the Python adapter costs: cases per second through it, beside a direct call loop.

Calls ``reference.decide`` directly, then through
``python:policy_conformance.reference:ReferenceEngine`` as
``conformance run`` opens it (with a per-case timeout, so each call crosses to a worker thread),
and without a timeout. No target is set for this adapter; the figures show what it costs.

    python benchmarks/bench_python.py [CASES]
"""

from __future__ import annotations

import sys

from common import CASE, best_of, rate

from policy_conformance import reference
from policy_conformance.adapters import AdapterOptions, open_adapter

SPEC = "python:policy_conformance.reference:ReferenceEngine"


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 5000
    timed = open_adapter(SPEC, AdapterOptions(timeout=30.0))
    untimed = open_adapter(SPEC, AdapterOptions(timeout=None))
    if timed.decide(CASE) != reference.decide(CASE):
        raise SystemExit("the adapter and the direct call disagree")
    best = best_of(
        3,
        {
            "direct call loop": lambda: rate(count, lambda: reference.decide(CASE)),
            "python: adapter, with a timeout": lambda: rate(count, lambda: timed.decide(CASE)),
            "python: adapter, no timeout": lambda: rate(count, lambda: untimed.decide(CASE)),
        },
    )
    raw = best["direct call loop"]
    for label, value in best.items():
        print(f"{label:<36} {value:10.0f} cases/s  ratio {value / raw:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
