"""Whole runs over CRD: the reference's CRD face is conformant as far as CRD can say; payers that
approve too much, deny too much or never ask for authorization are caught."""

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


def _as(outcome: str, determination: str | None) -> Any:
    def wrong(case: Any) -> dict[str, Any]:
        decision = decide(case)
        if "errors" in decision:
            return decision
        decision.pop("missing_facts", None)
        decision.pop("determination", None)
        decision["outcome"] = outcome
        if determination:
            decision["determination"] = determination
        return decision

    return wrong


@pytest.fixture(scope="module")
def reference_crd() -> Iterator[str]:
    with running(app) as root:
        yield f"crd:{root}/cds-services"


def test_the_reference_behind_crd_is_conformant_as_far_as_crd_can_say(
    reference_crd: str, tmp_path: Path
) -> None:
    run = conformance("run", "--adapter", reference_crd, report=tmp_path / "r.json", timeout=900)
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert "not gradable on crd: clauses" in run.out
    scenarios = run.report["scenarios"]
    undecided = [
        s for s in scenarios if any("consistent, not decided" in n for n in s["not_gradable"])
    ]
    # auth-needed and no-auth answers are consistent, never passes of a decision clause.
    assert undecided and all(s["outcome"] == "skipped" for s in undecided)
    decided = [s for s in scenarios if s["outcome"] == "passed" and s["reply"] == "decision"]
    assert {s["decision"]["outcome"] for s in decided} >= {"covered", "not-covered"}
    assert all(s["decision"]["extensions"]["crd"]["queries"] for s in decided)


@pytest.mark.parametrize(
    ("wrong", "broken"),
    [
        (_as("covered", "medically-necessary"), "INO-NOT-MET"),
        (_as("not-covered", "not-medically-necessary"), "INO-RR-BALL"),
        (_as("not-applicable", None), "INO-NOT-MET"),
    ],
    ids=["approves-too-much", "denies-too-much", "never-asks-for-authorization"],
)
def test_a_wrong_payer_behind_crd_fails(wrong: Any, broken: str, tmp_path: Path) -> None:
    with running(Starlette(routes=fhir_routes(decide=wrong))) as root:
        run = conformance(
            "run",
            "--adapter",
            f"crd:{root}/cds-services",
            "--pack",
            "inotuzumab_besponsa",
            report=tmp_path / "r.json",
            timeout=900,
        )
    assert run.code == 1, run.out[-3000:] + run.err
    assert run.verdict(broken) == "nonconformant"
