"""The contract's scenarios run with the requests of every policy pack the engine implements.

An engine of one blinatumomab policy is sent malformed cases of that policy, so one without any
input validation fails; ``--pack ID`` checks that pack and the contract on its requests, and
``--pack contract`` checks the contract on the requests of every policy.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from policy_conformance.packs import checked_requests, load_packs
from tests.kit import conformance

POLICY_PACKS = sorted(pack.id for pack in load_packs() if pack.kind == "policy")


def test_an_engine_of_one_policy_without_input_validation_fails_the_contract(
    tmp_path: Path,
) -> None:
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.unvalidated:decide",
        report=tmp_path / "report.json",
    )
    assert run.code == 1, run.out[-2000:] + run.err
    assert run.report is not None
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["blincyto_bcbsnd"]["verdict"] == "conformant"
    assert packs["contract"]["verdict"] == "nonconformant"
    failed = [s for s in run.report["scenarios"] if s["outcome"] != "passed"]
    assert failed and {s["clause"] for s in failed} == {"CON-REJECT-MALFORMED"}
    # Every malformed case it was sent is one of its own policy's.
    assert {s["case"]["policy_id"] for s in failed} == {"blincyto_bcbsnd"}


def test_pack_contract_runs_the_contract_with_every_policys_requests(tmp_path: Path) -> None:
    run = conformance("run", "--pack", "contract", report=tmp_path / "report.json")
    assert run.code == 0, run.out[-2000:] + run.err
    assert run.report is not None
    scenarios = run.report["scenarios"]
    assert {s["pack"] for s in scenarios} == {"contract"}
    per_policy = Counter(s["case"]["policy_id"] for s in scenarios if s["case"])
    assert sorted(per_policy) == POLICY_PACKS
    assert len(set(per_policy.values())) == 1, per_policy
    # Each run of a scenario with another pack's requests has an id of its own.
    assert len({s["id"] for s in scenarios}) == len(scenarios)
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["contract"]["verdict"] == "conformant"
    assert all(packs[pack]["checked"] is False for pack in POLICY_PACKS)


def test_pack_id_checks_that_pack_and_the_contract_on_its_requests(tmp_path: Path) -> None:
    run = conformance("run", "--pack", "blincyto_qualchoice_bi477", report=tmp_path / "r.json")
    assert run.code == 0, run.out[-2000:] + run.err
    assert run.report is not None
    packs = {p["id"]: p for p in run.report["packs"]}
    assert packs["blincyto_qualchoice_bi477"]["verdict"] == "conformant"
    assert packs["contract"]["verdict"] == "conformant"
    contract = [s for s in run.report["scenarios"] if s["pack"] == "contract"]
    assert contract and {s["case"]["policy_id"] for s in contract if s["case"]} == {
        "blincyto_qualchoice_bi477"
    }


def test_the_contract_runs_with_the_requests_of_the_declared_and_wanted_packs() -> None:
    packs = load_packs()
    one = [{"id": "blincyto_bcbsnd", "version": "B-undated"}]
    assert checked_requests(packs, None, set())["contract"] == POLICY_PACKS
    assert checked_requests(packs, one, set())["contract"] == ["blincyto_bcbsnd"]
    assert checked_requests(packs, one, {"contract"})["contract"] == ["blincyto_bcbsnd"]
    assert checked_requests(packs, one, {"contract"})["blincyto_bcbsnd"] == []
    assert checked_requests(packs, one, {"inotuzumab_besponsa"})["contract"] == []
    wrong_version = [{"id": "blincyto_bcbsnd", "version": "A"}]
    assert checked_requests(packs, wrong_version, set())["contract"] == []
