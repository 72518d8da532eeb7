"""The reference engine behind Da Vinci CRD: CDS Hooks discovery and an order-sign service.

``GET /cds-services`` offers ``order-sign-crd``; ``POST /cds-services/order-sign-crd`` checks the
caller's JWT against the key set its ``jku`` names (on loopback only: this is a test payer), reads
the rest of the case from the hook's ``fhirServer`` with its token, as a payer does, decides it
through the pack's projection, and answers coverage-information as the kit's one table of
outcomes says (``contract/fhir_outcomes.py``). ``--adapter crd:http://HOST:PORT/cds-services``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import ssl
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from policy_conformance.contract.fhir_outcomes import COVERAGE_INFORMATION
from policy_conformance.contract.fhir_pas import outcome_issue
from policy_conformance.contract.fhir_projection import (
    ProjectionError,
    case_from_resources,
    claim_of_order,
    projection_for,
)

__all__ = ["CDS_BASE", "SERVICE_ID", "coverage_information", "crd_routes"]

CDS_BASE = "/cds-services"
SERVICE_ID = "order-sign-crd"
#: The resource types read from the EHR's FHIR server beyond the prefetch.
READ: tuple[str, ...] = ("Condition", "Observation", "DocumentReference", "QuestionnaireResponse")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

Decide = Callable[[Any], dict[str, Any]]
BodyReader = Callable[[Request], Awaitable[bytearray | None]]

DISCOVERY = {
    "services": [
        {
            "hook": "order-sign",
            "id": SERVICE_ID,
            "title": "policy-conformance reference engine (CRD)",
            "description": "Coverage requirements for the kit's policy packs",
            "prefetch": {
                "patient": "Patient/{{context.patientId}}",
                "coverage": "Coverage?patient={{context.patientId}}&status=active",
            },
        }
    ]
}


def coverage_information(
    decision: dict[str, Any], coverage_ref: str, date: str, questionnaire: str
) -> dict[str, Any]:
    """The coverage-information extension for a decision, by the kit's one table of outcomes."""
    outcome = decision["outcome"]
    digest = hashlib.sha1(json.dumps(decision, sort_keys=True).encode(), usedforsecurity=False)
    sub: list[dict[str, Any]] = [{"url": "coverage", "valueReference": {"reference": coverage_ref}}]
    reason = {
        "url": "reason",
        "valueCodeableConcept": {"text": str(decision.get("rationale") or outcome)},
    }
    if outcome == "covered":
        sub += [
            {"url": "covered", "valueCode": "covered"},
            {"url": "pa-needed", "valueCode": "satisfied"},
            {"url": "satisfied-pa-id", "valueString": f"PA-{digest.hexdigest()[:12]}"},
        ]
    elif outcome == "not-covered":
        sub += [{"url": "covered", "valueCode": "not-covered"}, reason]
    elif outcome == "pended":
        sub += [
            {"url": "covered", "valueCode": "covered"},
            {"url": "pa-needed", "valueCode": "auth-needed"},
            {"url": "doc-needed", "valueCode": "clinical"},
            {"url": "doc-purpose", "valueCode": "withpa"},
            reason,
            {"url": "questionnaire", "valueCanonical": questionnaire},
        ]
    else:
        sub += [
            {"url": "covered", "valueCode": "covered"},
            {"url": "pa-needed", "valueCode": "no-auth"},
        ]
    sub += [
        {"url": "date", "valueDate": date},
        {"url": "coverage-assertion-id", "valueString": f"CA-{digest.hexdigest()[12:24]}"},
    ]
    return {"url": COVERAGE_INFORMATION, "extension": sub}


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse(outcome_issue([{"message": message}]), status)


