"""What a payer publishes: `conformance badge` (a shields.io endpoint per pack) and
`conformance combine` (one results table for several engines, versions or shards).

Both read saved reports only; the reports here come from short real runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.publish import badge

from .kit import conformance

WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b"


def _report(verdicts: list[str], **top: Any) -> dict[str, Any]:
    clauses = [{"id": f"C{i}", "pack": "p", "verdict": v} for i, v in enumerate(verdicts)]
    return {"state": "complete", "clauses": clauses} | top


def test_a_badge_says_the_share_of_clauses_run_that_are_conformant() -> None:
    pack = {"id": "p", "checked": True}
    three_of_four = _report(["conformant", "conformant", "nonconformant", "conformant", "not run"])
    assert badge(three_of_four, pack) == {
        "schemaVersion": 1,
        "label": "p conformance",
        "message": "75% conformant",
        "color": "yellow",
    }
    assert badge(_report(["conformant"]), pack)["color"] == "brightgreen"
    assert badge(_report(["errored"]), pack) | {"label": ""} == {
        "schemaVersion": 1,
        "label": "",
        "message": "0% conformant",
        "color": "red",
    }
    # An unfinished run, or a pack it did not check, claims nothing.
    assert badge(_report(["conformant"], state="interrupted"), pack)["message"] == "no verdict"
    assert badge(_report(["conformant"]), pack | {"checked": False})["message"] == "not checked"
    assert badge(_report(["not run"]), pack)["message"] == "not run"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    runs = {
        "shard-1": ("--clause", "INO-CODE-DATES"),
        "shard-2": ("--clause", "INO-COMPENDIA"),
        "wrong": ("--clause", "INO-COMPENDIA", "--adapter", WRONG),
    }
    paths = {}
    for name, arguments in runs.items():
        paths[name] = folder / f"{name}.json"
        run = conformance("run", *arguments, report=paths[name])
        assert run.code in (0, 1), run.err
    return paths


@pytest.mark.slow
def test_badge_writes_one_endpoint_file_per_pack(reports: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "badges"
    done = conformance("badge", str(reports["wrong"]), "--out", str(out))
    assert done.code == 0, done.err
    written = {p.name: json.loads(p.read_text()) for p in out.iterdir()}
    assert written["inotuzumab_besponsa.json"]["message"] == "0% conformant"
    assert all(set(b) == {"schemaVersion", "label", "message", "color"} for b in written.values())
    good = conformance("badge", str(reports["shard-1"]), "--out", str(out))
    assert json.loads((out / "inotuzumab_besponsa.json").read_text())["message"] == (
        "100% conformant"
    )
    assert good.code == 0
    refused = conformance("badge", str(out / "contract.json"), "--out", str(out))
    assert refused.code == 2 and "not a report of conformance run --report" in refused.err


@pytest.mark.slow
def test_combine_merges_shards_and_sets_engines_side_by_side(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    done = conformance(
        "combine",
        *(str(reports[n]) for n in ("shard-1", "shard-2", "wrong")),
        "--out",
        str(tmp_path),
    )
    assert done.code == 0, done.err
    page = (tmp_path / "index.html").read_text()
    # Two columns: the reference (its two shards merged) and the wrong engine.
    assert page.count("report(s)</span></th>") == 2
    assert "2 report(s)" in page and "1 report(s)" in page
    rows = {
        m[1]: m[2]
        for m in re.finditer(r"<tr><td>[^<]*</td><td><code>([A-Z-]+)</code></td>(.*?)</tr>", page)
    }
    reference, wrong = re.findall(r">([a-z ]+)</span><br>", rows["INO-COMPENDIA"])
    assert (reference, wrong) == ("conformant", "nonconformant")
    # The first shard's clause is judged in the merged column, not run by the wrong engine.
    assert re.findall(r">([a-z ]+)</span><br>", rows["INO-CODE-DATES"]) == ["conformant", "not run"]
