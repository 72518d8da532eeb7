"""The CRD adapter: its rules per guide version, the reference's CRD face, payers that answer badly.

Every bad answer the adapter claims to handle has a fake CDS service here (Starlette on a loopback
port): each must be an error with its reason, never a decision that could pass.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from policy_conformance.adapters import (
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
    open_adapter,
)
from policy_conformance.adapters.crd import CrdAdapter
from policy_conformance.adapters.crd_rules import COVERAGE_INFORMATION, breaches
from policy_conformance.contract import violations
from policy_conformance.reference import decide
from policy_conformance.reference.crd_face import DISCOVERY, SERVICE_ID, coverage_information
from policy_conformance.reference.server import app, running
from tests.kit import example, variant

TIMEOUT = 5.0
FAST = AdapterOptions(timeout=TIMEOUT, connect_timeout=TIMEOUT)
CASE: dict[str, Any] = {**example("case-primary-indication"), "case_id": "crd-1"}
UNSUPPORTED = {"fda_labeling": {"within_label": False}, "compendia": []}


def _ci(**codes: Any) -> dict[str, Any]:
    """A coverage-information extension with the required parts and the given sub-extensions."""
    sub: list[dict[str, Any]] = [
        {"url": "coverage", "valueReference": {"reference": "Coverage/c"}},
        {"url": "date", "valueDate": "2022-03-01"},
        {"url": "coverage-assertion-id", "valueString": "CA-1"},
    ]
    for name, value in codes.items():
        url = name.replace("_", "-")
        for one in value if isinstance(value, list) else [value]:
            if url == "reason":
                sub.append({"url": url, "valueCodeableConcept": one})
            elif url in ("satisfied-pa-id",):
                sub.append({"url": url, "valueString": one})
            elif url == "questionnaire":
                sub.append({"url": url, "valueCanonical": one})
            else:
                sub.append({"url": url, "valueCode": one})
    return {"url": COVERAGE_INFORMATION, "extension": sub}


# --- the rules of each version ---------------------------------------------------------------

#: The guide's own pended example (DAVINCI.md section 6, ci_pended.json): every rule holds.
PENDED = _ci(
    covered="covered",
    pa_needed="auth-needed",
    doc_needed="clinical",
    doc_purpose="withpa",
    reason={"text": "ALL lineage is needed"},
    questionnaire="http://payer.example/Questionnaire/inotuzumab|2020-11",
)


@pytest.mark.parametrize("version", ["2.0.1", "2.1", "2.2"])
def test_the_pended_answer_holds_on_every_version(version: str) -> None:
    assert breaches(PENDED, version) == []


@pytest.mark.parametrize(
    ("extension", "version", "key"),
    [
        (_ci(covered="covered", questionnaire="http://q"), "2.2", "crd-ci-q1"),
        (_ci(covered="not-covered", pa_needed="auth-needed"), "2.0.1", "crd-ci-q2"),
        (_ci(covered="conditional", doc_needed="clinical"), "2.2", "crd-ci-q3"),
        (_ci(covered="covered", pa_needed="no-auth", doc_purpose="withpa"), "2.2", "crd-ci-q4"),
        (_ci(covered="covered", pa_needed="satisfied"), "2.2", "crd-ci-q5"),
        (_ci(covered="covered", pa_needed="auth-needed", satisfied_pa_id="X"), "2.1", "crd-ci-q5"),
        (_ci(covered="covered", info_needed="OTH"), "2.2", "crd-ci-q6"),
        (_ci(covered="covered", reason={"coding": [{"code": "made-up"}]}), "2.2", "crd-ci-q7"),
        (_ci(covered="indeterminate"), "2.2", "crd-ci-q9"),
        (_ci(covered="indeterminate", reason={"text": "t"}), "2.0.1", "crd-ci-valueset"),
        (_ci(covered="covered", doc_needed="both"), "2.2", "crd-ci-valueset"),
        (_ci(covered="covered", doc_needed="patient"), "2.0.1", "crd-ci-valueset"),
        (_ci(covered="covered", doc_needed=["clinical", "admin"]), "2.0.1", "crd-ci-elements"),
        (_ci(), "2.2", "crd-ci-elements"),
    ],
)
def test_each_rule_catches_its_breach(extension: dict[str, Any], version: str, key: str) -> None:
    assert any(b.startswith(f"{key}:") for b in breaches(extension, version)), breaches(
        extension, version
    )


@pytest.mark.parametrize("outcome", ["covered", "not-covered", "pended", "not-applicable"])
def test_the_reference_answers_within_the_rules(outcome: str) -> None:
    decision = {"outcome": outcome, "rationale": "why"}
    extension = coverage_information(decision, "Coverage/c", "2020-06-15", "http://q")
    for version in ("2.0.1", "2.1", "2.2"):
        assert breaches(extension, version) == []


# --- the adapter against the reference's CRD face --------------------------------------------


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    with running(app) as url:
        yield url


@pytest.fixture
def adapter(root: str) -> Iterator[CrdAdapter]:
    opened = open_adapter(f"crd:{root}/cds-services", FAST)
    assert isinstance(opened, CrdAdapter)
    yield opened
    opened.close()


def _variant(
    clinical: dict[str, Any], evidence: dict[str, Any] | None, **drug: Any
) -> dict[str, Any]:
    return variant(CASE, clinical, evidence, **drug)


@pytest.mark.parametrize(
    ("case", "outcome", "consistent"),
    [
        (_variant({}, None), "covered", None),
        (_variant({"lineage": "t-cell"}, UNSUPPORTED), "not-covered", None),
        (_variant({"lineage": "t-cell"}, None), "pended", {"covered", "not-covered", "pended"}),
        (
            _variant({}, None, hcpcs_codes=["J9039"]),
            "not-applicable",
            {"covered", "not-applicable"},
        ),
    ],
    ids=["satisfied", "not-covered", "auth-needed", "no-auth"],
)
def test_an_answer_decides_only_what_crd_can_decide(
    adapter: CrdAdapter, case: dict[str, Any], outcome: str, consistent: set[str] | None
) -> None:
    assert decide(case)["outcome"] == outcome
    decision = adapter.decide(case)
    assert violations("decision", decision) == []
    found = adapter.consistent_outcomes(decision)
    if consistent is None:
        assert found is None and decision["outcome"] == outcome
    else:
        assert found == consistent
    evidence = decision["extensions"]["crd"]
    assert set(evidence["layers"]) == {"shape", "crd_rules", "policy"}
    # The payer read the rest of the case from the kit's endpoint, with the case's token.
    assert evidence["queries"] and all(q["authorized"] for q in evidence["queries"])
    shown = evidence["request"]["fhirAuthorization"]["access_token"]
    assert shown == "[token]"


def test_metadata_names_the_version_the_endpoint_and_what_is_not_carried(
    adapter: CrdAdapter,
) -> None:
    about = adapter.metadata()
    assert violations("metadata", about) == []
    interface = about["extensions"]["interface"]
    assert interface["crd_version"] == "2.2" and interface["service"] == SERVICE_ID
    assert {"clauses", "determination", "policy"} <= set(interface["not_carried"])
    keys = httpx.get(interface["jwks"]).json()["keys"]
    assert keys[0]["alg"] == "ES384" and "d" not in keys[0]  # the public half only


def test_the_endpoint_serves_only_with_the_case_token(adapter: CrdAdapter) -> None:
    adapter.metadata()
    endpoint = adapter._endpoint
    token = endpoint.serve([{"resourceType": "Patient", "id": "p1"}], "p1")
    try:
        assert httpx.get(f"{endpoint.base}/Patient/p1").status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert httpx.get(f"{endpoint.base}/Patient/p1", headers=wrong).status_code == 401
        right = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{endpoint.base}/Patient/p1", headers=right).json()["id"] == "p1"
        assert httpx.get(f"{endpoint.base}/Claim/x", headers=right).status_code == 404
    finally:
        queries = endpoint.forget()
    assert [q["authorized"] for q in queries] == [False, False, True, True]
    assert token not in json.dumps(queries)


def test_a_malformed_case_is_rejected(adapter: CrdAdapter) -> None:
    case = copy.deepcopy(CASE)
    case["date_of_service"] = "2021-02-30"
    reply = adapter.decide(case)
    assert violations("rejection", reply) == []


def test_an_older_version_is_asked_for_without_a_requested_version(root: str) -> None:
    adapter = open_adapter(
        f"crd:{root}/cds-services", AdapterOptions(timeout=TIMEOUT, extra={"crd_version": "2.0.1"})
    )
    try:
        decision = adapter.decide(CASE)
    finally:
        adapter.close()
    assert (
        "davinci-crd.requestedVersion" not in decision["extensions"]["crd"]["request"]["extension"]
    )
    assert decision["extensions"]["crd"]["crd_version"] == "2.0.1"


def test_an_unknown_version_is_a_usage_error(root: str) -> None:
    with pytest.raises(AdapterSpecError, match=r"2\.0\.1, 2\.1, 2\.2"):
        open_adapter(f"crd:{root}/cds-services", AdapterOptions(extra={"crd_version": "3.0"}))


# --- CDS services that answer badly ----------------------------------------------------------


def _update(
    request_body: dict[str, Any], *extensions: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    order = copy.deepcopy(request_body["context"]["draftOrders"]["entry"][0]["resource"])
    order["extension"] = [*order.get("extension", []), *extensions]
    order.update(changes)
    return {
        "cards": [],
        "systemActions": [{"type": "update", "description": "ci", "resource": order}],
    }


Answer = Callable[[dict[str, Any]], Any]


def service(answer: Answer, discovery: dict[str, Any] | None = None) -> Starlette:
    async def discover(request: Request) -> Response:
        return JSONResponse(discovery if discovery is not None else DISCOVERY)

    async def hook(request: Request) -> Response:
        given = answer(json.loads(await request.body()))
        return given if isinstance(given, Response) else JSONResponse(given)

    return Starlette(
        routes=[
            Route("/cds-services", discover, methods=["GET"]),
            Route(f"/cds-services/{SERVICE_ID}", hook, methods=["POST"]),
        ]
    )


@pytest.fixture
def against() -> Iterator[Callable[[Starlette], CrdAdapter]]:
    with ExitStack() as stack:

        def open_on(fake: Starlette) -> CrdAdapter:
            url = stack.enter_context(running(fake))
            opened = open_adapter(f"crd:{url}/cds-services", FAST)
            assert isinstance(opened, CrdAdapter)
            stack.callback(opened.close)
            return opened

        yield open_on


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (lambda r: Response("down", 500), "HTTP 500"),
        (lambda r: Response("no", 401), "refused the kit's signed call"),
        (lambda r: {"systemActions": []}, "shape"),
        (lambda r: {"cards": [], "systemActions": []}, "no coverage-information"),
        (
            lambda r: {
                "cards": [{"summary": "PA needed", "indicator": "info", "source": {"label": "p"}}]
            },
            "no coverage-information",
        ),
        (lambda r: _update(r), "carries no ext-coverage-information"),
        (lambda r: _update(r, _ci(covered="conditional")), "crd-ci-q3"),
        (lambda r: _update(r, _ci(covered="covered", pa_needed="satisfied")), "crd-ci-q5"),
        (
            lambda r: _update(
                r, _ci(covered="not-covered", reason={"coding": [{"code": "no-member-found"}]})
            ),
            "set-up problem",
        ),
        (
            lambda r: _update(
                r, _ci(covered="indeterminate", reason={"coding": [{"code": "technical"}]})
            ),
            "indeterminate",
        ),
        (
            lambda r: _update(
                r,
                _ci(covered="covered", pa_needed="satisfied", satisfied_pa_id="P"),
                status="active",
            ),
            "resp-37",
        ),
        (lambda r: Response("{}", 400), "without an OperationOutcome"),
    ],
)
def test_a_bad_crd_answer_is_an_error_with_its_reason(
    against: Callable[[Starlette], CrdAdapter], answer: Answer, reason: str
) -> None:
    adapter = against(service(answer))
    with pytest.raises(EngineError, match=reason):
        adapter.decide(CASE)


def test_discovery_without_order_sign_is_unreachable_with_its_reason(
    against: Callable[[Starlette], CrdAdapter],
) -> None:
    adapter = against(service(lambda r: {}, {"services": [{"hook": "order-select", "id": "x"}]}))
    with pytest.raises(EngineUnreachable, match="no order-sign service"):
        adapter.metadata()


def test_the_call_is_signed_and_no_secret_reaches_the_decision(
    against: Callable[[Starlette], CrdAdapter],
) -> None:
    heard: dict[str, str] = {}

    def echo(request_body: dict[str, Any]) -> dict[str, Any]:
        token = request_body["fhirAuthorization"]["access_token"]
        extension = _ci(covered="covered", pa_needed="satisfied", satisfied_pa_id="PA-1")
        extension["extension"].append(
            {"url": "reason", "valueCodeableConcept": {"text": f"saw {token}"}}
        )
        heard["fhir"] = token
        return _update(request_body, extension)

    adapter = against(service(echo))
    decision = adapter.decide(CASE)
    text = json.dumps(decision)
    assert decision["outcome"] == "covered"
    assert heard["fhir"] not in text and "[token]" in text


def test_a_bearer_token_option_is_refused_for_signed_calls(root: str) -> None:
    with pytest.raises(AdapterSpecError, match="signed JWT"):
        open_adapter(f"crd:{root}/cds-services", AdapterOptions(token_env="SOME_TOKEN"))  # noqa: S106


def test_a_signing_key_from_a_file_signs_rs384(
    root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("CONFORMANCE_CRD_KEY_FILE", str(path))
    adapter = open_adapter(f"crd:{root}/cds-services", FAST)
    try:
        assert adapter.metadata()["extensions"]["interface"]["kind"] == "crd"
        assert adapter.decide(CASE)["outcome"] == "covered"  # the reference checked the RS384 JWT
        keys = httpx.get(adapter.metadata()["extensions"]["interface"]["jwks"]).json()["keys"]
    finally:
        adapter.close()
    assert keys[0]["alg"] == "RS384" and "d" not in keys[0]
