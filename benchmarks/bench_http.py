"""How much the HTTP adapter costs: cases per second through it, beside a bare httpx loop.

Starts the reference server on a loopback port, then sends the same valid case N times through
a raw keep-alive ``httpx.Client`` and N times through :class:`adapters.http.HttpAdapter`, and
prints both rates and their ratio (the adapter should keep at least half the raw rate).

    python benchmarks/bench_http.py [--requests 2000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json

import httpx
from common import CASE, rate

from policy_conformance.adapters import AdapterOptions
from policy_conformance.adapters.http import HttpAdapter
from policy_conformance.contract import violations
from policy_conformance.reference.server import running


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="cases per loop (2000)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the loops this often")
    args = parser.parse_args(argv)

    problems = violations("case", CASE)
    if problems:
        raise SystemExit(f"the benchmark case is not a valid case: {problems}")

    with running() as root:
        base = f"{root}/v1"
        body = json.dumps(CASE).encode()
        headers = {"Content-Type": "application/json"}
        adapter = HttpAdapter(f"http:{base}", AdapterOptions(timeout=10))
        with httpx.Client(base_url=base, timeout=10) as client:

            def raw() -> object:
                response = client.post("/decisions", content=body, headers=headers)
                response.raise_for_status()
                return response.json()

            def through_adapter() -> object:
                return adapter.decide(CASE)

            expected = raw()
            if through_adapter() != expected or violations("decision", expected):
                raise SystemExit(f"the two paths disagree, or the decision is invalid: {expected}")
            raw_rates, adapter_rates = [], []
            try:
                # Alternated, so that a machine that slows down midway hurts both alike.
                for _ in range(args.rounds):
                    raw_rates.append(rate(args.requests, raw))
                    adapter_rates.append(rate(args.requests, through_adapter))
            finally:
                adapter.close()

    raw_best, adapter_best = max(raw_rates), max(adapter_rates)
    ratio = adapter_best / raw_best
    print(f"requests per loop:  {args.requests} (best of {args.rounds})")
    print(f"raw httpx POST:     {raw_best:8.0f} cases/s")
    print(f"HttpAdapter:        {adapter_best:8.0f} cases/s")
    print(
        f"ratio:              {ratio:8.2f}  (target >= 0.50: {'met' if ratio >= 0.5 else 'MISSED'})"
    )
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
