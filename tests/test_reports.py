"""What a run writes: the JSON report against its schema, JUnit XML, Cucumber JSON, the summary.

Each run here is a real ``conformance run`` in a subprocess, against engines that pass, fail and
error, so that every kind of scenario entry is checked against ``report.schema.json``.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.compare import report_validator
from policy_conformance.outcomes import MAX_EXCHANGED_CHARS, bounded
from policy_conformance.packs import load_packs
from tests.kit import KIT_ROOT, conformance, copy_of_packs, edit


def _valid(report: dict[str, Any]) -> None:
    errors = [e.message for e in report_validator().iter_errors(report)]
    assert errors == [], errors[:3]


def _no_machine_paths(text: str, *paths: Path) -> None:
    for path in paths:
        assert str(path) not in text


def test_the_report_schema_is_a_valid_2020_12_schema_with_an_id() -> None:
    schema = report_validator().schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/report.schema.json")
    report_validator().check_schema(schema)
    # A report that claims conformance before it finished is no report of the kit's.
    unfinished = {"state": "interrupted", "interrupted": True, "conformant": True}
    errors = [e.message for e in report_validator().iter_errors(unfinished)]
    assert "False was expected" in errors


def test_a_case_or_decision_past_the_cap_is_cut_and_marked() -> None:
    small = {"case_id": "c", "note": "x" * 10}
    assert bounded(small) == (small, False)
    kept, cut = bounded({"note": "x" * (MAX_EXCHANGED_CHARS + 10)})
    assert cut and kept is not None
    assert kept["truncated"] is True and len(kept["head"]) == MAX_EXCHANGED_CHARS
    assert bounded(None) == (None, False)


@pytest.mark.slow
def test_a_passing_run_writes_a_complete_conformant_report(tmp_path: Path) -> None:
    run = conformance("run", "--clause", "CON-ECHO-ID", report=tmp_path / "r.json")
    assert run.code == 0, run.err
    assert run.report is not None
    _valid(run.report)
    assert run.report["state"] == "complete" and run.report["interrupted"] is False
    assert run.report["conformant"] is True and run.report["exit_code"] == 0
    assert run.report["kit"]["version"]
    # Run from the kit's checkout: the commit it ran from is named.
    assert len(run.report["kit"]["commit"]) == 40
    # Every pack the kit has is in the report; the reference implements each, so each is checked.
    assert {p["id"] for p in run.report["packs"]} == {p.id for p in load_packs()}
    assert all(p["checked"] for p in run.report["packs"])
    assert all(len(h) == 64 for p in run.report["packs"] for h in p["sha256"].values())
    assert not (tmp_path / "r.json.partial").exists()


@pytest.fixture(scope="module")
def failing_and_erroring(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run of an engine that answers some cases wrongly and crashes on others."""
    folder = tmp_path_factory.mktemp("outputs")
    files = {name: folder / name for name in ("r.json", "s.md", "junit.xml", "cucumber.json")}
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.toy:wrong_and_broken",
        "--summary",
        str(files["s.md"]),
        "--junitxml",
        str(files["junit.xml"]),
        "--cucumberjson",
        str(files["cucumber.json"]),
        report=files["r.json"],
    )
    assert run.code == 1, run.err  # failed outranks errored
    files["folder"] = folder
    return files


