"""The Da Vinci PAS wire: a case's request Bundle, and the ClaimResponse's review action read back.

PAS (Prior Authorization Support) sends a Bundle whose first entry is a Claim of use
``preauthorization`` to ``Claim/$submit``; the payer answers a Bundle whose first entry is a
ClaimResponse. Its decision is the review action of the item's adjudication
(``extension-reviewAction``, sub-extension ``reviewActionCode`` in X12 code set 306): A1 certified,
A3 not certified, A4 pended, NA no action required. Why (a determination) travels in the review
action's ``reasonCode``; what a pended review needs, in a contained CommunicationRequest whose
payload names the questionnaire items asked for. The payer's side of the same wire is built
here too, so that the reference engine can answer as a payer does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .fhir_outcomes import OUTCOMES
from .fhir_projection import CASE_ID_SYSTEM, KIT, ProjectionError, projection_for, resources_of

__all__ = [
    "ACTION_SYSTEM",
    "DETERMINATION_SYSTEM",
    "REVIEW_ACTION",
    "PasAnswer",
    "claim_response",
    "outcome_issue",
    "read_answer",
    "request_bundle",
    "resources_in",
]

REVIEW_ACTION: Final = (
    "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
)
#: X12 005010 code set 306, Health Care Service Review Action.
ACTION_SYSTEM: Final = "https://codesystem.x12.org/005010/306"
#: The kit's codes for the policy's determination, carried as a review action reason. X12's own
#: reason codes (set 886) are licensed and cannot say investigational against not medically
#: necessary; a payer that uses them is read by text only where it says which.
DETERMINATION_SYSTEM: Final = f"{KIT}/CodeSystem/determination"

#: Review action code by contract outcome, for the payer's side.
ACTIONS: Final = {name: wire.pas_action for name, wire in OUTCOMES.items()}


def _full_url(resource: Mapping[str, Any]) -> str:
    return f"{KIT}/{resource['resourceType']}/{resource['id']}"


def request_bundle(case: Mapping[str, Any]) -> dict[str, Any]:
    """The PAS request Bundle for ``case``, through its pack's projection."""
    policy = case.get("policy_id")
    if not isinstance(policy, str):
        raise ProjectionError("the case names no policy, so no projection applies")
    resources = resources_of(case, projection_for(policy))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "identifier": {"system": CASE_ID_SYSTEM, "value": str(case.get("case_id", ""))},
        "entry": [{"fullUrl": _full_url(r), "resource": r} for r in resources],
    }


def resources_in(bundle: object) -> list[dict[str, Any]]:
    """The resources of a Bundle; ProjectionError when it is not one."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ProjectionError("the body is not a FHIR Bundle")
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise ProjectionError("the Bundle has no entry list")
    found = [e.get("resource") for e in entries if isinstance(e, dict)]
    if not all(isinstance(r, dict) for r in found):
        raise ProjectionError("a Bundle entry holds no resource")
    return [r for r in found if isinstance(r, dict)]


# --- the payer's answer ---------------------------------------------------------------------


def claim_response(
    decision: Mapping[str, Any], claim: Mapping[str, Any], requested: list[str]
) -> dict[str, Any]:
    """The PAS answer Bundle a payer sends for ``decision`` on ``claim``.

    ``requested`` are the questionnaire items (fact paths) a pended review asks for.
    """
    outcome = str(decision.get("outcome"))
    action: list[dict[str, Any]] = [
        {
            "url": "reviewActionCode",
            "valueCodeableConcept": {
                "coding": [{"system": ACTION_SYSTEM, "code": ACTIONS[outcome]}]
            },
        }
    ]
    case_id = next(
        (
            i.get("value")
            for i in claim.get("identifier") or []
            if i.get("system") == CASE_ID_SYSTEM
        ),
        None,
    )
    digest = hashlib.sha1(str(case_id).encode(), usedforsecurity=False).hexdigest()[:12]
    if outcome == "covered":
        action.append({"url": "number", "valueString": f"PA-{digest}"})
    if "determination" in decision:
        action.append(
            {
                "url": "reasonCode",
                "valueCodeableConcept": {
                    "coding": [{"system": DETERMINATION_SYSTEM, "code": decision["determination"]}],
                    "text": str(decision.get("rationale", decision["determination"])),
                },
            }
        )
    response: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": f"answer-{digest}",
        "status": "active",
        "type": claim.get("type", {}),
        "use": "preauthorization",
        "patient": claim.get("patient", {}),
        "created": claim.get("created", "2000-01-01"),
        "insurer": claim.get("insurer", {}),
        "request": {"identifier": {"system": CASE_ID_SYSTEM, "value": case_id}},
        "outcome": "queued" if outcome == "pended" else "complete",
        "item": [
            {
                "itemSequence": 1,
                "adjudication": [
                    {
                        "category": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                                    "code": "submitted",
                                }
                            ]
                        },
                        "extension": [{"url": REVIEW_ACTION, "extension": action}],
                    }
                ],
            }
        ],
    }
    if outcome == "covered":
        response["preAuthRef"] = f"PA-{digest}"
    if requested:
        response["contained"] = [
            {
                "resourceType": "CommunicationRequest",
                "id": "information-needed",
                "status": "active",
                "subject": claim.get("patient", {}),
                "payload": [{"contentString": link} for link in requested],
            }
        ]
        response["communicationRequest"] = [{"reference": "#information-needed"}]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": _full_url(response), "resource": response}],
    }


def outcome_issue(errors: list[Mapping[str, Any]]) -> dict[str, Any]:
    """An OperationOutcome for a request the payer cannot read, one issue an error."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "invalid",
                "diagnostics": str(e.get("message", "")),
                **({"expression": [str(e["path"])]} if e.get("path") else {}),
            }
            for e in errors
        ]
        or [{"severity": "error", "code": "invalid", "diagnostics": "the request is refused"}],
    }


