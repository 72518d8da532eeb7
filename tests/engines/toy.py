"""Tiny engines in every shape the Python adapter accepts, for the adapter's own tests.

The module has no ``metadata()`` of its own, so that a bare function here shows how the adapter
describes a function that says nothing about itself. The engines that are Inotuzumab-only say so
in their own ``metadata()``: a run against them checks the Inotuzumab and contract packs only.
"""

from __future__ import annotations

import time
from typing import Any

INOTUZUMAB = {"id": "inotuzumab_besponsa", "version": "2020-11"}

DECISION = {
    "policy": dict(INOTUZUMAB),
    "outcome": "covered",
    "determination": "medically-necessary",
    "clauses": ["INO-RR-BALL"],
}


def decide(case: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": case["case_id"], **DECISION}


class Engine:
    """An engine object with metadata and close, counting how often it is closed."""

    closed = 0

    def metadata(self) -> dict[str, Any]:
        return {
            "name": "toy engine",
            "version": "1.2.3",
            "contract_version": "3.0",
            "policies": [dict(INOTUZUMAB)],
        }

    def decide(self, case: dict[str, Any]) -> dict[str, Any]:
        return decide(case)

    def close(self) -> None:
        Engine.closed += 1


engine = Engine()


def mutates(case: dict[str, Any]) -> dict[str, Any]:
    case["case_id"] = "changed-by-engine"
    case.clear()
    return {"case_id": "x", **DECISION}


def raises(case: dict[str, Any]) -> dict[str, Any]:
    raise ValueError("lookup table is empty")


def sleeps(case: dict[str, Any]) -> dict[str, Any]:
    time.sleep(5)
    return decide(case)


def not_json(case: dict[str, Any]) -> Any:
    return {"case_id": case["case_id"], "when": time}


def a_list(case: dict[str, Any]) -> Any:
    return [decide(case)]


def metadata_raises() -> None:
    raise RuntimeError("licence server down")


class BrokenMetadata:
    def metadata(self) -> dict[str, Any]:
        raise RuntimeError("licence server down")

    def decide(self, case: dict[str, Any]) -> dict[str, Any]:
        return decide(case)


class FutureContract(Engine):
    def metadata(self) -> dict[str, Any]:
        return {"name": "from the future", "contract_version": "4.0"}


NOT_CALLABLE = 42


def breaks_on_lymphoma(case: dict[str, Any]) -> dict[str, Any]:
    """Decides as the reference does, but crashes on every lymphoma case: some scenarios error."""
    from policy_conformance.reference import decide as reference_decide

    if "lymphoma" in case.get("clinical", {}).get("disease", ""):
        raise RuntimeError("rules table for lymphoma failed to load")
    return reference_decide(case)


class WrongAndBroken:
    """Rates NCCN category 2B as strong support (some scenarios fail) and crashes on every
    refractory disease (some error): one run with both kinds of bad result.

    An Inotuzumab mutant underneath, so it declares that policy alone."""

    def metadata(self) -> dict[str, Any]:
        return {"name": "wrong and broken", "contract_version": "3.0", "policies": [INOTUZUMAB]}

    def decide(self, case: dict[str, Any]) -> dict[str, Any]:
        from policy_conformance.reference.inotuzumab_besponsa.mutants import accepts_nccn_2b

        if case.get("clinical", {}).get("disease_status") == "refractory":
            raise RuntimeError("rules table for refractory disease failed to load")
        return accepts_nccn_2b(case)


wrong_and_broken = WrongAndBroken()


def slow_reference(case: dict[str, Any]) -> dict[str, Any]:
    """Decides as the reference does, a fifth of a second a case: a run long enough to stop."""
    from policy_conformance.reference import decide as reference_decide

    time.sleep(0.2)
    return reference_decide(case)
