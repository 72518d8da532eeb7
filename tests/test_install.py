"""The kit installed from its wheel, as a user gets it: one package, usable from any folder.

The slow tests share one fresh virtual environment outside the checkout, holding the wheel and
what it requires, nothing else.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.install import (
    build_wheel,
    fresh_environment,
    installed_top_level,
    run_clean,
    vendor_project,
)
from tests.kit import KIT_ROOT

#: The README's contributor commands, which .ci/run must run as written.
CONTRIBUTOR_COMMANDS = ('python -m pip install -e ".[dev]"', "python -m pytest -n 2")


def test_ci_runs_the_readme_contributor_commands() -> None:
    readme = (KIT_ROOT / "README.md").read_text()
    ci = [line.strip() for line in (KIT_ROOT / ".ci" / "run").read_text().splitlines()]
    for command in CONTRIBUTOR_COMMANDS:
        assert f"`{command}`" in readme, command
        assert any(line.startswith(f"{command} ") or line == command for line in ci), command


@pytest.fixture(scope="module")
def kit_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh environment holding the kit's wheel (no extras)."""
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    return fresh_environment(tmp_path_factory.mktemp("venv") / "kit", str(wheel))


@pytest.mark.slow
def test_the_wheel_installs_one_top_level_package(kit_python: Path) -> None:
    assert installed_top_level(kit_python, "policy-conformance") == {"policy_conformance"}


@pytest.mark.slow
def test_the_installed_kit_runs_from_an_empty_folder(kit_python: Path, tmp_path: Path) -> None:
    conformance = str(kit_python.with_name("conformance"))
    jsonl = f"jsonl:{kit_python} -m policy_conformance.reference --jsonl"
    for command in (
        [conformance, "run"],
        [conformance, "lint"],
        [conformance, "run", "--adapter", jsonl],
    ):
        done = run_clean(command, tmp_path)
        assert done.returncode == 0, f"{command}: {done.stdout[-3000:]}{done.stderr}"
    totals = r"^scenarios: (\d+) passed, 0 failed, 0 errored, 0 skipped$"
    passed = re.search(totals, done.stdout, re.M)
    assert passed and int(passed[1]) > 100, done.stdout[-2000:]
    assert list(tmp_path.iterdir()) == [], "a run wrote into the folder it was started from"


@pytest.mark.slow
def test_serve_reference_without_its_extra_says_what_to_install(
    kit_python: Path, tmp_path: Path
) -> None:
    done = run_clean([str(kit_python.with_name("conformance")), "serve-reference"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "conformance: error: serve-reference needs its HTTP server: "
        "install policy-conformance[serve]"
    ]


@pytest.mark.slow
def test_a_vendor_project_beside_the_kit_runs_its_own_pytest(
    kit_python: Path, tmp_path: Path
) -> None:
    project = vendor_project(tmp_path)
    done = run_clean([str(kit_python), "-m", "pytest", "-q"], project)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "2 passed" in done.stdout


#: A vendor's engine, in the folder a run starts from: it rates NCCN category 2B as strong
#: support (two scenarios fail) and crashes on refractory disease (some error).
_WRONG_ENGINE = """
import copy

from policy_conformance.reference import decide as reference


def decide(case):
    if case.get("clinical", {}).get("disease_status") == "refractory":
        raise RuntimeError("rules table for refractory disease failed to load")
    case = copy.deepcopy(case)
    for listing in case.get("evidence", {}).get("compendia", []):
        if listing.get("compendium") == "nccn" and listing.get("rating") == "2B":
            listing["rating"] = "2A"
    return reference(case)
"""


@pytest.mark.slow
def test_the_installed_kit_writes_evidence_and_gates_a_wrong_engine(
    kit_python: Path, tmp_path: Path
) -> None:
    conformance = str(kit_python.with_name("conformance"))
    (tmp_path / "my_engine.py").write_text(_WRONG_ENGINE)
    out = tmp_path / "out"
    out.mkdir()
    wrong = [conformance, "run", "--adapter", "python:my_engine:decide"]

    done = run_clean(
        [
            *wrong,
            "--report",
            "out/r.json",
            "--junitxml",
            "out/junit.xml",
            "--cucumberjson",
            "out/cucumber.json",
            "--write-baseline",
            "out/known.json",
        ],
        tmp_path,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    report = json.loads((out / "r.json").read_text())
    schema = json.loads((KIT_ROOT / "conformance" / "report.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(report)) == []
    assert "commit" not in report["kit"]  # installed from a wheel: no checkout to name
    junit = ElementTree.parse(out / "junit.xml").getroot()  # noqa: S314 - the kit's own output
    assert junit.find(".//failure") is not None and junit.find(".//error") is not None
    # Valid for Jenkins: no <properties> in a test case; the scenario's facts in <system-out>.
    assert all(case.find("properties") is None for case in junit.iter("testcase"))
    assert all("id: " in (case.findtext("system-out") or "") for case in junit.iter("testcase"))
    assert json.loads((out / "cucumber.json").read_text())

    good = run_clean([conformance, "run", "--report", "out/good.json"], tmp_path)
    assert good.returncode == 0, good.stderr
    compare = run_clean([conformance, "compare", "out/good.json", "out/r.json"], tmp_path)
    assert compare.returncode == 1 and compare.stdout.startswith("regression: clause ")

    gated = run_clean([*wrong, "--baseline", "out/known.json", "--strict-baseline"], tmp_path)
    assert gated.returncode == 0, gated.stdout[-3000:] + gated.stderr
    fixed = run_clean(
        [conformance, "run", "--baseline", "out/known.json", "--strict-baseline"], tmp_path
    )
    assert fixed.returncode == 1 and "stale baseline entry: now passes:" in fixed.stderr