# --- reading the answer ---------------------------------------------------------------------


@dataclass(frozen=True)
class PasAnswer:
    """What a ClaimResponse says, as the kit reads it."""

    case_id: str | None
    action: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    reason_texts: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_answer(body: Mapping[str, Any]) -> PasAnswer:
    """The review action of a PAS answer (a Bundle with a ClaimResponse, or a ClaimResponse).

    Raises ProjectionError when the answer carries no single review action.
    """
    response: Mapping[str, Any] = body
    if body.get("resourceType") == "Bundle":
        found = [r for r in resources_in(body) if r.get("resourceType") == "ClaimResponse"]
        if len(found) != 1:
            raise ProjectionError(f"the answer Bundle holds {len(found)} ClaimResponses, not one")
        response = found[0]
    if response.get("resourceType") != "ClaimResponse":
        raise ProjectionError(
            f"the answer is a {response.get('resourceType') or 'JSON object'}, not a ClaimResponse"
        )
    errors = [
        str(c.get("code") or c.get("display"))
        for e in response.get("error") or []
        if isinstance(e, dict)
        for c in (e.get("code") or {}).get("coding") or []
    ]
    request = response.get("request") or {}
    identifier = request.get("identifier") if isinstance(request, dict) else None
    case_id = identifier.get("value") if isinstance(identifier, dict) else None
    actions: list[str] = []
    reasons: list[dict[str, Any]] = []
    texts: list[str] = []
    for item in response.get("item") or []:
        for adjudication in item.get("adjudication") or []:
            for ext in adjudication.get("extension") or []:
                if ext.get("url") != REVIEW_ACTION:
                    continue
                for sub in ext.get("extension") or []:
                    concept = sub.get("valueCodeableConcept") or {}
                    codings = [c for c in concept.get("coding") or [] if isinstance(c, dict)]
                    if sub.get("url") == "reviewActionCode":
                        actions += [
                            str(c.get("code")) for c in codings if c.get("system") == ACTION_SYSTEM
                        ]
                    elif sub.get("url") == "reasonCode":
                        reasons += codings
                        if concept.get("text"):
                            texts.append(str(concept["text"]))
    if response.get("outcome") == "error" or (errors and not actions):
        return PasAnswer(case_id, "", errors=errors or ["outcome error"])
    distinct = sorted(set(actions))
    if len(distinct) != 1:
        raise ProjectionError(
            "the ClaimResponse carries no review action (item.adjudication.extension "
            f"reviewAction.reviewActionCode in {ACTION_SYSTEM})"
            if not distinct
            else f"the ClaimResponse's items carry different review actions: {distinct}"
        )
    contained = {
        f"#{r.get('id')}": r for r in response.get("contained") or [] if isinstance(r, dict)
    }
    requested: list[str] = []
    for ref in response.get("communicationRequest") or []:
        target = contained.get(str((ref or {}).get("reference")))
        for payload in (target or {}).get("payload") or []:
            if isinstance(payload, dict) and isinstance(payload.get("contentString"), str):
                requested.append(payload["contentString"])
    return PasAnswer(case_id, distinct[0], reasons, texts, requested)
