"""The portable corpus: `conformance export` writes every scenario as data that validates against
its schema, and `conformance replay` gives the same verdicts as the Gherkin suite on the same
engines, without pytest-bdd.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from policy_conformance import contract
from policy_conformance.corpus import CORPUS_SCHEMA, corpus_digest
from policy_conformance.packs import load_packs
from policy_conformance.provenance import shipped_digests
from tests.kit import Run, conformance

#: The reference and mutants wrong in different ways: a rating, a graded field, a contract
#: clause, repeatability and rejections.
ENGINES = [
    "reference",
    "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b",
    "python:policy_conformance.reference.inotuzumab_besponsa.mutants:names_an_extra_fact",
    "python:policy_conformance.reference.inotuzumab_besponsa.mutants:flaky",
    "python:policy_conformance.reference.inotuzumab_besponsa.mutants:never_rejects",
    "python:policy_conformance.reference.inotuzumab_besponsa.mutants:wrong_case_id",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("corpus")
    run = conformance("export", "--out", str(folder))
    assert run.code == 0, run.out + run.err
    return sorted(folder.glob("*.corpus.json"))


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_the_corpus_schema_is_valid_2020_12() -> None:
    schema = json.loads(CORPUS_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.slow
def test_the_export_has_one_file_per_pack_and_validates(corpus: list[Path]) -> None:
    schema = json.loads(CORPUS_SCHEMA.read_text(encoding="utf-8"))
    assert [p.name for p in corpus] == sorted(f"{pack.id}.corpus.json" for pack in load_packs())
    ids: list[str] = []
    for path in corpus:
        document = _load(path)
        jsonschema.Draft202012Validator(schema).validate(document)
        for entry in document["scenarios"]:
            ids.append(entry["id"])
            assert entry["pack"] == document["pack"]
            broken = contract.violations("case", entry["case"])
            assert bool(broken) == (entry["send"] == "malformed"), entry["id"]
            assert entry["expect"], entry["id"]
    assert len(ids) == len(set(ids)) >= 140


@pytest.mark.slow
def test_the_export_gives_the_corpus_digests_the_kit_ships(corpus: list[Path]) -> None:
    shipped = shipped_digests()
    stale = []
    for path in corpus:
        document = _load(path)
        assert document["digest"] == corpus_digest(document)
        if document["digest"] != shipped[document["pack"]]["corpus"]:
            stale.append(document["pack"])
    assert stale == [], (
        f"the corpora of {stale} changed: run `python -m policy_conformance.provenance` and "
        "commit conformance/shipped_packs.json"
    )


@pytest.mark.slow
def test_a_pended_scenario_is_exported_with_its_literal_expectations(corpus: list[Path]) -> None:
    ino = next(p for p in corpus if p.name == "inotuzumab_besponsa.corpus.json")
    entries = {e["name"]: e for e in _load(ino)["scenarios"]}
    entry = entries["Relapsed ALL whose lineage is not stated is pended for the lineage"]
    assert entry["expect"] == {
        "outcome": "pended",
        "determination": None,
        "clauses": ["INO-RECORDS"],
        "missing_facts": ["lineage"],
    }
    assert "lineage" not in entry["case"]["clinical"]
    assert entry["clauses"] == ["INO-RECORDS"] and entry["polarity"] == "applies"


def _replayed(run: Run) -> tuple[dict[str, str], dict[str, str]]:
    """Outcome by scenario id and verdict by clause, from replay's output."""
    outcomes: dict[str, str] = {}
    verdicts: dict[str, str] = {}
    for line in run.out.splitlines():
        word, _, rest = line.partition(" ")
        if word in {"PASSED", "FAILED", "ERRORED"}:
            outcomes[rest.strip()] = word.lower()
        elif line[:1].isupper() and "-" in line.split(" ")[0]:
            cells = line.split()
            verdicts[cells[0]] = " ".join(cells[6:])
    return outcomes, verdicts


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_the_corpus_and_the_gherkin_suite_give_the_same_verdicts(
    corpus: list[Path], engine: str, tmp_path: Path
) -> None:
    gherkin = conformance("run", "--adapter", engine, "-q", report=tmp_path / "run.json")
    assert gherkin.report is not None, gherkin.out[-2000:] + gherkin.err
    replay = conformance("replay", *map(str, corpus), "--adapter", engine)
    assert replay.code == gherkin.code, replay.out[-3000:] + replay.err
    outcomes, verdicts = _replayed(replay)
    left_out = {e["id"] for path in corpus for e in _load(path)["left_out"]}
    by_scenario = {
        s["id"]: s["outcome"] for s in gherkin.report["scenarios"] if s["id"] not in left_out
    }
    assert outcomes == by_scenario
    # Every clause but the one whose own scenarios decide a case several times (left out)
    # gets the same verdict; that clause still counts repeatability failures in both.
    run_verdicts = {c["id"]: c["verdict"] for c in gherkin.report["clauses"]}
    differing = {c for c in verdicts if verdicts[c] != run_verdicts[c]}
    assert differing <= {"CON-DETERMINISTIC"}, (verdicts, run_verdicts)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "is not JSON"),
        ('{"corpus_version": "1.1"}', "'kit_version' is a required property"),
        ('{"corpus_version": "1.0"}', "export it again"),
    ],
)
def test_a_corpus_that_is_not_one_is_a_usage_error(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "x.corpus.json"
    path.write_text(content, encoding="utf-8")
    run = conformance("replay", str(path))
    assert run.code == 2, run.out + run.err
    assert problem in run.err and str(path) in run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err


@pytest.mark.slow
def test_replay_against_an_unreachable_engine_exits_3(corpus: list[Path]) -> None:
    path = next(p for p in corpus if p.name == "contract.corpus.json")
    run = conformance(
        "replay", str(path), "--adapter", "http:http://127.0.0.1:9/v1", "--connect-timeout", "0.2"
    )
    assert run.code == 3, run.out + run.err
    assert "cannot connect" in run.err
