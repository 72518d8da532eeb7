"""Packs as an attack: an added pack that carries code, exits, or tags itself into another pack.

An added pack (``--packs``) is data only, so it can never change another pack's verdict; a pack's
code that exits or raises is a kit error naming the file; every report names each pack that took
part, with a digest of all its files, and says whether it is as the kit shipped it.
"""

from __future__ import annotations

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from policy_conformance.packs import load_packs, pack_files, read_packs
from policy_conformance.provenance import origin, pack_digest, shipped_digests
from tests.kit import KIT_ROOT, conformance, copy_of_packs, edit

#: Wrong on INO-RR-BALL alone: the engine the attacks below try to pass off as conformant.
WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:adults_only"
CLAUSE = ("--clause", "INO-RR-BALL")

#: Phrases that switch off the grader: every Then step of every pack passes whatever the answer.
_RIGGED = """
import policy_conformance.grading as grading

grading.mismatch = lambda *arguments, **named: None


def pytest_runtest_makereport(item, call):
    call.excinfo = None
"""


def _added_pack(root: Path, name: str = "added_words") -> Path:
    made = conformance("new-pack", name, "--into", str(root))
    assert made.code == 0, made.err
    return root / "features" / name


def _one_line(err: str) -> None:
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err


def test_the_wrong_engine_fails_the_clause_without_any_added_pack(tmp_path: Path) -> None:
    run = conformance("run", "--adapter", WRONG, *CLAUSE, report=tmp_path / "r.json")
    assert run.code == 1 and run.verdict("INO-RR-BALL") == "nonconformant", run.err


@pytest.mark.parametrize(
    ("code", "where"),
    [
        (_RIGGED, "features/added_words/steps.py"),
        ("raise SystemExit(0)\n", "features/added_words/steps.py"),
        ("import os\nos._exit(0)\n", "fixtures/added_words/conftest.py"),
    ],
    ids=["rigs-the-grader", "exits-zero", "code-among-fixtures"],
)
def test_an_added_pack_that_carries_code_is_refused_before_any_engine(
    tmp_path: Path, code: str, where: str
) -> None:
    root = tmp_path / "packs"
    root.mkdir()
    _added_pack(root)
    (root / where).write_text(code)
    report = tmp_path / "r.json"
    run = conformance("run", "--adapter", WRONG, *CLAUSE, "--packs", str(root), report=report)
    assert run.code == 2, run.out + run.err
    assert f"{where}: an added pack carries no code" in run.err
    assert not report.exists() and not Path(f"{report}.partial").exists()
    lint = conformance("lint", env={"CONFORMANCE_PACKS": str(root)})
    assert lint.code == 1 and f"{where}: an added pack carries no code" in lint.out


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("raise SystemExit(0)\n", "SystemExit(0)"),
        ("raise KeyError('words')\n", "'words'"),
    ],
)
def test_a_kit_pack_whose_phrases_exit_or_raise_is_a_kit_error_naming_the_file(
    tmp_path: Path, code: str, shown: str
) -> None:
    root = copy_of_packs(tmp_path)
    (root / "features" / "inotuzumab_besponsa" / "steps.py").write_text(code)
    run = conformance("run", *CLAUSE, kit_root=root)
    assert run.code == 2, run.out + run.err
    assert "features/inotuzumab_besponsa/steps.py: the pack's step phrases fail to load" in run.err
    assert shown in run.err and "Traceback" not in run.err


def test_an_added_pack_cannot_put_scenarios_under_another_packs_clause(tmp_path: Path) -> None:
    root = tmp_path / "packs"
    root.mkdir()
    folder = _added_pack(root)
    feature = next(folder.glob("*.feature"))
    text = feature.read_text()
    clause = next(word for word in text.split() if word.startswith("@clause:"))
    feature.write_text(text.replace(clause, "@clause:INO-RR-BALL"))
    run = conformance("run", "--adapter", WRONG, *CLAUSE, "--packs", str(root))
    assert run.code == 2, run.out + run.err
    assert "names clause INO-RR-BALL, which is not in clauses.yaml of pack added_words" in run.err


@pytest.mark.parametrize(
    "where", ["features/stray.feature", "features/inotuzumab_besponsa/more/stray.feature"]
)
def test_a_feature_outside_any_pack_folder_fails_the_preflight(tmp_path: Path, where: str) -> None:
    root = copy_of_packs(tmp_path)
    stray = root / where
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text((KIT_ROOT / "features" / "contract" / "contract.feature").read_text())
    run = conformance("run", *CLAUSE, kit_root=root, report=tmp_path / "r.json")
    assert run.code == 2, run.out + run.err
    assert f"{where}: is outside any pack folder" in run.err
    assert "passed" not in run.out and "Traceback" not in run.err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  id: inotuzumab_besponsa\n", '  id: "inotuzumab_besponsa\\n"\n'),
        ("- id: INO-RR-BALL\n", '- id: "INO-RR-BALL\\n"\n'),
    ],
    ids=["pack-id", "clause-id"],
)
def test_an_id_with_a_trailing_line_break_is_refused(tmp_path: Path, old: str, new: str) -> None:
    root = copy_of_packs(tmp_path)
    edit(root, "features/inotuzumab_besponsa/clauses.yaml", old, new)
    _, problems = read_packs((root,))
    assert any("is not a whole id" in str(p) for p in problems), problems
    run = conformance("run", kit_root=root)
    assert run.code == 2 and "is not a whole id" in run.err, run.out + run.err


