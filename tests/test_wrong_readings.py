"""Every corner the readings settle bites: each engine that breaks one fails two of its scenarios.

The engines of ``tests/engines/wrong_readings.py`` each read one corner the wrong way (a cancer
flag from a lymphoma's code, labeling absent beside a weak listing, a status from the ALL code,
the first of several ALL codes, a member born after the date of service, the MRD indication's
lineage and ALL-code conditions, a single listed or dated code). Run as a vendor would, each is
nonconformant on its pack, with at least two failed scenarios there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engines.wrong_readings import WRONG
from tests.kit import conformance

pytestmark = pytest.mark.slow

CASES = [(name, pack) for name, packs in WRONG.items() for pack in packs]


@pytest.mark.parametrize(("engine", "pack"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_each_wrong_reading_fails_two_scenarios_of_its_pack(
    tmp_path: Path, engine: str, pack: str
) -> None:
    run = conformance(
        "run",
        "--pack",
        pack,
        "--adapter",
        f"python:tests.engines.wrong_readings:{engine}",
        report=tmp_path / "report.json",
    )
    assert run.code == 1, run.out[-2000:] + run.err
    assert run.report is not None
    failed = [s for s in run.report["scenarios"] if s["pack"] == pack and s["outcome"] == "failed"]
    assert len(failed) >= 2, [s["name"] for s in failed]
    verdicts = {p["id"]: p for p in run.report["packs"]}
    assert verdicts[pack]["verdict"] == "nonconformant"
