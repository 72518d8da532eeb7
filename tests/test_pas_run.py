"""Whole runs over PAS: the reference's PAS face is conformant as far as PAS carries; a payer
that approves too much and one that denies too much are caught, each by the scenarios it breaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from policy_conformance.reference import decide
from policy_conformance.reference.fhir_faces import fhir_routes
from policy_conformance.reference.server import app, running
from tests.kit import conformance

pytestmark = pytest.mark.slow


def _approves_too_much(case: Any) -> dict[str, Any]:
    decision = decide(case)
    if "errors" in decision or decision["outcome"] == "not-applicable":
        return decision
    decision.pop("missing_facts", None)
    return decision | {"outcome": "covered", "determination": "medically-necessary"}


def _denies_too_much(case: Any) -> dict[str, Any]:
    decision = decide(case)
    if "errors" in decision or decision["outcome"] == "not-applicable":
        return decision
    decision.pop("missing_facts", None)
    return decision | {"outcome": "not-covered", "determination": "not-medically-necessary"}


@pytest.fixture(scope="module")
def reference_pas() -> Iterator[str]:
    with running(app) as root:
        yield f"pas:{root}/fhir"


def test_the_reference_behind_pas_is_conformant_as_far_as_pas_carries(
    reference_pas: str, tmp_path: Path
) -> None:
    run = conformance("run", "--adapter", reference_pas, report=tmp_path / "r.json", timeout=900)
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert "not gradable on pas: clauses" in run.out
    scenarios = run.report["scenarios"]
    # Nothing on the wire is made up: clauses and policy versions are never graded over PAS, and
    # a scenario about nothing else is skipped, never passed.
    skipped = [s for s in scenarios if s["outcome"] == "skipped"]
    assert skipped and all(set(s["not_gradable"]) & {"policy", "clauses_within"} for s in skipped)
    assert {s["clause"] for s in skipped} == {"CON-POLICY", "CON-CITES-CATALOGUE"}
    assert run.verdict("CON-POLICY") == "not run"
    decided = [s for s in scenarios if s["reply"] == "decision" and s["outcome"] == "passed"]
    citing = [s for s in decided if any("rests on clause" in e for e in s["expectations"])]
    assert citing and all("clauses" in s["not_gradable"] for s in citing)
    # The evidence of each exchange is kept with its scenario.
    assert all(
        s["decision"]["extensions"]["pas"]["request"]["resourceType"] == "Bundle" for s in decided
    )
    for pack in ("inotuzumab_besponsa", "blincyto_bcbsnd", "blincyto_qualchoice_bi477"):
        assert any(p["id"] == pack and p["verdict"] == "conformant" for p in run.report["packs"])


@pytest.mark.parametrize(
    ("wrong", "broken"),
    [(_approves_too_much, "INO-NOT-MET"), (_denies_too_much, "INO-RR-BALL")],
    ids=["approves-too-much", "denies-too-much"],
)
def test_a_wrong_payer_behind_pas_fails(wrong: Any, broken: str, tmp_path: Path) -> None:
    with running(Starlette(routes=fhir_routes(decide=wrong))) as root:
        run = conformance(
            "run",
            "--adapter",
            f"pas:{root}/fhir",
            "--pack",
            "inotuzumab_besponsa",
            report=tmp_path / "r.json",
            timeout=900,
        )
    assert run.code == 1, run.out[-3000:] + run.err
    assert run.verdict(broken) == "nonconformant"
    assert run.report is not None
    failed = [s for s in run.report["scenarios"] if s["outcome"] == "failed"]
    assert failed and all(
        "outcome" in s["message"] or "determination" in s["message"] or "missing" in s["message"]
        for s in failed
    )
