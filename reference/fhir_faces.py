"""The reference engine behind the Da Vinci interfaces a payer runs: PAS under ``/fhir``, CRD
under ``/cds-services`` (:mod:`.crd_face`).

The same engine as ``/v1``, projected through each pack's ``fhir.yaml``: a PAS request Bundle is
read back into a case, decided, and answered as a payer does, with a ClaimResponse whose review
action is A1, A3, A4 or NA. A request the projection cannot read, or a case the engine rejects,
gets a 400 OperationOutcome. ``conformance run --adapter pas:http://HOST:PORT/fhir`` drives it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from policy_conformance import contract
from policy_conformance.contract.fhir_pas import (
    claim_response,
    outcome_issue,
    resources_in,
)
from policy_conformance.contract.fhir_projection import ProjectionError, case_from_resources

from .crd_face import crd_routes
from .engine import decide as reference_decide
from .engine import metadata

__all__ = ["FHIR_BASE", "FHIR_JSON", "bounded_body", "capability_statement", "fhir_routes"]

#: Where the FHIR faces live; the adapter string is ``pas:http://HOST:PORT/fhir``.
FHIR_BASE = "/fhir"
FHIR_JSON = "application/fhir+json"
#: The largest request Bundle read: a case's Bundle is a few kilobytes.
MAX_BUNDLE_BYTES = 1024 * 1024

Decide = Callable[[Any], dict[str, Any]]
BodyReader = Callable[[Request], Awaitable[bytearray | None]]


def _fhir(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status, media_type=FHIR_JSON)


def capability_statement() -> dict[str, Any]:
    """What the reference's FHIR face says it does: PAS's Claim/$submit."""
    about = metadata()
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-01-01",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "software": {"name": about["name"], "version": about["version"]},
        "implementation": {"description": "the kit's reference engine behind Da Vinci PAS"},
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {
                        "type": "Claim",
                        "operation": [
                            {
                                "name": "submit",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Claim-submit",
                            }
                        ],
                    }
                ],
            }
        ],
    }


def _requested(policy_id: str, missing: list[str]) -> list[str]:
    """The questionnaire items (fact paths) a pended review asks for, one a missing fact."""
    schema = contract.pack_facts(policy_id) or {}
    fields = {
        entry.get("const"): (entry.get("x-fields") or [entry.get("const")])[0]
        for entry in schema.get("$defs", {}).get("missing_fact", {}).get("oneOf", [])
    }
    return [str(fields.get(name, name)) for name in missing]


async def bounded_body(request: Request) -> bytearray | None:
    """The body, or None once it runs past :data:`MAX_BUNDLE_BYTES`."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BUNDLE_BYTES:
            return None
    return body


def fhir_routes(
    read_body: BodyReader = bounded_body, decide: Decide = reference_decide
) -> list[Route]:
    """The FHIR faces' routes, each answering through ``decide`` (the reference by default).

    ``read_body`` reads a request's body within the server's limits (None: too large).
    """

    async def capabilities(request: Request) -> Response:
        return _fhir(capability_statement())

    async def submit(request: Request) -> Response:
        body = await read_body(request)
        if body is None or len(body) > MAX_BUNDLE_BYTES:
            return _fhir(outcome_issue([{"message": "the Bundle is too large"}]), 413)
        try:
            bundle = json.loads(body)
            resources = resources_in(bundle)
            case = case_from_resources(resources)
        except (ValueError, RecursionError) as exc:  # ProjectionError is a ValueError
            message = str(exc) if isinstance(exc, ProjectionError) else f"not JSON: {exc}"
            return _fhir(outcome_issue([{"message": message}]), 400)
        answer = decide(case)
        if "errors" in answer:
            return _fhir(outcome_issue(answer["errors"]), 400)
        claim = next(r for r in resources if r.get("resourceType") == "Claim")
        requested = _requested(str(case.get("policy_id")), list(answer.get("missing_facts", [])))
        return _fhir(claim_response(answer, claim, requested))

    return [
        Route(f"{FHIR_BASE}/metadata", capabilities, methods=["GET"]),
        Route(f"{FHIR_BASE}/Claim/$submit", submit, methods=["POST"]),
        *crd_routes(read_body, decide),
    ]
