"""The PAS adapter: ``pas:URL``, where URL is a payer's FHIR base, e.g. ``pas:https://payer/fhir``.

Da Vinci Prior Authorization Support: each case goes through its pack's FHIR projection into a
request Bundle (a Claim of use ``preauthorization`` first) and is POSTed to ``{URL}/Claim/$submit``;
the ClaimResponse's review action is the decision: A1 covered (medically necessary), A3 not
covered (the determination read from the action's reason, which must say which), A4 pended
(the missing facts read from the questionnaire items the answer asks for), NA not applicable.
A 400 or 422 OperationOutcome is a rejection. ``GET {URL}/metadata`` must be a
CapabilityStatement that offers Claim/$submit.

The transport is the HTTP adapter's: the same deadline over each exchange, size cap, refusal of
compressed answers and redaction of the bearer token (``--token-env``). PAS cannot carry the
clauses a decision rests on, nor the policy and version the payer applied: :attr:`carries`
names what it does carry, the grader leaves the rest ungraded and the report says so. The
decision handed to the harness marks the uncarried fields (clause ``NOT-CARRIED``, version
``not-carried``) and keeps the request Bundle and the answer in ``extensions.pas`` as evidence.
"""

from __future__ import annotations

import json
from typing import Final, NoReturn

from policy_conformance import contract
from policy_conformance.contract import CONTRACT_VERSION
from policy_conformance.contract.fhir_outcomes import outcome_of_action
from policy_conformance.contract.fhir_pas import (
    DETERMINATION_SYSTEM,
    PasAnswer,
    read_answer,
    request_bundle,
)
from policy_conformance.contract.fhir_projection import ProjectionError

from .base import AdapterOptions, JSONObject
from .errors import AdapterSpecError, EngineUnreachable
from .http import HttpAdapter

__all__ = ["NOT_CARRIED", "NOT_CARRIED_CLAUSE", "PasAdapter"]

#: The clause a decision read from PAS names: the interface cannot say which clauses it rests on.
NOT_CARRIED_CLAUSE: Final = "NOT-CARRIED"
#: The policy version such a decision names: PAS does not say which version the payer applied.
NOT_CARRIED: Final = "not-carried"

#: Why PAS cannot carry each decision field it leaves out; shown in the metadata and report.
UNCARRIED: Final = {
    "clauses": "a ClaimResponse has no element for the policy clauses a review rests on",
    "policy": "a ClaimResponse does not name the medical policy or the version applied",
}

_DETERMINATIONS: Final = ("medically-necessary", "not-medically-necessary", "investigational")


