"""The CRD adapter: ``crd:URL``, URL a payer's CDS Hooks base (``crd:https://payer/cds-services``).

Da Vinci Coverage Requirements Discovery over CDS Hooks: discovery (``GET {URL}``) must offer an
``order-sign`` service; each case goes through its pack's FHIR projection into a draft
MedicationRequest (``context.draftOrders``) with the patient and coverage prefetched, and the
rest of the case's resources are served to the payer from the kit's own FHIR endpoint on
loopback (``fhirServer``, with a per-case token in ``fhirAuthorization``). Each call is signed
with a JWT (ES384, or RS384 from a key file) whose key set the kit serves beside the endpoint.

An answer is graded in three layers, each reported in the decision's ``extensions.crd``:

1. shape: the answer against ``contract/cds-hooks-response.schema.json``;
2. CRD rules of the chosen version (``--crd-version`` 2.0.1, 2.1 or 2.2, the newest by default):
   the coverage-information's value sets and invariants (:mod:`.crd_rules`), one update of the
   order that changes nothing else;
3. the policy: ``not-covered`` decides not covered; ``pa-needed`` = ``satisfied`` with an id
   decides covered; every other answer (``auth-needed``, ``no-auth``, ...) is consistent with
   several outcomes and decides none: :meth:`CrdAdapter.consistent_outcomes` says which, and the
   grader passes no decision clause on it.

A breach of layer 1 or 2, an answer without coverage-information, ``indeterminate``, and the
set-up answers ``no-member-found`` / ``no-active-coverage`` / ``coverage-not-found`` are errors
with their reason. CRD carries neither clauses, determination, missing facts, nor the policy
version: the decision marks them as PAS does. Keys, the JWT and the FHIR token never appear in
any output.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from functools import cache
from importlib.resources import files
from typing import Any, Final, NoReturn

from jsonschema import Draft202012Validator

from policy_conformance.contract import CONTRACT_VERSION
from policy_conformance.contract.fhir_projection import (
    ProjectionError,
    projection_for,
    resources_of,
)

from .base import AdapterOptions, JSONObject
from .crd_rules import COVERAGE_INFORMATION, VERSIONS, breaches, sub_values
from .errors import AdapterSpecError, EngineUnreachable
from .fhir_endpoint import FhirEndpoint
from .http import HttpAdapter
from .pas import NOT_CARRIED, NOT_CARRIED_CLAUSE

__all__ = ["KEY_ENV", "CrdAdapter"]

#: The environment variable naming a PEM file with the private key calls are signed with (an EC
#: P-384 key signs ES384, an RSA key RS384). Unset: a fresh P-384 key for the run.
KEY_ENV: Final = "CONFORMANCE_CRD_KEY_FILE"
DEFAULT_VERSION: Final = "2.2"

UNCARRIED: Final = {
    "clauses": "coverage-information has no element for the clauses a decision rests on",
    "determination": "a not-covered reason is free text; CRD has no code for investigational",
    "missing_facts": "CRD asks for documentation by questionnaire; it decides no pended review",
    "policy": "coverage-information does not name the medical policy or the version applied",
    "case_id": "CDS Hooks answers the call it was sent; nothing on the wire echoes the case",
}
_SETUP_REASONS: Final = frozenset({"no-member-found", "no-active-coverage", "coverage-not-found"})
_ALL_OUTCOMES: Final = frozenset({"covered", "not-covered", "pended"})


@cache
def _response_schema() -> Draft202012Validator:
    text = files("policy_conformance.contract").joinpath("cds-hooks-response.schema.json")
    return Draft202012Validator(json.loads(text.read_text("utf-8")))


class _Signer:
    """The kit's CDS client identity: a private key, its public key set, and a JWT per call."""

    def __init__(self, spec: str) -> None:
        import jwt
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from jwt.algorithms import ECAlgorithm, RSAAlgorithm

        self._jwt = jwt
        path = os.environ.get(KEY_ENV, "").strip()
        key: Any
        if path:
            try:
                with open(path, "rb") as handle:
                    key = serialization.load_pem_private_key(handle.read(), password=None)
            except (OSError, ValueError, TypeError) as exc:
                # The message names the file, never its content.
                raise AdapterSpecError(
                    f"{spec}: {KEY_ENV}: cannot load a private key: {type(exc).__name__}"
                ) from None
        else:
            key = ec.generate_private_key(ec.SECP384R1())
        if isinstance(key, ec.EllipticCurvePrivateKey):
            self.algorithm = "ES384"
            public = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        elif isinstance(key, rsa.RSAPrivateKey):
            self.algorithm = "RS384"
            public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        else:
            raise AdapterSpecError(f"{spec}: {KEY_ENV}: the key must be EC P-384 or RSA")
        self._key = key
        self.kid = uuid.uuid4().hex
        self.jwks = {"keys": [{**public, "kid": self.kid, "alg": self.algorithm, "use": "sig"}]}

    def token(self, issuer: str, audience: str, jwks_url: str) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "sub": issuer,
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        headers = {"kid": self.kid, "jku": jwks_url, "typ": "JWT"}
        signed: str = self._jwt.encode(claims, self._key, algorithm=self.algorithm, headers=headers)
        return signed