@pytest.mark.slow
def test_failed_and_errored_scenarios_carry_their_evidence(
    failing_and_erroring: dict[str, Path],
) -> None:
    text = failing_and_erroring["r.json"].read_text()
    report = json.loads(text)
    _valid(report)
    _no_machine_paths(text, failing_and_erroring["folder"], KIT_ROOT)
    # Two compendium scenarios, and the weak listing that must be pended for FDA labeling.
    assert report["totals"]["failed"] == 3 and report["totals"]["errored"] >= 1
    failed = [
        s for s in report["scenarios"] if s["status"] == "failed" and s["clause"] == "INO-COMPENDIA"
    ]
    assert len(failed) == 2
    errored = [s for s in report["scenarios"] if s["status"] == "errored"]
    for scenario in failed:
        assert scenario["clause"] == "INO-COMPENDIA" and scenario["pack"] == "inotuzumab_besponsa"
        assert scenario["feature"] == "inotuzumab_besponsa/covered.feature"
        assert scenario["expectations"][0] == "Then the request is not covered"
        # What was sent and what came back, so the failure can be replayed.
        assert scenario["case"]["case_id"] == scenario["decision"]["case_id"]
        assert scenario["decision"]["outcome"] == "covered" and scenario["reply"] == "decision"
        assert scenario["id"].startswith("INO-COMPENDIA/")
    for scenario in errored:
        assert scenario["case"] is not None and scenario["decision"] is None
        assert "rules table for refractory disease failed to load" in scenario["message"]
        # The engine's traceback stays in the report, apart from the message the summary shows.
        assert "Traceback" in scenario["detail"] and "Traceback" not in scenario["message"]
    verdicts = {c["id"]: c["verdict"] for c in report["clauses"]}
    assert verdicts["INO-COMPENDIA"] == "nonconformant"
    assert "errored" in verdicts.values()
    ids = [s["id"] for s in report["scenarios"]]
    assert len(ids) == len(set(ids))


@pytest.mark.slow
def test_the_summary_names_no_machine_path_and_no_traceback(
    failing_and_erroring: dict[str, Path],
) -> None:
    summary = failing_and_erroring["s.md"].read_text()
    _no_machine_paths(summary, failing_and_erroring["folder"], KIT_ROOT)
    assert "Traceback" not in summary
    assert "### Errored: " in summary and "### Failed: " in summary


@pytest.mark.slow
def test_junit_tells_failed_from_errored_by_clause(failing_and_erroring: dict[str, Path]) -> None:
    report = json.loads(failing_and_erroring["r.json"].read_text())
    _junit_matches(failing_and_erroring["junit.xml"], report)
    _valid_for_jenkins(failing_and_erroring["junit.xml"])


@pytest.mark.slow
@pytest.mark.parametrize("family", ["xunit1", "xunit2"])
def test_junit_of_either_family_is_valid_for_jenkins_and_names_the_feature(
    tmp_path: Path, family: str
) -> None:
    junit = tmp_path / "junit.xml"
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.toy:wrong_and_broken",
        "--junitxml",
        str(junit),
        "-o",
        f"junit_family={family}",
        report=tmp_path / "r.json",
    )
    assert run.code == 1, run.err
    assert run.report is not None
    _junit_matches(junit, run.report)
    _valid_for_jenkins(junit)
    _no_machine_paths(junit.read_text(), tmp_path, KIT_ROOT, Path(sys.prefix))
    root = ElementTree.parse(junit).getroot()  # noqa: S314 - the kit's own output
    by_name = {s["name"]: s for s in run.report["scenarios"]}
    for case in root.iter("testcase"):
        scenario = by_name[case.get("name", "")]
        if family == "xunit1":
            # The test case points at the scenario in its feature, not into pytest-bdd.
            assert case.get("file") == f"features/{scenario['feature']}"
            assert case.get("line") == str(scenario["line"])
        else:
            assert case.get("file") is None


#: The Jenkins xunit plugin's JUnit schema (its source is named inside the file).
JUNIT_XSD = Path(__file__).parent / "data" / "junit-10.xsd"


def _valid_for_jenkins(junit: Path) -> None:
    import xmlschema

    errors = [error.reason for error in xmlschema.XMLSchema(JUNIT_XSD).iter_errors(str(junit))]
    assert errors == [], errors[:3]


def test_pytest_s_own_junit_of_a_kit_run_would_be_invalid_for_jenkins(tmp_path: Path) -> None:
    # The schema has teeth: a test case with <properties>, as pytest writes it, is refused.
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest" tests="1"><testcase name="a">'
        '<properties><property name="x" value="y"/></properties></testcase>'
        "</testsuite></testsuites>"
    )
    with pytest.raises(AssertionError, match="properties"):
        _valid_for_jenkins(junit)


