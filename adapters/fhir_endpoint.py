"""The FHIR endpoint the kit serves to a CRD service during a run, and the key set it signs with.

CRD prefetches only the patient and coverage; a payer reads the diagnosis, findings and documents
from the ``fhirServer`` the hook names, with the ``fhirAuthorization`` token it carries. The kit
serves exactly the resources of the case being decided (read by id; search by ``patient``,
``subject`` or ``_id``, per type or across types with ``_type``), only with that case's token,
and keeps every query as evidence. It also serves the public key set (``/.well-known/jwks.json``)
that checks the JWT each hook call is signed with. It listens on loopback only, in a thread of
its own, for the length of the run.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import urllib.parse
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

__all__ = ["SERVED_TYPES", "FhirEndpoint"]

#: The resource types a payer may read; anything else is a 404.
SERVED_TYPES: Final = frozenset(
    {
        "Patient", "Coverage", "Condition", "Observation", "MedicationRequest",
        "DocumentReference", "QuestionnaireResponse", "Practitioner", "Organization",
    }
)  # fmt: skip
_SEARCH_PARAMETERS: Final = frozenset({"patient", "subject", "_id", "beneficiary", "status"})
#: The most queries kept as evidence for one case: a payer looping on the endpoint is cut off.
MAX_QUERIES: Final = 200


class FhirEndpoint:
    """A read/search FHIR server for one case at a time, and a JWKS, on 127.0.0.1."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self._lock = threading.Lock()
        self._resources: dict[tuple[str, str], dict[str, Any]] = {}
        self._token = ""
        self._patient = ""
        self.queries: list[dict[str, Any]] = []
        self._jwks = json.dumps(dict(jwks)).encode()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Without it every answer waits out the client's delayed ACK (~40 ms).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                try:
                    status, body = endpoint._answer(
                        self.path, self.headers.get("Authorization", "")
                    )
                except Exception as exc:  # a payer's odd query must never hang up on it
                    status, body = 500, _outcome("exception", type(exc).__name__)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return  # queries are kept as evidence, not printed

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="kit-fhir-endpoint", daemon=True
        )
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.root = f"http://{host!s}:{port}"
        self.base = f"{self.root}/fhir"
        self.jwks_url = f"{self.root}/.well-known/jwks.json"

    def serve(self, resources: list[dict[str, Any]], patient_id: str) -> str:
        """Serve ``resources`` (one case's) from now on, and return the token that reads them."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._resources = {(r["resourceType"], str(r["id"])): r for r in resources}
            self._token, self._patient = token, patient_id
            self.queries = []
        return token

    def forget(self) -> list[dict[str, Any]]:
        """Stop serving the case; return the queries made while it was served."""
        with self._lock:
            queries, self.queries = self.queries, []
            self._resources, self._token = {}, ""
        return queries

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # --- one request ----------------------------------------------------------------------------

    def _answer(self, target: str, authorization: str) -> tuple[int, dict[str, Any]]:
        url = urllib.parse.urlsplit(target)
        if url.path == "/.well-known/jwks.json":
            return 200, json.loads(self._jwks)
        with self._lock:
            token, resources = self._token, dict(self._resources)
            allowed = bool(token) and secrets.compare_digest(authorization, f"Bearer {token}")
            status, body = (
                self._read(url, resources)
                if allowed
                else (401, _outcome("login", "a valid bearer token is required"))
            )
            if len(self.queries) < MAX_QUERIES:
                self.queries.append({"query": target, "status": status, "authorized": allowed})
        return status, body

    def _read(
        self, url: urllib.parse.SplitResult, resources: Mapping[tuple[str, str], dict[str, Any]]
    ) -> tuple[int, dict[str, Any]]:
        parts = [p for p in url.path.split("/") if p]
        query = urllib.parse.parse_qs(url.query)
        if parts == ["fhir"] and "_type" in query:
            # A system search over several types at once (FHIR R4 search, _type).
            kinds = {k for value in query.pop("_type") for k in value.split(",")}
            return self._search(kinds & SERVED_TYPES, query, resources)
        if len(parts) < 2 or parts[0] != "fhir" or parts[1] not in SERVED_TYPES:
            return 404, _outcome("not-found", f"no such resource type: {url.path}")
        kind = parts[1]
        if len(parts) == 3:
            found = resources.get((kind, parts[2]))
            return (
                (200, found)
                if found is not None
                else (404, _outcome("not-found", f"{kind}/{parts[2]}"))
            )
        if len(parts) != 2:
            return 404, _outcome("not-found", url.path)
        return self._search({kind}, query, resources)

    def _search(
        self,
        kinds: set[str],
        query: dict[str, list[str]],
        resources: Mapping[tuple[str, str], dict[str, Any]],
    ) -> tuple[int, dict[str, Any]]:
        unknown = set(query) - _SEARCH_PARAMETERS
        if unknown:
            return 400, _outcome(
                "not-supported", f"search parameters not supported: {sorted(unknown)}"
            )
        matches = [r for (t, _), r in resources.items() if t in kinds and _matches(r, query)]
        return 200, {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(matches),
            "entry": [
                {"fullUrl": f"{self.base}/{r['resourceType']}/{r['id']}", "resource": r}
                for r in matches
            ],
        }


def _matches(resource: Mapping[str, Any], query: Mapping[str, list[str]]) -> bool:
    for name, wanted in query.items():
        values = {v.rpartition("/")[2] for value in wanted for v in value.split(",")}
        if name == "_id":
            if str(resource.get("id")) not in values:
                return False
        elif name == "status":
            if str(resource.get("status")) not in values:
                return False
        else:
            reference = str(
                (
                    resource.get("subject")
                    or resource.get("patient")
                    or resource.get("beneficiary")
                    or {}
                ).get("reference", "")
            )
            own = resource.get("id") if resource.get("resourceType") == "Patient" else None
            if reference.rpartition("/")[2] not in values and own not in values:
                return False
    return True


def _outcome(code: str, message: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
