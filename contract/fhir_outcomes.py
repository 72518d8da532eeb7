"""How each contract outcome reads on the Da Vinci wire: the one table behind PAS, CRD and the docs.

The ``pas:`` adapter reads review actions by it, the reference's PAS face answers by it, and the
contract README's table of standard vocabularies is generated from it, so the three cannot drift.
CRD is requirements discovery: only some of its answers decide an outcome (``crd_decides``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["COVERAGE_INFORMATION", "OUTCOMES", "WireOutcome", "outcome_of_action"]

#: The CRD coverage-information extension, the answer of a CRD service.
COVERAGE_INFORMATION: Final = (
    "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
)


@dataclass(frozen=True)
class WireOutcome:
    """One contract outcome on the wire."""

    #: The determinations the outcome carries, in words ("none" when it carries none).
    determination: str
    #: The CRD coverage-information a payer gives for it.
    crd: str
    #: The PAS review action (X12 005010 code set 306, HCR01) and its name.
    pas_action: str
    pas_words: str


OUTCOMES: Final = {
    "covered": WireOutcome(
        "medically-necessary",
        "`covered` with `pa-needed` = `satisfied` and a `satisfied-pa-id` (an unsolicited "
        "determination); `auth-needed` when the payer decides in PAS instead",
        "A1",
        "certified in total",
    ),
    "not-covered": WireOutcome(
        "not-medically-necessary or investigational",
        "`not-covered` with a `reason` and no `pa-needed`",
        "A3",
        "not certified",
    ),
    "pended": WireOutcome(
        "none",
        "`covered` with `pa-needed` = `auth-needed`, `doc-needed` = `clinical`, `doc-purpose` = "
        "`withpa`, a `reason` and the `questionnaire` that asks for the missing facts (never "
        "`conditional`, which crd-ci-q3 ties to `info-needed`; never `indeterminate`, which "
        "means a technical failure)",
        "A4",
        "pended",
    ),
    "not-applicable": WireOutcome(
        "none",
        "no coverage-information from this policy: it does not govern the request",
        "NA",
        "no action required",
    ),
}


def outcome_of_action(code: str) -> str | None:
    """The contract outcome of a PAS review action code, or None for one with no outcome."""
    return next((name for name, wire in OUTCOMES.items() if wire.pas_action == code), None)
