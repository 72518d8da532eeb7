"""What the Da Vinci interfaces cost: per-case time through pas: and crd: beside http:, one engine.

Starts the reference server on a loopback port (its ``/v1`` binding, its PAS face under ``/fhir``
and its CRD face under ``/cds-services``), then decides the same valid case N times through each
adapter, each answer checked against the contract as a run checks it, and prints milliseconds
per case and the ratios. The PAS path includes building the request Bundle through the pack's
projection, the payer side's reading it back, the ClaimResponse and its reading; the CRD path a
signed hook call, the payer's read of the case from the kit's FHIR endpoint, and the three
layers of grading. The goal is at
most twice the http: cost.

    python benchmarks/bench_davinci.py [--requests 500] [--rounds 3]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from common import CASE, best_of, rate

from policy_conformance.adapters import Adapter, AdapterOptions, open_adapter
from policy_conformance.contract import violations
from policy_conformance.reference.server import running

#: The most a Da Vinci interface may cost per case, as a multiple of the http: adapter's.
GOAL = 2.0


def _checked(adapter: Adapter) -> Callable[[], object]:
    def one() -> object:
        decision = adapter.decide(CASE)
        if violations("decision", decision):
            raise SystemExit(f"{adapter.spec}: an invalid decision: {decision}")
        return decision

    return one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="cases per loop (500)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, best kept (3)")
    args = parser.parse_args(argv)
    options = AdapterOptions(timeout=10)
    with running() as root:
        adapters = {
            "http:": open_adapter(f"http:{root}/v1", options),
            "pas:": open_adapter(f"pas:{root}/fhir", options),
            "crd:": open_adapter(f"crd:{root}/cds-services", options),
        }
        try:
            calls = {label: _checked(adapter) for label, adapter in adapters.items()}
            outcomes = {label: call()["outcome"] for label, call in calls.items()}
            if len(set(outcomes.values())) != 1:
                raise SystemExit(f"the interfaces disagree on the case: {outcomes}")
            best = best_of(
                args.rounds,
                {
                    label: (lambda call=call: rate(args.requests, call))
                    for label, call in calls.items()
                },
            )
        finally:
            for adapter in adapters.values():
                adapter.close()
    http_ms = 1000 / best["http:"]
    print(f"cases per loop:   {args.requests} (best of {args.rounds})")
    print(f"http: adapter:    {http_ms:8.3f} ms/case")
    worst = 0.0
    for label in adapters:
        if label == "http:":
            continue
        ms = 1000 / best[label]
        ratio = ms / http_ms
        worst = max(worst, ratio)
        met = "met" if ratio <= GOAL else "MISSED"
        print(
            f"{label:<5} adapter:    {ms:8.3f} ms/case  ratio {ratio:5.2f}  "
            f"(goal <= {GOAL:.1f}: {met})"
        )
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
