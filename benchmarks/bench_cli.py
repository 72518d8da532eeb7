"""The command-line adapters against the raw pipe, the reference engine behind both.

``jsonl:`` and ``conformance replay`` (of the exported corpus, through ``jsonl:``) beside a raw
JSON-lines driver that sends the same cases over the same pipe to the same engine
(:mod:`drive`), whole processes side by side by CPU seconds; the figures of
``benchmarks/run.py`` for these two goals, alone. The one-shot ``cli:`` adapter, a process a
case, is the slow path and has no goal.

    python benchmarks/bench_cli.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as folder:
        lines = run.pipes(Path(folder), args.rounds)
    print("\n".join(lines))
    return 1 if any(line.endswith("MISSED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
