"""The words of the features and the contract values they stand for.

Policy staff write "not medically necessary"; the contract says ``not-medically-necessary``.
Each table maps one to the other, and an unknown phrase is an error that lists the known ones,
so a typo in a feature never silently means something else. The words for missing facts are the
policy's own: each pack's facts schema gives them (:func:`missing_fact_phrases`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from policy_conformance.errors import KitError
from policy_conformance.packs import Pack, pack_named

__all__ = [
    "COMPENDIA",
    "DETERMINATIONS",
    "LINEAGES",
    "OUTCOMES",
    "SIGNS",
    "STATUSES",
    "missing_fact_phrases",
    "phrase_list",
    "term",
]

OUTCOMES = {
    "covered": "covered",
    "not covered": "not-covered",
    "pended for more information": "pended",
    "outside the policy": "not-applicable",
}
DETERMINATIONS = {
    "medically necessary": "medically-necessary",
    "not medically necessary": "not-medically-necessary",
    "investigational": "investigational",
}
LINEAGES = {
    "b-cell precursor": "b-cell-precursor",
    "t-cell": "t-cell",
    "mixed phenotype": "mixed-phenotype",
}
STATUSES = {
    "relapsed": "relapsed",
    "refractory": "refractory",
    "newly diagnosed": "newly-diagnosed",
    "in remission": "in-remission",
}
SIGNS = {"positive": "positive", "negative": "negative"}
COMPENDIA = {
    "nccn": ("nccn", "category"),
    "micromedex drugdex": ("micromedex-drugdex", "class"),
    "ahfs-di": ("ahfs-di", ""),
    "clinical pharmacology": ("clinical-pharmacology", ""),
    "lexi-drugs": ("lexi-drugs", "evidence level"),
}


def missing_fact_phrases(pack: Pack) -> dict[str, str]:
    """The words for each missing fact of the pack's requests, as features write them.

    Each policy names its own missing facts, with the words, in its facts schema; a contract
    pack's requests are its policy pack's, and so are their missing facts.
    """
    policy = pack_named(pack.policy_of_requests)
    return {" ".join(title.lower().split()): name for name, title in policy.missing_facts.items()}


def term(table: Mapping[str, str], phrase: str, what: str) -> str:
    """The contract value for a feature's phrase, or a :class:`KitError` listing the known ones."""
    key = " ".join(phrase.lower().split())
    try:
        return table[key]
    except KeyError:
        known = ", ".join(repr(k) for k in table)
        raise KitError(f"unknown {what} {phrase!r} in a feature; known: {known}") from None


def phrase_list(text: str) -> list[str]:
    """Split "a, b and c" (or "a and b", or "a") into its items."""
    return [part.strip() for part in re.split(r",\s*|\s+and\s+", text.strip()) if part.strip()]
