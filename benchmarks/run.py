"""Every adapter's benchmark in one run: ``python benchmarks/run.py``.

Prints, for each adapter kind, cases per second against the reference engine beside its raw
transport measured in the same run, and the ratios. Exits 1 when a target ratio is missed.
"""

from __future__ import annotations

import sys

import bench_cli
import bench_http
import bench_python


def main() -> int:
    print("== python: (in process) ==")
    bench_python.main([])
    print("\n== jsonl: and cli: (child processes) ==")
    cli = bench_cli.main([])
    print("\n== http: (loopback) ==")
    http = bench_http.main(["--rounds", "3"])
    return max(cli, http)


if __name__ == "__main__":
    sys.exit(main())
