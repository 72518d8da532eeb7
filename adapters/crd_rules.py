"""The CRD rules a coverage-information extension is held to, per version of the guide.

Hand-written, one function a rule, each named by the invariant key of the IG
(``ext-coverage-information``, input/fsh/extensions/CoverageInformation.fsh at tags 2.0.1, 2.1.0,
2.2.1). Evaluating the published FHIRPath per answer would cost ~5 ms a rule; these are plain code.
Where the IG's own expression is defective the check follows the rule's description, and says so:

- crd-ci-q4 (2.2.1) compares pa-needed with ``'noauth'``, which is no code (the code is
  ``no-auth``), so as published it never fires for no-auth; checked here with ``no-auth``.
- q1, q2, q3 and q5 are checked on every version, q4 and q6 to q9 from 2.2 on (read from 2.2.1;
  whether the older tags carry them was not verified).
- crd-ci-q2 (2.0.1) reads ``covered != 'not-covered' implies pa-needed exists``, the reverse of
  its description (not-covered has no pa-needed); checked here as 2.1.0 fixed it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from policy_conformance.contract.fhir_outcomes import COVERAGE_INFORMATION

__all__ = ["COVERAGE_INFORMATION", "VERSIONS", "Rules", "breaches", "sub_values"]


@dataclass(frozen=True)
class Rules:
    """One version of the guide: its value sets and which invariants it has."""

    version: str
    covered: frozenset[str]
    pa_needed: frozenset[str]
    doc_needed: frozenset[str]
    info_needed: frozenset[str]
    doc_purpose: frozenset[str]
    reason: frozenset[str]
    #: Sub-extensions the version defines, by url.
    known: frozenset[str]
    #: Sub-extensions that may repeat.
    repeating: frozenset[str]


_BASE_KNOWN = frozenset(
    {
        "coverage", "covered", "pa-needed", "doc-needed", "doc-purpose", "info-needed",
        "billingCode", "reason", "detail", "dependency", "questionnaire", "date",
        "coverage-assertion-id", "satisfied-pa-id", "contact",
    }
)  # fmt: skip
_REPEATING = frozenset(
    {"doc-purpose", "info-needed", "billingCode", "reason", "detail", "dependency",
     "questionnaire", "contact", "response"}
)  # fmt: skip
_PURPOSE = frozenset({"withpa", "withclaim", "withorder", "retain-doc", "OTH"})

VERSIONS: Final = {
    "2.0.1": Rules(
        "2.0.1",
        covered=frozenset({"covered", "not-covered", "conditional"}),
        pa_needed=frozenset({"no-auth", "auth-needed", "satisfied", "performpa", "conditional"}),
        doc_needed=frozenset({"clinical", "admin", "both", "conditional"}),
        info_needed=frozenset({"performer", "location", "timeframe", "contract-window", "OTH"}),
        doc_purpose=_PURPOSE,
        reason=frozenset({"gold-card", "detail-code"}),
        known=_BASE_KNOWN | {"response"},
        repeating=_REPEATING - {"doc-needed"},
    ),
    "2.1": Rules(
        "2.1",
        covered=frozenset({"covered", "not-covered", "conditional"}),
        pa_needed=frozenset({"no-auth", "auth-needed", "satisfied", "performpa", "conditional"}),
        doc_needed=frozenset({"clinical", "admin", "patient", "conditional"}),
        info_needed=frozenset({"performer", "location", "timeframe", "contract-window", "OTH"}),
        doc_purpose=_PURPOSE,
        reason=frozenset({"gold-card", "detail-code"}),
        known=_BASE_KNOWN | {"expiry-date"},
        repeating=_REPEATING | {"doc-needed"},
    ),
    "2.2": Rules(
        "2.2",
        covered=frozenset({"covered", "not-covered", "conditional", "indeterminate"}),
        pa_needed=frozenset(
            {"no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"}
        ),
        doc_needed=frozenset({"clinical", "admin", "patient", "conditional", "indeterminate"}),
        info_needed=frozenset(
            {"performer", "location", "timeframe", "contract-window", "detail-code", "OTH"}
        ),
        doc_purpose=_PURPOSE,
        reason=frozenset(
            {
                "gold-card",
                "no-member-found",
                "no-active-coverage",
                "coverage-not-found",
                "auth-out-network",
                "technical",
            }
        ),
        known=_BASE_KNOWN | {"expiry-date"},
        repeating=_REPEATING | {"doc-needed"},
    ),
}

Values = Mapping[str, list[Any]]


def sub_values(extension: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The sub-extensions' values by url: codes and strings as themselves, others as given."""
    found: dict[str, list[Any]] = {}
    for sub in extension.get("extension") or []:
        if not isinstance(sub, dict):
            continue
        values = [v for k, v in sub.items() if k.startswith("value")]
        found.setdefault(str(sub.get("url")), []).append(values[0] if values else sub)
    return found


def _codes(values: Values, name: str) -> list[str]:
    return [v for v in values.get(name, []) if isinstance(v, str)]