class CrdAdapter(HttpAdapter):
    """Talk to a payer's CRD service: one order-sign call a case."""

    #: The decision fields CRD can carry; undecided answers carry none (see consistent_outcomes).
    carries: Final = frozenset({"reply", "outcome"})

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        if options.token_env:
            # The bearer token's auth flow would replace the signed JWT on every call.
            raise AdapterSpecError(
                f"{spec}: CDS Hooks calls carry a signed JWT; --token-env does not apply to crd: "
                f"(name a signing key file in {KEY_ENV} instead)"
            )
        self.version = options.extra.get("crd_version") or DEFAULT_VERSION
        if self.version not in VERSIONS:
            raise AdapterSpecError(
                f"{spec}: CRD version {self.version!r}: expected one of {', '.join(VERSIONS)}"
            )
        self._call_secrets: list[str] = []
        self._signer = _Signer(spec)
        super().__init__(spec, options)
        self._service: JSONObject | None = None
        self._undecided: dict[str, frozenset[str]] = {}
        self._endpoint = FhirEndpoint(self._signer.jwks)

    def __repr__(self) -> str:
        return f"CrdAdapter({self.spec!r})"

    def close(self) -> None:
        if not self._closed:
            super().close()
            self._endpoint.close()

    # --- redaction: the env token, the JWT of the call and the FHIR token of the case -----------

    def _scrub(self, text: str) -> str:
        text = super()._scrub(text)
        for secret in self._call_secrets:
            text = text.replace(secret, "[token]")
        return text

    def _cuts_anything(self) -> bool:
        # Besides any bearer token, each call's own FHIR token is cut out of the answers.
        return super()._cuts_anything() or bool(self._call_secrets)

    # --- discovery --------------------------------------------------------------------------

    def metadata(self) -> JSONObject:
        if self._metadata is None:
            status, body = self._exchange("GET", self._base_url, None, self._timeout)
            if status != 200:
                self._unusable(f"CDS Hooks discovery answered HTTP {status}", body)
            found = self._json_object(body, "the discovery answer")
            services = found.get("services")
            if not isinstance(services, list):
                self._unusable("the discovery answer has no services list", body)
            wanted = self._options.extra.get("crd_service")
            chosen = [
                s
                for s in services
                if isinstance(s, dict)
                and s.get("hook") == "order-sign"
                and (not wanted or s.get("id") == wanted)
            ]
            if not chosen:
                self._unusable(
                    "discovery offers no order-sign service"
                    + (f" with id {wanted!r}" if wanted else ""),
                    body,
                )
            self._service = chosen[0]
            self._metadata = {
                "name": str(self._service.get("title") or self._service.get("id") or "CRD service"),
                "contract_version": CONTRACT_VERSION,
                "extensions": {
                    "interface": {
                        "kind": "crd",
                        "crd_version": self.version,
                        "service": str(self._service.get("id")),
                        "carries": sorted(self.carries),
                        "not_carried": dict(UNCARRIED),
                        "fhir_server": self._endpoint.base,
                        "jwks": self._endpoint.jwks_url,
                    }
                },
            }
        metadata: JSONObject = self._redacted(self._metadata)
        return metadata

    def _unusable(self, message: str, body: bytes) -> NoReturn:
        detail = self._scrub(body[:2000].decode("utf-8", errors="replace")) or "(empty body)"
        raise EngineUnreachable(self.spec, self._scrub(message), detail)

    # --- one case ---------------------------------------------------------------------------

    def consistent_outcomes(self, decision: JSONObject) -> frozenset[str] | None:
        """The outcomes an undecided answer is consistent with; None when the answer decided."""
        return self._undecided.get(str(decision.get("case_id")))

    def decide(self, case: JSONObject) -> JSONObject:
        if self._service is None:
            self.metadata()
        assert self._service is not None
        try:
            resources = resources_of(case, projection_for(str(case.get("policy_id"))))
        except ProjectionError as exc:
            raise AdapterSpecError(f"{self.spec}: case {case.get('case_id')!r}: {exc}") from None
        _claim, patient, coverage, _payer, prescriber, order, *others = resources
        served = [patient, coverage, prescriber, order, *others]
        fhir_token = self._endpoint.serve(served, str(patient["id"]))
        service_id = str(self._service.get("id"))
        audience = f"{self._base_url}/{service_id}"
        signed = self._signer.token(self._endpoint.root, audience, self._endpoint.jwks_url)
        self._call_secrets = [signed, fhir_token]
        request = self._hook_request(order, patient, coverage, prescriber, fhir_token)
        try:
            self._client.headers["Authorization"] = f"Bearer {signed}"
            content = json.dumps(request, ensure_ascii=False, allow_nan=False).encode("utf-8")
            status, body = self._exchange("POST", service_id, content, self._timeout)
        finally:
            queries = self._endpoint.forget()
            self._client.headers.pop("Authorization", None)
        evidence: JSONObject = {
            "crd_version": self.version,
            "service": service_id,
            "request": request,
            "queries": queries,
        }
        decision = self._read(case, order, status, body, evidence)
        redacted: JSONObject = self._redacted(decision)
        self._call_secrets = []
        return redacted

    def _hook_request(
        self,
        order: JSONObject,
        patient: JSONObject,
        coverage: JSONObject,
        prescriber: JSONObject,
        token: str,
    ) -> JSONObject:
        request: JSONObject = {
            "hookInstance": str(uuid.uuid4()),
            "hook": "order-sign",
            "fhirServer": self._endpoint.base,
            "fhirAuthorization": {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": " ".join(
                    f"user/{t}.read"
                    for t in (
                        "Patient",
                        "Coverage",
                        "Condition",
                        "Observation",
                        "MedicationRequest",
                        "DocumentReference",
                        "QuestionnaireResponse",
                    )
                ),
                "subject": "crd-server-under-test",
                "patient": patient["id"],
            },
            "context": {
                "userId": f"Practitioner/{prescriber['id']}",
                "patientId": patient["id"],
                "draftOrders": {
                    "resourceType": "Bundle",
                    "type": "collection",
                    "entry": [{"resource": order}],
                },
            },
            "prefetch": {
                "patient": patient,
                "coverage": {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "entry": [{"resource": coverage}],
                },
            },
            "extension": {
                "davinci-crd.configuration": {"coverage-info": True, "unsolicited-determ": True}
            },
        }
        if self.version != "2.0.1":
            request["extension"]["davinci-crd.requestedVersion"] = self.version
        return request

    def _read(
        self, case: JSONObject, order: JSONObject, status: int, body: bytes, evidence: JSONObject
    ) -> JSONObject:
        case_id = str(case.get("case_id"))
        self._undecided.pop(case_id, None)
        if status in (400, 422):
            answer = self._json_object(body, f"the HTTP {status} answer")
            issues = (
                answer.get("issue") if answer.get("resourceType") == "OperationOutcome" else None
            )
            if not isinstance(issues, list):
                self._fail(f"HTTP {status} without an OperationOutcome", body)
            errors = [
                {"message": str(i.get("diagnostics") or i.get("code") or "refused")}
                for i in issues
                if isinstance(i, dict)
            ]
            return {"case_id": case_id, "errors": errors or [{"message": f"HTTP {status}"}]}
        if status in (401, 403):
            self._fail(f"HTTP {status}: the CRD service refused the kit's signed call", body)
        if status != 200:
            self._fail(f"the order-sign call answered HTTP {status}", body)
        answer = self._json_object(body, "the CDS Hooks answer")
        evidence["response"] = answer
        layers: JSONObject = {}
        evidence["layers"] = layers
        shape = sorted(_response_schema().iter_errors(answer), key=lambda e: list(e.absolute_path))
        if shape:
            where = "/".join(str(p) for p in shape[0].absolute_path) or "(top)"
            self._fail(
                "shape: the answer breaks contract/cds-hooks-response.schema.json at "
                f"{where}: {shape[0].message}",
                body,
            )
        layers["shape"] = "conforms"
        extensions = self._coverage_information(order, answer, body)
        broken = [b for ext in extensions for b in breaches(ext, self.version)]
        if broken:
            self._fail(f"CRD {self.version} rules: " + "; ".join(broken), body)
        layers["crd_rules"] = f"every checked rule of CRD {self.version} holds"
        values = [sub_values(ext) for ext in extensions]
        reasons = {
            str(c.get("code"))
            for v in values
            for r in v.get("reason", [])
            if isinstance(r, dict)
            for c in r.get("coding") or []
            if isinstance(c, dict)
        }
        if reasons & _SETUP_REASONS:
            self._fail(
                "a set-up problem, not a verdict: the payer answered "
                f"{sorted(reasons & _SETUP_REASONS)} "
                "(give it test members and coverage it knows)",
                body,
            )
        codes = {
            name: {c for v in values for c in v.get(name, []) if isinstance(c, str)}
            for name in ("covered", "pa-needed", "doc-needed")
        }
        if any("indeterminate" in found for found in codes.values()):
            self._fail("indeterminate: the payer could not evaluate the order (no decision)", body)
        decision: JSONObject = {
            "case_id": case_id,
            "policy": {"id": str(case.get("policy_id")), "version": NOT_CARRIED},
            "clauses": [NOT_CARRIED_CLAUSE],
            "extensions": {"crd": evidence},
        }
        if "not-covered" in codes["covered"]:
            layers["policy"] = "decided: not-covered"
            return decision | {"outcome": "not-covered", "determination": "not-medically-necessary"}
        if "satisfied" in codes["pa-needed"]:
            layers["policy"] = "decided: covered (an unsolicited determination)"
            return decision | {"outcome": "covered", "determination": "medically-necessary"}
        if (
            codes["pa-needed"] & {"auth-needed", "performpa", "conditional"}
            or "conditional" in codes["covered"]
        ):
            consistent = _ALL_OUTCOMES
        else:  # no-auth, or covered with no prior authorization asked
            consistent = frozenset({"covered", "not-applicable"})
        self._undecided[case_id] = consistent
        layers["policy"] = (
            f"consistent with {', '.join(sorted(consistent))}; decided in PAS, not here"
        )
        # The outcome written here is never graded: the grader asks consistent_outcomes first.
        return decision | {"outcome": "not-applicable"}

    def _coverage_information(
        self, order: JSONObject, answer: JSONObject, body: bytes
    ) -> list[JSONObject]:
        updates: list[JSONObject] = [
            a["resource"]
            for a in answer.get("systemActions") or []
            if isinstance(a, dict)
            and a.get("type") == "update"
            and isinstance(a.get("resource"), dict)
        ]
        mine = [
            r
            for r in updates
            if r.get("resourceType") == order["resourceType"] and r.get("id") == order["id"]
        ]
        if not mine:
            self._fail(
                "no coverage-information: no systemActions update of "
                f"{order['resourceType']}/{order['id']} "
                "(hooks.md hook-16, cards.md resp-25: a primary hook SHALL answer one)",
                body,
            )
        if len(mine) > 1:
            self._fail(
                f"{len(mine)} updates of the one order (cards.md resp-29: one per order)", body
            )
        updated = mine[0]
        extensions = [
            e
            for e in updated.get("extension") or []
            if isinstance(e, dict) and e.get("url") == COVERAGE_INFORMATION
        ]
        if not extensions:
            self._fail(
                "no coverage-information: the updated order carries no ext-coverage-information",
                body,
            )
        rest = {k: v for k, v in updated.items() if k != "extension"}
        others = [
            e
            for e in updated.get("extension") or []
            if not (isinstance(e, dict) and e.get("url") == COVERAGE_INFORMATION)
        ]
        sent = {k: v for k, v in order.items() if k != "extension"}
        if rest != sent or others != list(order.get("extension") or []):
            self._fail(
                "CRD rules: the updated order changes more than coverage-information "
                "(cards.md resp-37)",
                body,
            )
        return extensions