class PasAdapter(HttpAdapter):
    """Talk to a payer's PAS endpoint: one Claim/$submit a case."""

    media_type = "application/fhir+json"
    #: The decision fields this interface carries (the rest are not gradable on it).
    carries: Final = frozenset({"reply", "case_id", "outcome", "determination", "missing_facts"})

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        super().__init__(spec, options)

    def __repr__(self) -> str:
        return f"PasAdapter({self.spec!r})"

    def metadata(self) -> JSONObject:
        if self._metadata is None:
            status, body = self._exchange("GET", "metadata", None, self._timeout)
            if status != 200:
                self._unusable(f"GET metadata answered HTTP {status}", body)
            statement = self._json_object(body, "the CapabilityStatement")
            if statement.get("resourceType") != "CapabilityStatement":
                self._unusable("GET metadata is not a FHIR CapabilityStatement", body)
            if not _offers_submit(statement):
                self._unusable("the CapabilityStatement offers no Claim/$submit operation", body)
            given = statement.get("software")
            software: JSONObject = given if isinstance(given, dict) else {}
            about: JSONObject = {
                "name": str(software.get("name") or "PAS service"),
                "contract_version": CONTRACT_VERSION,
                "extensions": {
                    "interface": {
                        "kind": "pas",
                        "fhir_version": str(statement.get("fhirVersion", "")),
                        "carries": sorted(self.carries),
                        "not_carried": dict(UNCARRIED),
                    }
                },
            }
            if software.get("version"):
                about["version"] = str(software["version"])
            self._metadata = about
        metadata: JSONObject = self._redacted(self._metadata)
        return metadata

    def decide(self, case: JSONObject) -> JSONObject:
        try:
            bundle = request_bundle(case)
        except ProjectionError as exc:
            raise AdapterSpecError(f"{self.spec}: case {case.get('case_id')!r}: {exc}") from None
        content = json.dumps(bundle, ensure_ascii=False, allow_nan=False).encode("utf-8")
        status, body = self._exchange("POST", "Claim/$submit", content, self._timeout)
        if status in (400, 422):
            return self._rejection(case, status, body)
        if status >= 500:
            self._fail(f"Claim/$submit answered HTTP {status}", body)
        if status in (401, 403):
            self._fail(f"HTTP {status}: the payer refused the credentials (see token_env)", body)
        if status not in (200, 201):
            self._fail(f"Claim/$submit answered HTTP {status}; PAS answers 200", body)
        answer = self._json_object(body, "the PAS answer")
        try:
            read = read_answer(answer)
        except ProjectionError as exc:
            self._fail(f"the PAS answer cannot be read: {exc}", body)
        decision = self._decision(case, read, body)
        decision["extensions"] = {
            "pas": {"not_carried": sorted(UNCARRIED), "request": bundle, "response": answer}
        }
        redacted: JSONObject = self._redacted(decision)
        return redacted

    # --- reading ----------------------------------------------------------------------------

    def _decision(self, case: JSONObject, read: PasAnswer, body: bytes) -> JSONObject:
        if read.errors:
            self._fail(f"the ClaimResponse reports errors: {', '.join(read.errors)}", body)
        if not isinstance(read.case_id, str) or not read.case_id:
            self._fail(
                "the ClaimResponse does not name the Claim it answers (request.identifier)", body
            )
        outcome = outcome_of_action(read.action)
        if outcome is None:
            self._fail(
                f"review action {read.action!r} has no outcome in the contract "
                "(A1, A3, A4 and NA have)",
                body,
            )
        decision: JSONObject = {
            "case_id": read.case_id,
            "policy": {"id": str(case.get("policy_id")), "version": NOT_CARRIED},
            "outcome": outcome,
            "clauses": [NOT_CARRIED_CLAUSE],
        }
        if outcome == "covered":
            decision["determination"] = "medically-necessary"
        elif outcome == "not-covered":
            said = {
                str(c.get("code"))
                for c in read.reasons
                if c.get("system") == DETERMINATION_SYSTEM and c.get("code") in _DETERMINATIONS
            } - {"medically-necessary"}
            if len(said) != 1:
                self._fail(
                    "review action A3 gives no determination the kit can read (a reasonCode "
                    f"coding in {DETERMINATION_SYSTEM}: not-medically-necessary or "
                    f"investigational); reasons given: {read.reasons or read.reason_texts}",
                    body,
                )
            decision["determination"] = said.pop()
        elif outcome == "pended":
            decision["missing_facts"] = self._missing_facts(case, read, body)
        return decision

    def _missing_facts(self, case: JSONObject, read: PasAnswer, body: bytes) -> list[str]:
        if not read.requested:
            self._fail(
                "review action A4 pends the request without saying which information it needs "
                "(a contained CommunicationRequest naming the questionnaire items)",
                body,
            )
        by_item = _missing_fact_items(str(case.get("policy_id")))
        unknown = [item for item in read.requested if item not in by_item]
        if unknown:
            self._fail(
                f"the pended answer asks for {unknown}, which name no missing fact of the pack "
                f"(known items: {sorted(by_item)})",
                body,
            )
        return sorted({by_item[item] for item in read.requested})

    def _rejection(self, case: JSONObject, status: int, body: bytes) -> JSONObject:
        outcome = self._json_object(body, f"the HTTP {status} answer")
        if outcome.get("resourceType") != "OperationOutcome":
            self._fail(f"HTTP {status} without an OperationOutcome", body)
        errors = [
            {
                "message": str(issue.get("diagnostics") or issue.get("code") or "refused"),
                **({"path": str(issue["expression"][0])} if issue.get("expression") else {}),
            }
            for issue in outcome.get("issue") or []
            if isinstance(issue, dict)
        ] or [{"message": f"HTTP {status} OperationOutcome without issues"}]
        rejection: JSONObject = {"errors": errors}
        if isinstance(case.get("case_id"), str):
            rejection["case_id"] = case["case_id"]
        redacted: JSONObject = self._redacted(rejection)
        return redacted

    def _unusable(self, message: str, body: bytes) -> NoReturn:
        detail = self._scrub(body[:2000].decode("utf-8", errors="replace")) or "(empty body)"
        raise EngineUnreachable(self.spec, self._scrub(message), detail)


def _offers_submit(statement: JSONObject) -> bool:
    for rest in statement.get("rest") or []:
        for resource in (rest or {}).get("resource") or []:
            if (resource or {}).get("type") != "Claim":
                continue
            if any((op or {}).get("name") == "submit" for op in resource.get("operation") or []):
                return True
    return False


def _missing_fact_items(policy_id: str) -> dict[str, str]:
    """Questionnaire item (a fact's path) -> the pack's missing fact it asks for."""
    schema = contract.pack_facts(policy_id) or {}
    found: dict[str, str] = {}
    for entry in schema.get("$defs", {}).get("missing_fact", {}).get("oneOf", []):
        for path in entry.get("x-fields") or []:
            found[str(path)] = str(entry["const"])
        found.setdefault(str(entry["const"]), str(entry["const"]))
    return found
