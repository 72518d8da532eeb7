"""``conformance fuzz --cases 10000`` on one pack, as the user runs it: the whole command.

The reference against itself through the ``python:`` adapter, every case and reply validated at
the boundary, the pack's invariants checked; wall seconds (the goal: 15) and CPU seconds of the
whole process, the median of several rounds. The figure of ``benchmarks/run.py`` for this goal.

    python benchmarks/bench_fuzz.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys

import run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    lines = run.fuzz(args.rounds)
    print("\n".join(lines))
    return 1 if any(line.endswith("MISSED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
