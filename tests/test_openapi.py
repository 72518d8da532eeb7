"""The HTTP binding, ``contract/openapi.yaml``: a valid OpenAPI 3.1 document that points at the
contract's own schema files, and that the reference server honours under property-based testing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from policy_conformance import contract
from policy_conformance.contract import CONTRACT_VERSION, SCHEMA_DIR, violations
from policy_conformance.reference.server import MAX_REQUEST_BYTES, app, running

OPENAPI = SCHEMA_DIR / "openapi.yaml"


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return loaded


def _references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_the_document_is_valid_openapi_3_1() -> None:
    document = _document()
    assert document["openapi"].startswith("3.1.")
    validate(document, base_uri=OPENAPI.as_uri(), cls=OpenAPIV31SpecValidator)


def test_the_binding_version_is_the_contract_version() -> None:
    assert _document()["info"]["version"] == CONTRACT_VERSION


def test_every_schema_is_referenced_from_the_contract_files_not_copied() -> None:
    document = _document()
    files = {ref for ref in _references(document) if not ref.startswith("#")}
    assert files == {
        "case.schema.json",
        "decision.schema.json",
        "rejection.schema.json",
        "metadata.schema.json",
    }
    # No schema body is written out here: every schema object in the document is a $ref.
    assert "components" not in document or "schemas" not in document["components"]
    for ref in files:
        Draft202012Validator.check_schema(json.loads((SCHEMA_DIR / ref).read_text()))


@pytest.mark.parametrize(
    ("where", "name"),
    [
        (("paths", "/metadata", "get", "responses", "200"), "metadata"),
        (("paths", "/decisions", "post", "requestBody"), "case"),
        (("paths", "/decisions", "post", "responses", "200"), "decision"),
        (("paths", "/decisions", "post", "responses", "400"), "rejection"),
        (("paths", "/decisions", "post", "responses", "413"), "rejection"),
        (("paths", "/decisions", "post", "responses", "422"), "rejection"),
    ],
)
def test_each_reference_resolves_to_its_contract_schema(
    where: tuple[str, ...], name: contract.SchemaName
) -> None:
    # Walk the document as an OpenAPI tool would, following $refs relative to the file.
    node = SchemaPath.from_file_path(str(OPENAPI))
    for part in (*where, "content", "application/json", "schema"):
        node = node / part
    assert node.read_value() == contract.schema(name)


def test_the_security_scheme_is_an_optional_bearer() -> None:
    document = _document()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert {} in document["security"]


def test_the_servers_base_path_is_where_the_reference_server_answers() -> None:
    server_url = httpx.URL(_document()["servers"][0]["url"])
    routes = {getattr(route, "path", "") for route in app.routes}
    assert {f"{server_url.path}/metadata", f"{server_url.path}/decisions"} <= routes


# --- the reference server against the binding, property-based --------------------------------

binding = schemathesis.openapi.from_path(OPENAPI)


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with running() as root:
        yield f"{root}/v1"


@binding.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written under the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_reference_server_keeps_to_the_binding(
    case: schemathesis.Case[Any], server_url: str
) -> None:
    # Over a real socket, so that uvicorn's own answers (405s, framing) are held to the binding
    # too. Checks every answer: no 5xx, status and content type declared, body valid against
    # the referenced contract schema, invalid cases refused with 4xx, valid ones accepted.
    _under_a_policy_the_reference_implements(case)
    case.call_and_validate(base_url=server_url)


def _under_a_policy_the_reference_implements(case: schemathesis.Case[Any]) -> None:
    """Make an envelope the binding generates a case for Inotuzumab, with no clinical facts.

    The binding's schema is the envelope; a case is well formed only under the facts schema of
    the policy it names, and the reference rejects a policy it does not implement. Emptying the
    facts keeps every generated envelope valid for the policy.
    """
    body = case.body
    if isinstance(body, dict) and not list(_ENVELOPE.iter_errors(body)):
        body["policy_id"] = "inotuzumab_besponsa"
        body["clinical"] = {}
        body.pop("evidence", None)


_ENVELOPE = Draft202012Validator(
    contract.schema("case"), format_checker=Draft202012Validator.FORMAT_CHECKER
)


# --- malformed requests: always a rejection, never a 500 ------------------------------------


@pytest.fixture(scope="module")
def server(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=5) as client:
        yield client


def _rejected(response: httpx.Response, status: int) -> str:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert violations("rejection", body) == []
    message: str = body["errors"][0]["message"]
    return message


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("content", "headers", "phrase"),
    [
        (b"{'case_id': 1}", JSON, "not JSON"),
        (b"", JSON, "not JSON"),
        (b"\xff\xfe\x00", JSON, "not JSON"),
        (b'{"case_id": NaN}', JSON, "not JSON"),
        (b"[]", JSON, "JSON array, not a case object"),
        (b'"case"', JSON, "JSON string, not a case object"),
        (b"null", JSON, "JSON null, not a case object"),
        (b"{}", {"Content-Type": "text/plain"}, "must be application/json"),
        (b"{}", {}, "must be application/json"),
    ],
)
def test_a_malformed_body_is_a_400_rejection(
    server: httpx.Client, content: bytes, headers: dict[str, str], phrase: str
) -> None:
    response = server.post("/decisions", content=content, headers=headers)
    assert phrase in _rejected(response, 400)


def test_a_case_that_breaks_the_contract_is_a_422_rejection(server: httpx.Client) -> None:
    _rejected(server.post("/decisions", json={"case_id": "x"}), 422)


def test_a_body_over_the_limit_is_a_413_rejection(server: httpx.Client) -> None:
    too_big = b'{"case_id": "' + b"x" * MAX_REQUEST_BYTES + b'"}'
    assert "larger than" in _rejected(server.post("/decisions", content=too_big, headers=JSON), 413)
    # Sent in chunks, with no length declared up front, it is cut off all the same.
    chunks = (too_big[i : i + 65536] for i in range(0, len(too_big), 65536))
    _rejected(server.post("/decisions", content=chunks, headers=JSON), 413)
    # And the connection is still good for the next case.
    _rejected(server.post("/decisions", json={"case_id": "x"}), 422)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nowhere", 404), ("GET", "/decisions", 405), ("POST", "/metadata", 405)],
)
def test_unknown_paths_and_methods_answer_json(
    server: httpx.Client, method: str, path: str, status: int
) -> None:
    response = server.request(method, path)
    assert response.status_code == status
    assert response.json()["errors"][0]["message"].startswith(f"{method} /v1{path}")