def _facts(case: ElementTree.Element) -> dict[str, str]:
    """The ``key: value`` lines the kit writes at the head of a test case's <system-out>."""
    out = case.find("system-out")
    assert out is not None and out.text
    facts: dict[str, str] = {}
    for line in out.text.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(": ")
        facts[key] = value
    return facts


def _junit_matches(junit: Path, report: dict[str, Any]) -> None:
    root = ElementTree.parse(junit).getroot()  # noqa: S314 - the kit's own output
    cases = list(root.iter("testcase"))
    assert len(cases) == len(report["scenarios"])
    by_id = {s["id"]: s for s in report["scenarios"]}
    errors = failures = 0
    for case in cases:
        assert case.find("properties") is None
        facts = _facts(case)
        scenario = by_id[facts["id"]]
        assert facts["outcome"] == scenario["outcome"]
        assert facts["clauses"] == " ".join(scenario["clauses"])
        assert facts["pack"] == scenario["pack"] and facts["clause"] == scenario["clause"]
        assert facts["readings"] == " ".join(scenario["readings"])
        assert case.get("classname") == f"{scenario['pack']}.{scenario['clause']}"
        assert case.get("name") == scenario["name"]
        kinds = {child.tag for child in case} - {"system-out", "system-err"}
        expected = {"failed": {"failure"}, "errored": {"error"}}.get(scenario["outcome"], set())
        assert kinds == expected, (scenario["name"], kinds)
        errors += scenario["outcome"] == "errored"
        failures += scenario["outcome"] == "failed"
    suite = next(root.iter("testsuite"))
    assert (int(suite.get("errors", "0")), int(suite.get("failures", "0"))) == (errors, failures)
    assert errors and failures
    run = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert run["conformance.adapter"] == report["adapter"]
    assert run["conformance.contract"] == report["contract_version"]
    assert run["conformance.pack.inotuzumab_besponsa"] == "nonconformant"


@pytest.mark.slow
def test_junitparser_reads_the_kit_s_junit(failing_and_erroring: dict[str, Path]) -> None:
    from junitparser import Error, Failure, JUnitXml

    report = json.loads(failing_and_erroring["r.json"].read_text())
    suites = list(JUnitXml.fromfile(str(failing_and_erroring["junit.xml"])))
    cases = [case for suite in suites for case in suite]
    assert len(cases) == len(report["scenarios"])
    kinds = {
        case.name: {type(r).__name__ for r in case.result if isinstance(r, Error | Failure)}
        for case in cases
    }
    for scenario in report["scenarios"]:
        expected = {"failed": {"Failure"}, "errored": {"Error"}}.get(scenario["outcome"], set())
        assert kinds[scenario["name"]] == expected
    assert suites[0].properties() is not None
    assert {p.name for p in suites[0].properties()} >= {"conformance.engine", "conformance.kit"}


#: The Cucumber JSON schema (its source is named inside the file).
CUCUMBER_SCHEMA = Path(__file__).parent / "data" / "cucumber-json.schema.json"


def _cucumber_errors(features: Any) -> list[str]:
    from jsonschema import Draft7Validator

    schema = json.loads(CUCUMBER_SCHEMA.read_text())
    return [error.message for error in Draft7Validator(schema).iter_errors(features)]


def test_the_cucumber_schema_refuses_a_tag_without_its_at() -> None:
    feature = {"name": "f", "uri": "f.feature", "tags": [{"name": "pack:x"}], "elements": []}
    assert _cucumber_errors([feature]) == ["'pack:x' does not match '^@'"]