def _reason_codes(values: Values) -> list[str]:
    return [
        str(c.get("code"))
        for r in values.get("reason", [])
        if isinstance(r, dict)
        for c in r.get("coding") or []
        if isinstance(c, dict)
    ]


Rule = Callable[[Values, Rules], str | None]


def crd_ci_q1(v: Values, r: Rules) -> str | None:
    return (
        "a questionnaire without doc-needed"
        if v.get("questionnaire") and not v.get("doc-needed")
        else None
    )


def crd_ci_q2(v: Values, r: Rules) -> str | None:
    if "not-covered" in _codes(v, "covered") and v.get("pa-needed"):
        return "not-covered with a pa-needed"
    return None


def crd_ci_q3(v: Values, r: Rules) -> str | None:
    conditional = any(
        "conditional" in _codes(v, name) for name in ("covered", "pa-needed", "doc-needed")
    )
    return "conditional without info-needed" if conditional and not v.get("info-needed") else None


def crd_ci_q4(v: Values, r: Rules) -> str | None:
    # The published expression tests 'noauth' (no such code): see the module's note.
    settled = set(_codes(v, "pa-needed")) & {"satisfied", "no-auth"}
    if settled and "withpa" in _codes(v, "doc-purpose"):
        return f"pa-needed {sorted(settled)[0]} with doc-purpose withpa"
    return None


def crd_ci_q5(v: Values, r: Rules) -> str | None:
    satisfied = "satisfied" in _codes(v, "pa-needed")
    has_id = bool(v.get("satisfied-pa-id"))
    if satisfied != has_id:
        return (
            "satisfied without a satisfied-pa-id"
            if satisfied
            else "a satisfied-pa-id unless satisfied"
        )
    return None


def crd_ci_q6(v: Values, r: Rules) -> str | None:
    return (
        "info-needed OTH without a reason"
        if "OTH" in _codes(v, "info-needed") and not v.get("reason")
        else None
    )


def crd_ci_q7(v: Values, r: Rules) -> str | None:
    for reason in v.get("reason", []):
        if not isinstance(reason, dict):
            continue
        codes = [str(c.get("code")) for c in reason.get("coding") or [] if isinstance(c, dict)]
        if any(code not in r.reason for code in codes) and not reason.get("text"):
            return f"a reason coded outside the value set ({codes}) without text"
    return None


def crd_ci_q8(v: Values, r: Rules) -> str | None:
    # Read as a conditional doc-needed needing a reason to say on what it depends.
    if "conditional" in _codes(v, "doc-needed") and not v.get("reason"):
        return "doc-needed conditional without a reason"
    return None


def crd_ci_q9(v: Values, r: Rules) -> str | None:
    indeterminate = any(
        "indeterminate" in _codes(v, name) for name in ("covered", "pa-needed", "doc-needed")
    )
    return "indeterminate without a reason" if indeterminate and not v.get("reason") else None


#: The invariants by key, and the first version that has each.
INVARIANTS: Final[dict[str, tuple[Rule, str]]] = {
    "crd-ci-q1": (crd_ci_q1, "2.0.1"),
    "crd-ci-q2": (crd_ci_q2, "2.0.1"),
    "crd-ci-q3": (crd_ci_q3, "2.0.1"),
    "crd-ci-q4": (crd_ci_q4, "2.2"),
    "crd-ci-q5": (crd_ci_q5, "2.0.1"),
    "crd-ci-q6": (crd_ci_q6, "2.2"),
    "crd-ci-q7": (crd_ci_q7, "2.2"),
    "crd-ci-q8": (crd_ci_q8, "2.2"),
    "crd-ci-q9": (crd_ci_q9, "2.2"),
}

_ORDER: Final = ("2.0.1", "2.1", "2.2")


def breaches(extension: Mapping[str, Any], version: str) -> list[str]:
    """Every rule of ``version`` the coverage-information ``extension`` breaks, each by its key."""
    rules = VERSIONS[version]
    v = sub_values(extension)
    found: list[str] = []
    for name in v:
        if name not in rules.known:
            found.append(f"crd-ci-elements: sub-extension {name!r} is not defined in CRD {version}")
    for name, values in v.items():
        if name in rules.known and name not in rules.repeating and len(values) > 1:
            found.append(
                f"crd-ci-elements: {name} repeats ({len(values)} times); 0..1 in {version}"
            )
    for name in ("coverage", "covered", "date", "coverage-assertion-id"):
        if not v.get(name):
            found.append(f"crd-ci-elements: {name} is required (1..1)")
    for name, allowed in (
        ("covered", rules.covered),
        ("pa-needed", rules.pa_needed),
        ("doc-needed", rules.doc_needed),
        ("info-needed", rules.info_needed),
        ("doc-purpose", rules.doc_purpose),
    ):
        for value in v.get(name, []):
            if value not in allowed:
                found.append(
                    f"crd-ci-valueset: {name} {value!r} is not in CRD {version}'s value set "
                    f"({', '.join(sorted(allowed))})"
                )
    for key, (rule, since) in INVARIANTS.items():
        if _ORDER.index(version) < _ORDER.index(since):
            continue
        broken = rule(v, rules)
        if broken:
            found.append(f"{key}: {broken}")
    return found
