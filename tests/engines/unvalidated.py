"""An engine of one blinatumomab policy that never checks its input, to prove the contract bites.

It declares the BCBS North Dakota policy only and decides every case with that policy's reference
rules, skipping the reference's rejection of malformed cases: what its rules cannot read it pends.
Every policy scenario passes; the contract's malformed-case scenarios, run with this pack's
requests, must fail it.
"""

from __future__ import annotations

from typing import Any

from policy_conformance.contract import CONTRACT_VERSION
from policy_conformance.reference import blincyto_bcbsnd

__all__ = ["decide", "metadata"]


def metadata() -> dict[str, Any]:
    return {
        "name": "unvalidated blinatumomab engine",
        "version": "1.0.0",
        "contract_version": CONTRACT_VERSION,
        "policies": [dict(blincyto_bcbsnd.POLICY)],
    }


def decide(case: Any) -> dict[str, Any]:
    try:
        decision: dict[str, Any] = blincyto_bcbsnd.decide(case)
    except Exception:  # no validation: what the rules cannot read is pended, never rejected
        case_id = case.get("case_id") if isinstance(case, dict) else None
        return {
            "case_id": case_id if isinstance(case_id, str) and case_id else "unknown",
            "policy": dict(blincyto_bcbsnd.POLICY),
            "outcome": "pended",
            "missing_facts": ["disease-status"],
            "clauses": ["BND-RECORDS"],
        }
    return decision
