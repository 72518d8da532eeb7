"""`conformance run` as a user meets it: exit codes, one-line errors, the table and the reports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from policy_conformance.packs import load_packs
from tests.kit import KIT_ROOT, conformance, copy_of_packs, edit

pytestmark = pytest.mark.slow


def test_wrong_engine_exits_1_with_expected_and_actual(tmp_path: Path) -> None:
    run = conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b",
        report=tmp_path / "r.json",
    )
    assert run.code == 1
    assert run.verdict("INO-COMPENDIA") == "nonconformant"
    assert run.verdict("INO-RR-BALL") == "conformant"
    assert "outcome: expected 'not-covered', engine answered 'covered'" in run.out
    failed = [s for s in run.report["scenarios"] if s["outcome"] == "failed"]  # type: ignore[index]
    # A weak listing taken as strong covers, or is pended for labeling it does not need.
    assert failed and all({"INO-COMPENDIA", "INO-RECORDS"} & set(s["clauses"]) for s in failed)
    assert all(s["message"].startswith("wrong decision: outcome") for s in failed)


def test_invalid_decision_fails_with_the_schema_path(tmp_path: Path) -> None:
    run = conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:invalid_decision",
        "--clause",
        "CON-VALID-DECISION",
        report=tmp_path / "r.json",
    )
    assert run.code == 1
    assert "breaks contract/decision.schema.json" in run.out
    assert "at /: 'determination' is a required property" in run.out


def test_an_engine_that_breaks_on_some_cases_errors_them_and_keeps_the_rest(tmp_path: Path) -> None:
    # The Inotuzumab pack (and the contract pack with it): its counts stay put as packs are added.
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.toy:breaks_on_lymphoma",
        "--pack",
        "inotuzumab_besponsa",
        report=tmp_path / "r.json",
    )
    assert run.code == 4, run.out[-2000:]
    assert run.report is not None
    totals = run.report["totals"]
    assert totals["failed"] == 0 and totals["errored"] == 38 and totals["passed"] == 123
    assert run.verdict("INO-COMPENDIA") == "errored"
    assert run.verdict("INO-CODES") == "conformant"
    errored = [s for s in run.report["scenarios"] if s["outcome"] == "errored"]
    assert all("rules table for lymphoma failed to load" in s["message"] for s in errored)
    # Each errored scenario is headed once in the kit's failure section, by pack and clause.
    headers = re.findall(
        r"^ERRORED (?:inotuzumab_besponsa|contract) \S+: .+ \(\S+/[0-9a-f]{16}\)$", run.out, re.M
    )
    assert len(headers) == 38, run.out[-2000:]
    assert run.out.splitlines()[-1].startswith("verdict: errored: ")
    assert "(123 passed, 38 errored)" in run.out.splitlines()[-1]


def test_clause_filter_runs_only_that_clause(tmp_path: Path) -> None:
    run = conformance("run", "--clause", "INO-CODE-DATES", report=tmp_path / "r.json")
    assert run.code == 0
    ran = {v["id"] for v in run.report["clauses"] if v["verdict"] != "not run"}  # type: ignore[index]
    assert ran == {"INO-CODE-DATES"}


def test_junit_xml_is_written_for_ci(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    run = conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:ignores_code_dates",
        f"--junitxml={junit}",
    )
    assert run.code == 1
    root = ET.parse(junit).getroot()  # noqa: S314 -- pytest wrote this file for this test
    suite = root.find("testsuite")
    assert suite is not None and int(suite.get("failures", "0")) >= 1


def test_report_names_engine_and_adapter(tmp_path: Path) -> None:
    run = conformance("run", "--clause", "CON-ECHO-ID", report=tmp_path / "r.json")
    assert run.report is not None
    assert run.report["adapter"] == "python:policy_conformance.reference:ReferenceEngine"
    assert run.report["engine"]["name"] == "policy-conformance reference engine"
    assert run.report["contract_version"] == "3.0"
    assert not (tmp_path / "r.json.partial").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--adapter", "nonsense"], "adapter 'nonsense': expected KIND:TARGET"),
        (
            ["--adapter", "python:no_such_engine_module:decide"],
            "cannot import 'no_such_engine_module'",
        ),
        (["--adapter", "ftp:somewhere"], "unknown kind 'ftp'"),
        (["--clause", "INO-NOPE"], "--clause: unknown clause INO-NOPE"),
        (["--scenario", "no scenario is called this"], "no scenario matches the filters given"),
        (
            ["--adapter", "python:tests.engines.toy:FutureContract"],
            "the engine speaks contract 4.0",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_traceback(args: list[str], message: str) -> None:
    run = conformance("run", *args)
    assert run.code == 2, run.out + run.err
    assert message in run.err
    assert "Traceback" not in run.err + run.out


def test_unreachable_engine_exits_3() -> None:
    run = conformance("run", "--adapter", "python:tests.engines.toy:BrokenMetadata")
    assert run.code == 3
    assert "the engine cannot be reached" in run.err and "licence server down" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (
            "features/inotuzumab_besponsa/billing.feature",
            "      When the engine decides",
            "      Whan the engine decides",
            "billing.feature:15: does not parse",
        ),
        (
            "fixtures/inotuzumab_besponsa/adult-relapsed-bcp-all.yaml",
            'date_of_service: "2020-06-15"',
            "date_of_service: 2020-06-15",
            "quote dates in YAML",
        ),
        (
            "fixtures/inotuzumab_besponsa/adult-rheumatoid-arthritis.yaml",
            "  clinical:\n",
            "  clinical: [\n",
            "is not valid YAML",
        ),
        (
            "features/inotuzumab_besponsa/clauses.yaml",
            "  - id: INO-CODES\n",
            "  - id: ino codes\n",
            "clauses.yaml: at /clauses/6/id",
        ),
    ],
)
def test_malformed_kit_files_exit_2_naming_the_file(
    tmp_path: Path, relative: str, old: str, new: str, message: str
) -> None:
    root = copy_of_packs(tmp_path)
    edit(root, relative, old, new)
    run = conformance("run", kit_root=root)
    assert run.code == 2, run.out[-2000:] + run.err
    assert message in run.err
    assert "Traceback" not in run.err + run.out


def test_report_is_valid_json_even_when_the_run_fails(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:flaky",
        report=report,
    )
    loaded = json.loads(report.read_text())
    assert loaded["conformant"] is False
    assert loaded["exit_code"] == 1


def test_markdown_summary_for_the_payer(tmp_path: Path) -> None:
    summary, report = tmp_path / "summary.md", tmp_path / "report.json"
    run = conformance(
        "run",
        "--adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:ignores_lineage",
        "--summary",
        str(summary),
        report=report,
    )
    assert run.code == 1
    text = summary.read_text()
    assert "**Not conformant** on 3 of 15 clauses run." in text
    assert "| `INO-RR-BALL` | When Inotuzumab (Besponsa) is covered |" in text
    assert "**adults-or-patients** (`INO-RR-BALL`)" in text
    assert "### Failed: Relapsed T-cell ALL is not the primary indication" in text
    assert "wrong decision: outcome: expected 'not-covered', engine answered 'covered'" in text
    again = subprocess.run(
        [sys.executable, "-m", "policy_conformance", "summary", str(report)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert again.stdout == text


def test_a_clean_run_summary_says_conformant(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    assert conformance("run", "--summary", str(summary)).code == 0
    # The whole run: every clause of every pack the kit has.
    clauses = sum(len(pack.clauses) for pack in load_packs())
    assert f"**Conformant** on all {clauses} clauses run." in summary.read_text()
    assert "## Failed and errored scenarios" not in summary.read_text()


@pytest.mark.slow
def test_the_readme_s_sample_output_is_what_a_run_prints() -> None:
    readme = (KIT_ROOT / "README.md").read_text()
    start = readme.index("`conformance run` starts with the kit's header")
    block = readme[readme.index("```\n", start) + 4 :]
    block = block[: block.index("```")]
    run = conformance("run")
    assert run.code == 0, run.err
    printed = [_without_time(line) for line in run.out.splitlines()]
    for line in block.splitlines():
        if line != "...":
            assert _without_time(line) in printed, line
    assert _without_time(block.splitlines()[-1]) == printed[-1]


def _without_time(line: str) -> str:
    return re.sub(r" in [\d.]+s$", " in Ns", line)


def test_export_makes_its_folder_and_lint_takes_a_pack_root(tmp_path: Path) -> None:
    out = tmp_path / "corpus" / "nested"
    run = conformance("export", "--out", str(out))
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir())[0].endswith(".corpus.json")
    made = conformance("new-pack", "rituximab_acme", "--into", str(tmp_path))
    assert made.code == 0, made.err
    assert f"conformance lint --packs {tmp_path}" in made.out
    plain = conformance("lint")
    linted = conformance("lint", "--packs", str(tmp_path))
    assert linted.code == 0, linted.out + linted.err
    counted = [int(re.search(r"\((\d+) packs", r.out)[1]) for r in (plain, linted)]  # type: ignore[index]
    assert counted[1] == counted[0] + 1
    missing = conformance("lint", "--packs", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "is not a folder" in missing.err
    # The reference engine finds the scaffold's skeleton, which fails every scenario of it.
    run = conformance("run", "--packs", str(tmp_path), "--pack", "rituximab_acme")
    assert run.code == 1, run.out[-2000:] + run.err
    assert "rituximab_acme (" in run.out and "nonconformant" in run.out
    # The contract runs on the new pack's requests too, and the skeleton refuses every case.
    last = run.out.splitlines()[-1]
    assert last.startswith("verdict: not conformant on ") and "CON-VALID-DECISION" in last
    assert re.search(r"^RA-S1 .* nonconformant$", run.out, re.M), run.out[-2000:]


@pytest.mark.slow
def test_fuzz_checks_the_reference_engine_when_no_adapter_is_named() -> None:
    run = conformance("fuzz", "--cases", "5", "--pack", "inotuzumab_besponsa", "--seed", "1")
    assert run.code == 0, run.out[-2000:] + run.err
    assert "python:policy_conformance.reference:ReferenceEngine against" in run.out