async def _caller_is_signed(
    request: Request, keys: dict[str, Any], client: httpx.AsyncClient
) -> str | None:
    """Why the call's JWT does not check out, or None when it does."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return "no bearer JWT"
    token = header[len("Bearer ") :]
    try:
        unverified = jwt.get_unverified_header(token)
        jku = str(unverified.get("jku", ""))
        if urllib.parse.urlsplit(jku).hostname not in _LOOPBACK:
            return "the JWT's jku is not on loopback"
        if jku not in keys:
            keys[jku] = (await client.get(jku)).json()
        found = [k for k in keys[jku].get("keys", []) if k.get("kid") == unverified.get("kid")]
        if not found:
            return "no key in the key set has the JWT's kid"
        key = jwt.PyJWK(found[0])
        audience = str(request.url).split("?")[0]
        jwt.decode(token, key.key, algorithms=["ES384", "RS384"], audience=audience)
    except (jwt.PyJWTError, httpx.HTTPError, ValueError) as exc:
        return f"the JWT does not check out: {type(exc).__name__}: {exc}"
    return None


def crd_routes(read_body: BodyReader, decide: Decide) -> list[Route]:
    """The CRD face's routes, answering through ``decide``."""
    keys: dict[str, Any] = {}
    # A client a call, closed with it (the server may stop at any time); the TLS context,
    # the dear part of a client, is made once.
    tls: list[ssl.SSLContext] = []

    def client() -> httpx.AsyncClient:
        if not tls:
            tls.append(ssl.create_default_context())
        return httpx.AsyncClient(timeout=10, verify=tls[0])

    async def discovery(request: Request) -> Response:
        return JSONResponse(DISCOVERY)

    async def order_sign(request: Request) -> Response:
        body = await read_body(request)
        if body is None:
            return _refused(413, "the request is too large")
        async with client() as fetch:
            unsigned = await _caller_is_signed(request, keys, fetch)
        if unsigned is not None:
            return _refused(401, unsigned)
        try:
            hook = json.loads(body)
            context, prefetch = hook["context"], hook["prefetch"]
            order = context["draftOrders"]["entry"][0]["resource"]
            patient = prefetch["patient"]
            coverage = prefetch["coverage"]["entry"][0]["resource"]
            server, token = hook["fhirServer"], hook["fhirAuthorization"]["access_token"]
            if hook.get("hook") != "order-sign":
                return _refused(400, f"unknown hook {hook.get('hook')!r}")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            return _refused(400, f"not an order-sign request: {type(exc).__name__}: {exc}")
        # One system search over every type the prefetch leaves out (FHIR R4 _type).
        async with client() as fetch:
            answer = await fetch.get(
                server,
                params={"_type": ",".join(READ), "patient": patient["id"]},
                headers={"Authorization": f"Bearer {token}"},
            )
        if answer.status_code != 200:
            return _refused(400, f"the EHR's FHIR server answered HTTP {answer.status_code}")
        read = [e["resource"] for e in answer.json().get("entry", [])]
        resources = [
            claim_of_order(order, str(hook.get("hookInstance"))),
            patient,
            coverage,
            order,
            *read,
        ]
        try:
            case = case_from_resources(resources)
            questionnaire = projection_for(str(case.get("policy_id"))).questionnaire
        except ProjectionError as exc:
            return _refused(400, str(exc))
        decision = decide(case)
        if "errors" in decision:
            return JSONResponse(outcome_issue(decision["errors"]), 400)
        date = str(case.get("date_of_service") or dt.date.today().isoformat())
        coverage_ref = f"Coverage/{coverage.get('id')}"
        updated = dict(order)
        updated["extension"] = [
            *order.get("extension", []),
            coverage_information(decision, coverage_ref, date, questionnaire),
        ]
        return JSONResponse(
            {
                "cards": [],
                "systemActions": [
                    {"type": "update", "description": "coverage information", "resource": updated}
                ],
            }
        )

    return [
        Route(CDS_BASE, discovery, methods=["GET"]),
        Route(f"{CDS_BASE}/{SERVICE_ID}", order_sign, methods=["POST"]),
    ]