@pytest.mark.slow
def test_cucumber_json_is_valid_and_speaks_for_the_kit(
    failing_and_erroring: dict[str, Path],
) -> None:
    text = failing_and_erroring["cucumber.json"].read_text()
    features = json.loads(text)
    assert _cucumber_errors(features) == []
    _no_machine_paths(text, failing_and_erroring["folder"], KIT_ROOT, Path(sys.prefix))
    report = json.loads(failing_and_erroring["r.json"].read_text())
    by_id = {s["id"]: s for s in report["scenarios"]}
    elements = [(f, e) for f in features for e in f["elements"]]
    assert len(elements) == len(report["scenarios"])
    # Every element is named by the kit's stable id, once each.
    assert {e["id"] for _, e in elements} == set(by_id)
    for feature, element in elements:
        scenario = by_id[element["id"]]
        tags = [tag["name"] for tag in element["tags"]]
        # The Rule's clause tag reaches every scenario, with its @, beside the pack's.
        assert f"@clause:{scenario['clause']}" in tags and f"@pack:{scenario['pack']}" in tags
        assert all(f"@reading:{r}" in tags for r in scenario["readings"])
        assert element["name"] == scenario["name"]
        assert feature["uri"] == f"features/{scenario['feature']}"
    # Outline rows are told apart by their example.
    names = [e["name"] for _, e in elements]
    assert len(names) == len(set(names))
    failing = {
        e["id"] for _, e in elements if any(s["result"]["status"] == "failed" for s in e["steps"])
    }
    assert failing == {s["id"] for s in report["scenarios"] if s["outcome"] != "passed"}


@pytest.mark.slow
def test_a_scenario_id_survives_a_rename_of_its_title(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    title = "Several weak ratings do not add up to strong support"
    before = conformance("run", "--scenario", title, report=tmp_path / "before.json", kit_root=root)
    edit(root, "features/inotuzumab_besponsa/covered.feature", title, "Weak ratings never sum")
    after = conformance(
        "run", "--scenario", "Weak ratings never sum", report=tmp_path / "after.json", kit_root=root
    )
    assert before.report is not None and after.report is not None, before.err + after.err
    [old], [new] = before.report["scenarios"], after.report["scenarios"]
    assert old["name"] != new["name"] and old["id"] == new["id"]
    # A hash of each pack's features tells the two runs' packs apart.
    hashes = [{p["id"]: p["sha256"] for p in r["packs"]} for r in (before.report, after.report)]
    assert (
        hashes[0]["inotuzumab_besponsa"]["features"] != hashes[1]["inotuzumab_besponsa"]["features"]
    )
    assert (
        hashes[0]["inotuzumab_besponsa"]["catalogue"]
        == hashes[1]["inotuzumab_besponsa"]["catalogue"]
    )


def test_the_partial_report_is_rewritten_at_most_once_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policy_conformance import reporting
    from policy_conformance.packs import load_packs
    from policy_conformance.results import RunResults

    writes: list[Path] = []
    monkeypatch.setattr(reporting, "write_text", lambda path, text: writes.append(path))
    clock = [100.0]
    files = reporting.ReportFiles(
        load_packs(),
        report=tmp_path / "r.json",
        summary=None,
        html=None,
        write_baseline_to=None,
        clock=lambda: clock[0],
    )
    results = RunResults()
    for _ in range(10_000):  # scenarios that finish within one second of each other
        files.progress(results)
    assert writes == [tmp_path / "r.json.partial"]
    clock[0] += reporting.PARTIAL_INTERVAL
    files.progress(results)
    assert len(writes) == 2


def test_a_slow_rewrite_of_the_partial_report_waits_nine_times_as_long(tmp_path: Path) -> None:
    from policy_conformance import reporting
    from policy_conformance.packs import load_packs
    from policy_conformance.results import RunResults

    readings = iter([100.0, 102.0, 110.0, 117.9, 118.0, 118.5])  # the first rewrite takes 2 s
    files = reporting.ReportFiles(
        load_packs(),
        report=tmp_path / "r.json",
        summary=None,
        html=None,
        write_baseline_to=None,
        clock=lambda: next(readings),
    )
    partial = tmp_path / "r.json.partial"
    written = []
    for _ in range(4):
        partial.unlink(missing_ok=True)
        files.progress(RunResults())
        written.append(partial.exists())
    assert written == [True, False, False, True]
