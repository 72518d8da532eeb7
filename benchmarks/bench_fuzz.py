"""How fast ``conformance fuzz`` searches: a long search, and each adapter kind beside its wire.

First the search the issue sets a budget for: CASES (10,000) cases drawn from the pack's case
space, the reference against the reference through the ``python:`` adapter as ``conformance
fuzz`` opens it, every case and reply validated at the boundary, the invariants checked too;
then the same without the invariants. Then a shorter search through each adapter kind (the
engine through ``python:``, ``jsonl:`` or ``http:``, the oracle in process), beside that kind's
raw transport measured in the same run by the other bench modules.

    python benchmarks/bench_fuzz.py [CASES]
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
import time

import bench_cli
import httpx
from common import CASE, rate

from policy_conformance import reference
from policy_conformance.adapters import AdapterOptions, open_adapter
from policy_conformance.boundary import CheckedEngine
from policy_conformance.fuzz import search
from policy_conformance.packs import Pack, load_packs
from policy_conformance.reference.server import running

PYTHON = "python:policy_conformance.reference:ReferenceEngine"
JSONL = "jsonl:" + shlex.join([sys.executable, "-m", "policy_conformance.reference", "--jsonl"])
#: The budget the issue sets for the long search, in seconds on the project's 2-core machine.
BUDGET = 15.0
#: Cases of each shorter per-kind search.
PER_KIND = 1000


def _timed_search(engine_spec: str, pack: Pack, cases: int) -> tuple[float, int]:
    """Seconds for a search of ``cases`` cases, and how many kinds it found (0 is right)."""
    options = AdapterOptions(timeout=30.0, connect_timeout=30.0)
    engine = CheckedEngine(open_adapter(engine_spec, options))
    oracle = CheckedEngine(open_adapter(PYTHON, options))
    try:
        started = time.perf_counter()
        result = search(engine, oracle, pack, cases=cases, seed=2026)
        elapsed = time.perf_counter() - started
    finally:
        engine.adapter.close()
        oracle.adapter.close()
    return elapsed, len(result.findings) + len(result.violations) + result.errored


def main(argv: list[str]) -> int:
    cases = int(argv[0]) if argv else 10_000
    pack = next(p for p in load_packs() if p.id == "inotuzumab_besponsa")
    differential = dataclasses.replace(pack, invariants={})

    whole, found = _timed_search(PYTHON, pack, cases)
    only, found_only = _timed_search(PYTHON, differential, cases)
    print(f"{cases} cases, reference against reference, python: adapter, validated both ways")
    print(f"  with the invariants:    {whole:6.1f} s  {cases / whole:7.0f} cases/s  found {found}")
    print(
        f"  differential only:      {only:6.1f} s  {cases / only:7.0f} cases/s  found {found_only}"
    )
    verdict = "met" if whole <= BUDGET else "MISSED"
    print(f"  budget {BUDGET:.0f} s with the invariants: {verdict}")

    # A case costs one call through the adapter and one to the oracle in process.
    print(f"\n{PER_KIND} cases a kind, differential only, engine through the adapter:")
    direct = rate(PER_KIND, lambda: reference.decide(CASE))
    pipe = bench_cli.through_raw_pipe(PER_KIND)
    rows = [("python:", PYTHON, direct, "direct call loop"), ("jsonl:", JSONL, pipe, "raw pipe")]
    with running() as root:
        base = f"{root}/v1"
        with httpx.Client(base_url=base, timeout=10) as client:
            http = rate(PER_KIND // 4, lambda: client.post("/decisions", json=CASE).json())
        rows.append(("http:", f"http:{base}", http, "raw httpx POST"))
        for kind, spec, raw, raw_name in rows:
            count = PER_KIND // 4 if kind == "http:" else PER_KIND
            elapsed, kinds_found = _timed_search(spec, differential, count)
            print(
                f"  {kind:<8} {count / elapsed:7.0f} cases/s   beside {raw_name}: {raw:7.0f} "
                f"calls/s  found {kinds_found}"
            )
    return 0 if whole <= BUDGET and not found and not found_only else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