def test_a_facts_schema_nested_200000_deep_is_one_line_per_problem(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    facts = root / "features" / "inotuzumab_besponsa" / "facts.schema.json"
    facts.write_text('{"$defs": ' + "[" * 200_000 + "]" * 200_000 + "}")
    run = conformance("run", *CLAUSE, kit_root=root)
    assert run.code == 2, run.out + run.err
    assert "facts.schema.json: is refused: it nests arrays and objects more than 64 deep" in run.err
    assert "Traceback" not in run.err and "RecursionError" not in run.err


def test_a_facts_schema_that_refers_outside_the_kit_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "packs"
    root.mkdir()
    facts = _added_pack(root) / "facts.schema.json"
    schema = json.loads(facts.read_text())
    schema["properties"]["clinical"] = {"$ref": "http://127.0.0.1:9/facts.json"}
    facts.write_text(json.dumps(schema))
    run = conformance("run", "--packs", str(root), "--pack", "added_words")
    assert run.code == 2, run.out + run.err
    assert "$ref 'http://127.0.0.1:9/facts.json' names no schema of the kit" in run.err
    assert "Traceback" not in run.err


# -- provenance ----------------------------------------------------------------------------


def test_the_shipped_digests_are_those_of_the_packs_in_the_checkout() -> None:
    known = shipped_digests()
    packs = load_packs()
    assert sorted(known) == sorted(pack.id for pack in packs)
    stale = [pack.id for pack in packs if known[pack.id]["pack"] != pack_digest(pack)]
    assert stale == [], (
        f"the packs {stale} changed: run `python -m policy_conformance.provenance` and commit "
        "conformance/shipped_packs.json"
    )
    assert all(origin(pack) == "shipped" for pack in packs)


def test_every_file_of_a_shipped_pack_is_one_the_wheel_ships() -> None:
    # A file the wheel leaves out would make every installed kit name its pack as modified.
    settings = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())
    shipped = settings["tool"]["setuptools"]["package-data"]
    patterns = {
        "features": shipped["policy_conformance.features"],
        "fixtures": shipped["policy_conformance.fixtures"],
    }
    for pack in load_packs():
        for name, _ in pack_files(pack):
            part, _, below = name.partition("/")
            assert any(fnmatch(below, pattern) for pattern in patterns[part]), name


def test_the_digest_covers_every_file_of_the_pack_code_included(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    packs, _ = read_packs((root,))
    before = {pack.id: pack_digest(pack) for pack in packs}
    steps = root / "features" / "inotuzumab_besponsa" / "steps.py"
    steps.write_text(steps.read_text() + "\n# one more line\n")
    (root / "fixtures" / "blincyto_bcbsnd" / "notes.txt").write_text("not a fixture")
    after = {pack.id: pack_digest(pack) for pack in packs}
    assert {k for k in before if before[k] != after[k]} == {
        "inotuzumab_besponsa",
        "blincyto_bcbsnd",
    }


def test_the_report_names_every_pack_with_its_digest_and_origin(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    edit(root, "features/inotuzumab_besponsa/steps.py", '"""', '"""Edited. ', 1)
    added = tmp_path / "added"
    added.mkdir()
    _added_pack(added)
    report = tmp_path / "r.json"
    run = conformance(
        "run", "--clause", "CON-ECHO-ID", "--packs", str(added), kit_root=root, report=report
    )
    assert run.report is not None, run.out + run.err
    provenance = {p["id"]: p["provenance"] for p in run.report["packs"]}
    assert {k: v["origin"] for k, v in provenance.items()} == {
        "blincyto_bcbsnd": "shipped",
        "blincyto_qualchoice_bi477": "shipped",
        "contract": "shipped",
        "inotuzumab_besponsa": "modified",
        "added_words": "added",
    }
    assert provenance["inotuzumab_besponsa"]["code"] == ["features/inotuzumab_besponsa/steps.py"]
    assert provenance["added_words"]["code"] == []
    assert all(len(entry["digest"]) == 64 for entry in provenance.values())
    assert "modified pack: inotuzumab_besponsa differs from the pack shipped" in run.out
    assert "added pack: added_words from" in run.out
    assert str(tmp_path) not in json.dumps(run.report)


def test_a_shipped_run_names_no_pack_as_added_or_modified(tmp_path: Path) -> None:
    run = conformance("run", "--clause", "CON-ECHO-ID", report=tmp_path / "r.json")
    assert run.code == 0 and run.report is not None, run.err
    assert {p["provenance"]["origin"] for p in run.report["packs"]} == {"shipped"}
    assert "modified pack" not in run.out and "added pack" not in run.out


def test_an_added_data_pack_leaves_the_other_packs_verdicts_alone(tmp_path: Path) -> None:
    root = tmp_path / "packs"
    root.mkdir()
    _added_pack(root)
    run = conformance(
        "run", "--adapter", WRONG, *CLAUSE, "--packs", str(root), report=tmp_path / "r.json"
    )
    assert run.code == 1, run.out + run.err
    assert run.verdict("INO-RR-BALL") == "nonconformant"
