"""An engine with two mistakes and one symptom, to prove that ``conformance fuzz`` shows both.

Each mistake denies a use the Inotuzumab policy covers (outcome not-covered where the reference
covers), for a different fact: CD22-negative disease taken as not B-cell precursor, and FDA
labeling never looked at. Grouped by symptom alone, one would hide the other.
"""

from __future__ import annotations

from typing import Any

from policy_conformance.reference.inotuzumab_besponsa.mutants import (
    ignores_fda_label,
    requires_cd22,
)

__all__ = ["denies_for_two_reasons"]


def _cd22_negative(case: Any) -> bool:
    clinical = case.get("clinical") if isinstance(case, dict) else None
    return isinstance(clinical, dict) and clinical.get("cd22_positive") is False


def denies_for_two_reasons(case: Any) -> dict[str, Any]:
    """Denies CD22-negative disease, and takes every other use as off-label."""
    return requires_cd22(case) if _cd22_negative(case) else ignores_fda_label(case)
