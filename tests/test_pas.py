"""The PAS adapter against the reference's PAS face and against payers that answer badly.

Every bad answer the adapter claims to handle has a fake payer here (a few lines of Starlette on
a loopback port): each must be an error with its reason, never a decision that could pass.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

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
from policy_conformance.adapters.http import MAX_BODY_BYTES
from policy_conformance.adapters.pas import NOT_CARRIED_CLAUSE, PasAdapter
from policy_conformance.contract import violations
from policy_conformance.contract.fhir_pas import ACTION_SYSTEM, REVIEW_ACTION, request_bundle
from policy_conformance.reference import decide
from policy_conformance.reference.fhir_faces import capability_statement
from policy_conformance.reference.server import app, running
from tests.kit import example, variant

TIMEOUT = 2.0
FAST = AdapterOptions(timeout=TIMEOUT, connect_timeout=TIMEOUT)
TOKEN = "pas-s3cr3t-T0ken.for-tests_only"  # noqa: S105 - a made-up token whose leaks are hunted

CASE: dict[str, Any] = {**example("case-primary-indication"), "case_id": "pas-1"}


@pytest.fixture(scope="module")
def reference_url() -> Iterator[str]:
    with running(app) as root:
        yield f"{root}/fhir"


@pytest.fixture
def adapter(reference_url: str) -> Iterator[PasAdapter]:
    opened = open_adapter(f"pas:{reference_url}", FAST)
    assert isinstance(opened, PasAdapter)
    yield opened
    opened.close()


def test_the_case_used_here_is_a_valid_case() -> None:
    assert violations("case", CASE) == []


def test_metadata_says_what_the_interface_carries(adapter: PasAdapter) -> None:
    about = adapter.metadata()
    assert violations("metadata", about) == []
    interface = about["extensions"]["interface"]
    assert interface["kind"] == "pas"
    assert set(interface["not_carried"]) == {"clauses", "policy"}
    assert "clauses" not in adapter.carries and "outcome" in adapter.carries


UNSUPPORTED = {"fda_labeling": {"within_label": False}, "compendia": []}


def _variant(
    clinical: dict[str, Any], evidence: dict[str, Any] | None, **drug: Any
) -> dict[str, Any]:
    return variant(CASE, clinical, evidence, **drug)


@pytest.mark.parametrize(
    ("case", "outcome", "determination"),
    [
        (_variant({}, None), "covered", "medically-necessary"),
        (_variant({"lineage": "t-cell"}, UNSUPPORTED), "not-covered", "investigational"),
        (_variant({"lineage": "t-cell"}, None), "pended", None),
        (_variant({}, None, hcpcs_codes=["J9039"]), "not-applicable", None),
    ],
    ids=["A1", "A3", "A4", "NA"],
)
def test_each_review_action_reads_as_the_reference_decides(
    adapter: PasAdapter, case: dict[str, Any], outcome: str, determination: str | None
) -> None:
    decision = adapter.decide(case)
    direct = decide(case)
    assert direct["outcome"] == outcome
    assert decision["case_id"] == case["case_id"]
    assert decision["outcome"] == outcome
    assert decision.get("determination") == determination == direct.get("determination")
    assert sorted(decision.get("missing_facts", [])) == sorted(direct.get("missing_facts", []))
    assert violations("decision", decision) == []
    assert direct["outcome"] == outcome
    assert decision["case_id"] == case["case_id"]
    assert decision["outcome"] == outcome
    assert decision.get("determination") == determination == direct.get("determination")
    assert sorted(decision.get("missing_facts", [])) == sorted(direct.get("missing_facts", []))
    # Not carried by PAS, and marked so rather than made up.
    assert decision["clauses"] == [NOT_CARRIED_CLAUSE]
    evidence = decision["extensions"]["pas"]
    assert evidence["request"]["entry"][0]["resource"]["use"] == "preauthorization"
    assert evidence["response"]["entry"][0]["resource"]["resourceType"] == "ClaimResponse"


def test_a_malformed_case_is_rejected_by_operation_outcome(adapter: PasAdapter) -> None:
    case = copy.deepcopy(CASE)
    case["drug"]["units"] = 0
    reply = adapter.decide(case)
    assert violations("rejection", reply) == []
    assert reply["case_id"] == "pas-1"


def test_a_pack_without_a_projection_is_a_clear_error(adapter: PasAdapter) -> None:
    with pytest.raises(AdapterSpecError, match="has no fhir"):
        adapter.decide({**CASE, "policy_id": "no_such_policy"})


# --- payers that answer badly ----------------------------------------------------------------


def _answer(action: str, **extra: Any) -> dict[str, Any]:
    codes: list[dict[str, Any]] = [
        {
            "url": "reviewActionCode",
            "valueCodeableConcept": {"coding": [{"system": ACTION_SYSTEM, "code": action}]},
        }
    ]
    response: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "request": {"identifier": {"value": "pas-1"}},
        "outcome": "complete",
        "item": [
            {
                "itemSequence": 1,
                "adjudication": [{"extension": [{"url": REVIEW_ACTION, "extension": codes}]}],
            }
        ],
    }
    response.update(extra)
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": response}]}


Submit = Callable[[Request], Any]


def payer(submit: Submit, metadata: dict[str, Any] | None = None) -> Starlette:
    async def capabilities(request: Request) -> Response:
        return JSONResponse(metadata if metadata is not None else capability_statement())

    async def claim(request: Request) -> Response:
        answered = submit(request)
        if asyncio.iscoroutine(answered):
            answered = await answered
        if isinstance(answered, Response):
            return answered
        return JSONResponse(answered)

    return Starlette(
        routes=[
            Route("/fhir/metadata", capabilities, methods=["GET"]),
            Route("/fhir/Claim/$submit", claim, methods=["POST"]),
        ]
    )


@pytest.fixture
def against() -> Iterator[Callable[[Starlette], PasAdapter]]:
    with ExitStack() as stack:

        def open_on(fake: Starlette) -> PasAdapter:
            root = stack.enter_context(running(fake))
            opened = open_adapter(f"pas:{root}/fhir", FAST)
            assert isinstance(opened, PasAdapter)
            stack.callback(opened.close)
            return opened

        yield open_on


async def _slowly(request: Request) -> dict[str, Any]:
    await asyncio.sleep(60)  # past any deadline; the server cancels it when it stops
    return _answer("A1")


def _huge(request: Request) -> Response:
    return Response(b"[" + b"0," * (MAX_BODY_BYTES // 2) + b"0]", media_type="application/json")


@pytest.mark.parametrize(
    ("submit", "reason"),
    [
        (lambda r: Response("down", 503), "HTTP 503"),
        (lambda r: Response("no", 401), "refused the credentials"),
        (lambda r: Response("not json", 200), "not JSON"),
        (lambda r: {"resourceType": "Patient"}, "not a ClaimResponse"),
        (lambda r: _answer("A1", item=[]), "no review action"),
        (lambda r: _answer("A3"), "gives no determination"),
        (lambda r: _answer("A4"), "without saying which information"),
        (
            lambda r: _answer(
                "A4",
                contained=[
                    {
                        "resourceType": "CommunicationRequest",
                        "id": "i",
                        "payload": [{"contentString": "shoe-size"}],
                    }
                ],
                communicationRequest=[{"reference": "#i"}],
            ),
            "name no missing fact",
        ),
        (lambda r: _answer("CT"), "review action 'CT' has no outcome"),
        (lambda r: _answer("A1", request={}), "does not name the Claim"),
        (
            lambda r: _answer(
                "A1", outcome="error", error=[{"code": {"coding": [{"code": "member-not-found"}]}}]
            ),
            "member-not-found",
        ),
        (lambda r: Response("{}", 400), "without an OperationOutcome"),
        (_slowly, "within"),
        (_huge, "MiB limit"),
    ],
)
def test_a_bad_payer_answer_is_an_error_with_its_reason(
    against: Callable[[Starlette], PasAdapter], submit: Submit, reason: str
) -> None:
    adapter = against(payer(submit))
    with pytest.raises(EngineError, match=reason):
        adapter.decide(CASE)


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ({"resourceType": "Patient"}, "not a FHIR CapabilityStatement"),
        ({"resourceType": "CapabilityStatement", "rest": []}, "offers no Claim/\\$submit"),
    ],
)
def test_a_service_that_offers_no_pas_is_unreachable_with_its_reason(
    against: Callable[[Starlette], PasAdapter], statement: dict[str, Any], reason: str
) -> None:
    adapter = against(payer(lambda r: _answer("A1"), statement))
    with pytest.raises(EngineUnreachable, match=reason):
        adapter.metadata()


def test_the_token_never_leaves_the_adapter(
    against: Callable[[Starlette], PasAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAS_TOKEN", TOKEN)

    async def echo(request: Request) -> dict[str, Any]:
        heard = request.headers.get("authorization", "")
        answer = _answer("A1")
        answer["entry"][0]["resource"]["disposition"] = heard
        return answer

    with running(payer(echo)) as root:
        adapter = open_adapter(
            f"pas:{root}/fhir",
            AdapterOptions(timeout=TIMEOUT, token_env="PAS_TOKEN"),  # noqa: S106 - a variable name
        )
        try:
            decision = adapter.decide(CASE)
        finally:
            adapter.close()
    assert decision["outcome"] == "covered"
    assert TOKEN not in json.dumps(decision)
    assert "[token]" in json.dumps(decision)


def test_the_request_bundle_starts_with_the_claim() -> None:
    bundle = request_bundle(CASE)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Claim" and {"Patient", "Coverage", "Organization"} <= set(kinds)
    assert all(
        e["fullUrl"].endswith(f"{e['resource']['resourceType']}/{e['resource']['id']}")
        for e in bundle["entry"]
    )


# --- the grader honours what an interface carries, and only the adapter can say it ----------


class _Node:
    def __init__(self) -> None:
        self.stash = pytest.Stash()


class _Request:
    """Just enough of a pytest request for the grader's look at the engine's adapter."""

    def __init__(self, adapter: object) -> None:
        self.node = _Node()
        self._engine = type("Engine", (), {"adapter": adapter})()

    def getfixturevalue(self, name: str) -> object:
        assert name == "engine"
        return self._engine


class _Undecided:
    carries = frozenset({"reply", "outcome"})

    def consistent_outcomes(self, decision: dict[str, Any]) -> frozenset[str] | None:
        return frozenset({"covered", "not-covered", "pended"})


def test_an_adapter_without_a_declaration_has_every_field_graded() -> None:
    from policy_conformance.adapters.http import HttpAdapter
    from policy_conformance.carried import NOT_GRADABLE, not_gradable

    # An engine's own metadata cannot declare its way out: only the adapter kind can.
    assert not hasattr(HttpAdapter, "carries")
    request = _Request(object())
    assert not not_gradable(request, "clauses", ["X-1"], {})  # type: ignore[arg-type]
    assert NOT_GRADABLE not in request.node.stash


def test_a_field_the_interface_cannot_carry_is_noted_not_graded() -> None:
    from policy_conformance.carried import NOT_GRADABLE, not_gradable

    request = _Request(type("Pas", (), {"carries": PasAdapter.carries})())
    assert not not_gradable(request, "outcome", "covered", {})  # type: ignore[arg-type]
    assert not_gradable(request, "clauses_within", ["X-1"], {})  # type: ignore[arg-type]
    assert request.node.stash[NOT_GRADABLE] == ["clauses_within"]


def test_an_undecided_answer_grades_no_decision_field_but_fails_an_inconsistent_one() -> None:
    from policy_conformance.carried import NOT_GRADABLE, not_gradable

    request = _Request(_Undecided())
    body = {"case_id": "c", "outcome": "not-applicable"}
    assert not_gradable(request, "outcome", "pended", body)  # type: ignore[arg-type]
    assert not_gradable(request, "clauses", ["X-1"], body)  # type: ignore[arg-type]
    assert request.node.stash[NOT_GRADABLE] == [
        "outcome (consistent, not decided)",
        "clauses (consistent, not decided)",
    ]
    with pytest.raises(AssertionError, match="consistent only with"):
        not_gradable(request, "outcome", "not-applicable", body)  # type: ignore[arg-type]
