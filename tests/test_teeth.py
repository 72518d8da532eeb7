"""The suite has teeth: ``conformance mutants`` kills every mutant of every pack's gallery, twice.

Each policy pack's gallery (``policy_conformance.reference.<pack>.mutants``) holds the mistakes a
vendor could plausibly make, each breaking one clause. Run as a vendor would, ``conformance
mutants`` must kill every one with at least two scenarios, one of them of the clause the mutant
breaks, and exit 0; a gallery with a survivor or a mutant killed once makes it exit 1. The
reference engine, through ``conformance run``, is conformant on every clause of every pack.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from policy_conformance.mutants import galleries
from policy_conformance.packs import load_packs
from tests.kit import KIT_ROOT, Run, conformance, run_environment

GALLERIES = galleries(pack.id for pack in load_packs())
#: Every mutant of every gallery, by (gallery module, name), with the clause it breaks.
MUTANTS = {
    (gallery.module, name): clause
    for gallery in GALLERIES
    for name, clause in gallery.mutants.items()
}


#: The gallery of each mutant, by (gallery module, name).
GALLERY_OF = {(gallery.module, name): gallery for gallery in GALLERIES for name in gallery.mutants}


def _killing(mutant: tuple[str, str], folder: Path) -> tuple[Run, dict[str, Any]]:
    """``conformance mutants`` on one mutant, as a vendor runs it, and the mutant's entry.

    One command a mutant, in the mutant's own test: a slow or hung run fails that test alone.
    """
    gallery = GALLERY_OF[mutant]
    run = conformance(
        "mutants",
        "--pack",
        gallery.pack,
        "--mutant",
        mutant[1],
        "--jobs",
        "1",
        report=folder / "mutants.json",
    )
    return run, _by_gallery(run)[mutant]


def _mutants(run: Run) -> dict[str, dict[str, Any]]:
    assert run.report is not None, run.out[-3000:] + run.err
    return {entry["name"]: entry for entry in run.report["mutants"]}


def _by_gallery(run: Run) -> dict[tuple[str, str], dict[str, Any]]:
    assert run.report is not None, run.out[-3000:] + run.err
    return {(entry["gallery"], entry["name"]): entry for entry in run.report["mutants"]}


def test_every_policy_pack_has_a_gallery_of_documented_mutants() -> None:
    import importlib

    policy_packs = {pack.id for pack in load_packs() if pack.kind == "policy"}
    assert {gallery.pack for gallery in GALLERIES} == policy_packs
    assert sum(len(gallery.mutants) for gallery in GALLERIES) >= 40
    for gallery in GALLERIES:
        module = importlib.import_module(gallery.module)
        assert len(gallery.mutants) >= 6, gallery.module
        for name in gallery.mutants:
            doc = (getattr(module, name).__doc__ or "").strip()
            assert doc and "\n" not in doc, f"{gallery.module}.{name}: needs a one-line docstring"


# The full matrix: a run of the kit for every mutant of every gallery. Apart from the default
# command (see tests/README.md); .ci/run runs it in its second pytest command.
@pytest.mark.slow
@pytest.mark.exhaustive
@pytest.mark.parametrize(("mutant", "clause"), sorted(MUTANTS.items()), ids=lambda v: str(v))
def test_each_mutant_is_killed_twice_once_by_the_clause_it_breaks(
    mutant: tuple[str, str], clause: str, tmp_path: Path
) -> None:
    run, entry = _killing(mutant, tmp_path)
    assert run.code == 0, run.out[-3000:] + run.err
    assert "kill rate 100%" in run.out
    assert entry["kills"] >= 2, entry
    assert any(clause in scenario["clauses"] for scenario in entry["killers"]), entry["killers"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mutant", "graded"),
    [("cites_every_clause", "clauses cited (exactly)"), ("names_an_extra_fact", "missing facts")],
)
def test_a_mutant_wrong_in_one_graded_field_fails_on_that_field(
    mutant: str, graded: str, tmp_path: Path
) -> None:
    gallery = "policy_conformance.reference.inotuzumab_besponsa.mutants"
    _, entry = _killing((gallery, mutant), tmp_path)
    killers = entry["killers"]
    assert killers and all(s["outcome"] == "failed" for s in killers)
    assert all(s["message"].startswith(f"wrong decision: {graded}") for s in killers), [
        s["message"][:120] for s in killers
    ]


@pytest.mark.slow
def test_a_survivor_and_a_mutant_killed_once_fail_the_matrix(tmp_path: Path) -> None:
    run = conformance("mutants", "--gallery", "tests.engines.survivors", report=tmp_path / "m.json")
    assert run.code == 1, run.out[-3000:] + run.err
    status = {name: entry["status"] for name, entry in _mutants(run).items()}
    assert status == {
        "answers_like_the_reference": "survived",
        "forgets_the_far_future": "killed once",
        "wrong_policy_version": "killed",
    }
    assert "kill rate 67%" in run.out
    assert "survived: answers_like_the_reference (breaks INO-RR-BALL)" in run.out


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--gallery", "no_such_gallery"], "--gallery no_such_gallery: cannot be imported"),
        (["--gallery", "tests.engines.toy"], "has no MUTANTS mapping"),
        (["--mutant", "no_such_mutant"], "--mutant no_such_mutant: not in gallery"),
    ],
)
def test_a_gallery_or_mutant_that_does_not_exist_is_a_usage_error(
    arguments: list[str], problem: str
) -> None:
    run = conformance("mutants", *arguments)
    assert run.code == 2, run.out + run.err
    assert problem in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert "Traceback" not in run.err


@pytest.mark.slow
def test_every_clause_has_a_mutant() -> None:
    clauses = {cid for pack in load_packs() for cid in pack.clauses}
    assert clauses <= set(MUTANTS.values()), clauses - set(MUTANTS.values())


def test_a_gallery_is_checked_on_its_own_pack_alone(tmp_path: Path) -> None:
    run = conformance(
        "mutants",
        "--pack",
        "inotuzumab_besponsa",
        "--mutant",
        "adults_only",
        report=tmp_path / "m.json",
    )
    assert run.code == 0, run.out[-3000:] + run.err
    killers = _mutants(run)["adults_only"]["killers"]
    assert {k["feature"].partition("/")[0] for k in killers} == {"inotuzumab_besponsa"}


def test_a_gallery_in_the_working_directory_is_imported_as_run_imports_an_engine(
    tmp_path: Path,
) -> None:
    (tmp_path / "vendor_gallery.py").write_text(
        '"""A vendor\'s own gallery, beside no installed package."""\n'
        "from policy_conformance.reference.inotuzumab_besponsa.mutants import adults_only\n"
        'PACK = "inotuzumab_besponsa"\n'
        'MUTANTS = {"adults_only": "INO-RR-BALL"}\n',
        encoding="utf-8",
    )
    report = tmp_path / "m.json"
    # -P: as the installed `conformance` script starts, without the working directory on the path.
    command = [sys.executable, "-P", "-m", "policy_conformance", "mutants"]
    done = subprocess.run(
        [*command, "--gallery", "vendor_gallery", "--report", str(report)],
        cwd=tmp_path,
        env=run_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "mutants: 1, killed 1" in done.stdout


def test_an_unknown_pack_is_a_usage_error() -> None:
    run = conformance("mutants", "--pack", "no_such_pack")
    assert run.code == 2
    assert "--pack: unknown pack no_such_pack" in run.err


@pytest.mark.slow
def test_reference_engine_is_conformant_on_every_clause(tmp_path: Path) -> None:
    run = conformance("run", report=tmp_path / "report.json")
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.report is not None
    assert run.report["conformant"] is True
    assert {c["verdict"] for c in run.report["clauses"]} == {"conformant"}
    assert {p["verdict"] for p in run.report["packs"]} == {"conformant"}
    assert run.report["totals"]["failed"] == run.report["totals"]["errored"] == 0


# --- mutants nobody wrote by hand: benchmarks/generated_mutants.py ------------------------------

GENERATED = KIT_ROOT / "benchmarks" / "generated_mutants.py"
QC = "blincyto_qualchoice_bi477"


@functools.cache
def _generated() -> ModuleType:
    """The script as a module (benchmarks/ is no package); dataclasses need it in sys.modules."""
    spec = importlib.util.spec_from_file_location("generated_mutants", GENERATED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_pack_with_reference_rules_and_the_shared_module_are_targets() -> None:
    targets = _generated().targets()
    policy_packs = {pack.id for pack in load_packs() if pack.id != "contract"}
    assert set(targets) == policy_packs | {"completions"}
    assert targets["completions"].packs == tuple(sorted(policy_packs))
    for target in targets.values():
        assert (KIT_ROOT / target.module).is_file()
        # Every survivor a full run met is recorded, each with why (the run checks they match).
        records = _generated().load_records(target.records)
        assert records and all(len(r["why"]) > 40 for r in records), target.name


def test_a_survivor_is_explained_only_by_a_record_of_its_operator_and_text() -> None:
    generated = _generated()
    target = generated.targets()[QC]
    result = generated.TargetResult(target)
    kept = generated.Survivor("core/X", "verdict", 10, "a == b", "a >= b", "")
    other = generated.Survivor("core/X", "verdict", 11, "c == d", "c >= d", "")
    result.survivors = [kept, other]
    records = [
        # Lines move; the record still matches by its operator and text.
        {"operator": "core/X", "line": 99, "before": "a == b", "after": "a >= b", "why": "W."},
        {"operator": "core/X", "before": "e == f", "after": "e >= f", "why": "Gone."},
        {"operator": "core/Y", "before": "c == d", "after": "c >= d", "why": "Not this one."},
    ]
    generated._explain(result, records, None)
    assert (kept.why, other.why) == ("W.", "")
    assert result.unexplained == [other]
    assert [r["why"] for r in result.stale] == ["Gone.", "Not this one."]
    # With only some operators tried, a record of another operator is not stale.
    generated._explain(result, records, "core/X")
    assert [r["why"] for r in result.stale] == ["Gone."]
    lines = "\n".join(generated.render([result]))
    assert "survived, not recorded: reference/blincyto_qualchoice_bi477/rules.py:11" in lines
    assert "recorded but no longer a survivor" in lines


@pytest.mark.slow
def test_generated_mutants_are_counted_and_every_survivor_must_be_recorded(
    tmp_path: Path,
) -> None:
    rules = KIT_ROOT / "reference" / QC / "rules.py"
    before = rules.read_bytes()
    real = yaml.safe_load((rules.parent / "equivalent_mutants.yaml").read_text())["equivalent"]
    kept = [r for r in real if r["operator"] == "core/ReplaceComparisonOperator_Eq_GtE"]
    stale = {**kept[0], "after": kept[0]["after"].replace(">=", ">"), "why": "No such mutant."}
    records = tmp_path / "records.yaml"
    records.write_text(yaml.safe_dump({"equivalent": [*kept, stale]}), encoding="utf-8")
    report = tmp_path / "mutants.json"
    operators = "core/ReplaceComparisonOperator_Eq_(GtE|LtE)"
    command = [sys.executable, str(GENERATED), "--target", QC, "--operators", operators]
    done = subprocess.run(
        [*command, "--records", str(records), "--report", str(report)],
        env=run_environment(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    # The stale record and the LtE survivors, unrecorded here, fail the run; the GtE one does not.
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    (target,) = json.loads(report.read_text())["targets"]
    assert target["made"] == target["killed"] + len(target["survivors"]) + target["incompetent"]
    assert target["killed"] >= 1
    explained = [s for s in target["survivors"] if s["why"]]
    assert [s["operator"] for s in explained] == ["core/ReplaceComparisonOperator_Eq_GtE"]
    assert {s["operator"] for s in target["survivors"]} - {explained[0]["operator"]} == {
        "core/ReplaceComparisonOperator_Eq_LtE"
    }
    assert [r["why"] for r in target["stale_records"]] == ["No such mutant."]
    assert f"{QC}: reference/{QC}/rules.py: {target['made']} mutants" in done.stdout
    assert "survived, not recorded:" in done.stdout
    # Mutants are made in a copy: the checkout's rules are never touched.
    assert rules.read_bytes() == before
