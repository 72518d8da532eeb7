"""Every answer graded whole, and the harm of each failure: the grading rules and whole runs.

The rules (``conformance/grading.py``) are checked in process: the case id of every answer, every
differing field listed, the answer a failure is found in, and the harm class of each kind of wrong
answer. Whole runs of the deliberately wrong engines of ``engines/graded.py`` prove them on every
pack: an engine that answers a resend with a stale case id fails every scenario of every pack.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.compare import report_validator
from policy_conformance.grading import (
    CONTRACT_BREACH,
    HARM_CLASSES,
    WRONG_APPROVAL,
    WRONG_DENIAL,
    WRONG_PEND,
    WRONG_RATIONALE,
    Answer,
    Grade,
    answers_breaches,
    harm_class,
    in_order,
    mismatch,
    reordered,
    repeat_case_id,
)
from policy_conformance.packs import load_packs
from tests.kit import conformance

POLICY = {"id": "inotuzumab_besponsa", "version": "2020-11"}
COVERED = {
    "case_id": "c-1",
    "policy": POLICY,
    "outcome": "covered",
    "determination": "medically-necessary",
    "clauses": ["INO-RR-BALL"],
}
NOT_COVERED = COVERED | {
    "outcome": "not-covered",
    "determination": "investigational",
    "clauses": ["INO-NOT-MET"],
}
PENDED = {
    "case_id": "c-1",
    "policy": POLICY,
    "outcome": "pended",
    "clauses": ["INO-RECORDS"],
    "missing_facts": ["disease_status"],
}
OUTSIDE = {
    "case_id": "c-1",
    "policy": POLICY,
    "outcome": "not-applicable",
    "clauses": ["INO-CODES"],
}


def _expected(decision: dict[str, Any]) -> dict[str, Any]:
    """What a feature expects of a scenario whose right answer is ``decision``."""
    return {
        "outcome": decision["outcome"],
        "determination": decision.get("determination"),
        "clauses": decision["clauses"],
        **({"missing_facts": decision["missing_facts"]} if "missing_facts" in decision else {}),
    }


def _three(case: dict[str, Any], answers: list[dict[str, Any]]) -> list[Answer]:
    """A case sent three times as the steps send it, with the engine's three answers."""
    again = reordered(case)
    again["case_id"] = repeat_case_id(case["case_id"])
    return [Answer(c, "decision", a) for c, a in zip([case, case, again], answers, strict=True)]


# --- every answer's case id, every differing field --------------------------------------------


def test_a_stale_case_id_in_the_reordered_resend_breaks_the_echo_clause() -> None:
    case = {"case_id": "c-1", "note": "facts"}
    stale = copy.deepcopy(COVERED)  # answered for c-1 when sent as c-1.again
    found = answers_breaches(_three(case, [COVERED, COVERED, stale]), POLICY)
    assert [(m.clause, m.field, m.answer) for m in found] == [("CON-ECHO-ID", "case_id", 3)]
    assert (found[0].expected, found[0].actual) == ("c-1.again", "c-1")


def test_every_graded_field_a_resend_changes_is_listed() -> None:
    case = {"case_id": "c-1"}
    changed = NOT_COVERED | {"case_id": "c-1", "policy": {"id": "other", "version": "1"}}
    found = answers_breaches(
        _three(case, [COVERED, changed, COVERED | {"case_id": "c-1.again"}]), POLICY
    )
    assert {(m.clause, m.field) for m in found if m.answer == 2} == {
        ("CON-POLICY", "policy"),
        ("CON-DETERMINISTIC", "outcome"),
        ("CON-DETERMINISTIC", "determination"),
        ("CON-DETERMINISTIC", "clauses"),
        ("CON-DETERMINISTIC", "policy"),
    }
    assert not [m for m in found if m.answer == 3]


def test_a_rejection_that_names_another_case_id_breaks_the_echo_clause() -> None:
    case = {"case_id": "bad-1"}
    rejection = {"case_id": "bad-1", "errors": [{"message": "no date of service"}]}
    answers = [
        Answer(case, "rejection", rejection),
        Answer(case, "rejection", rejection),
        Answer({"case_id": "bad-1.again"}, "rejection", rejection),
    ]
    found = answers_breaches(answers, None)
    assert [(m.clause, m.answer) for m in found] == [("CON-ECHO-ID", 3)]
    # A rejection need not echo a case id at all.
    silent = {"errors": [{"message": "no date of service"}]}
    assert answers_breaches([Answer(a.case, a.kind, silent) for a in answers], None) == []


def test_a_resend_answered_with_another_kind_of_reply_is_not_repeatable() -> None:
    case = {"case_id": "bad-1"}
    rejection = {"case_id": "bad-1", "errors": [{"message": "no date of service"}]}
    answers = [
        Answer(case, "rejection", rejection),
        Answer(case, "decision", COVERED | {"case_id": "bad-1"}),
    ]
    found = answers_breaches(answers, None)
    assert [(m.clause, m.field, m.answer) for m in found] == [("CON-DETERMINISTIC", "reply", 2)]


def test_a_wrong_answer_lists_every_field_that_differs_then_the_answer_it_was_found_in() -> None:
    case = {"case_id": "c-1"}
    answers = _three(case, [COVERED, COVERED, COVERED])
    grade = Grade(answers)
    for name, value in _expected(NOT_COVERED).items():
        wrong = mismatch(name, value, "decision", COVERED)
        assert wrong is not None
        grade.mismatches.append(wrong)
    lines = grade.message().splitlines()
    assert lines[0] == "outcome: expected 'not-covered', engine answered 'covered'"
    assert (
        lines[1]
        == "determination: expected 'investigational', engine answered 'medically-necessary'"
    )
    assert lines[2].startswith("clauses cited (exactly): expected ['INO-NOT-MET']")
    assert lines[3].startswith("answer 1 of 3, to case 'c-1': {")
    assert grade.shown is answers[0]


def test_the_answer_shown_is_the_first_a_mismatch_was_found_in() -> None:
    case = {"case_id": "c-1"}
    answers = _three(case, [COVERED, COVERED, COVERED])
    grade = Grade(answers, answers_breaches(answers, POLICY))
    assert grade.shown is answers[2] and grade.contract_broken
    message = grade.message()
    assert message.startswith("CON-ECHO-ID: case id: expected 'c-1.again', engine answered 'c-1'\n")
    assert "answer 3 of 3, to case 'c-1.again': " in message


def test_a_field_named_by_the_scenario_and_by_a_contract_clause_is_listed_once() -> None:
    scenario = mismatch("case_id", "c-1", "decision", COVERED | {"case_id": "x"})
    assert scenario is not None
    contract = answers_breaches(
        [Answer({"case_id": "c-1"}, "decision", COVERED | {"case_id": "x"})], POLICY
    )
    assert [m.field for m in in_order([*contract, scenario])] == ["case_id"]
    assert in_order([*contract, scenario])[0].clause is None


# --- harm classes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "answered", "harm"),
    [
        (NOT_COVERED, COVERED, WRONG_APPROVAL),
        (PENDED, COVERED, WRONG_APPROVAL),
        (OUTSIDE, COVERED, WRONG_APPROVAL),
        (COVERED, NOT_COVERED, WRONG_DENIAL),
        (PENDED, NOT_COVERED, WRONG_DENIAL),
        (COVERED, OUTSIDE, WRONG_DENIAL),
        (COVERED, PENDED, WRONG_PEND),
        (NOT_COVERED, PENDED, WRONG_PEND),
        (OUTSIDE, NOT_COVERED, WRONG_RATIONALE),
        (NOT_COVERED, OUTSIDE, WRONG_RATIONALE),
        (NOT_COVERED, NOT_COVERED | {"determination": "not-medically-necessary"}, WRONG_RATIONALE),
        (COVERED, COVERED | {"clauses": ["INO-COMPENDIA"]}, WRONG_RATIONALE),
        (PENDED, PENDED | {"missing_facts": ["cancer"]}, WRONG_RATIONALE),
    ],
)
def test_each_wrong_answer_has_its_harm_class(
    right: dict[str, Any], answered: dict[str, Any], harm: str
) -> None:
    assert harm_class(_expected(right), "decision", answered, contract_broken=False) == harm


def test_a_wrong_outcome_outranks_a_broken_contract_clause() -> None:
    expected = _expected(NOT_COVERED)
    assert harm_class(expected, "decision", COVERED, contract_broken=True) == WRONG_APPROVAL
    # The right outcome, with the case id or the policy wrong: the contract is what broke.
    assert harm_class(expected, "decision", NOT_COVERED, contract_broken=True) == CONTRACT_BREACH


@pytest.mark.parametrize(
    ("expected", "kind", "answer"),
    [
        ({"outcome": "covered"}, "rejection", {"errors": [{"message": "refused"}]}),
        ({"outcome": "covered"}, None, None),
        ({"reply": "rejection"}, "decision", COVERED),
        ({"case_id": "c-1"}, "decision", COVERED | {"case_id": "x"}),
        ({"outcome": "covered"}, "decision", COVERED | {"outcome": "approved"}),
    ],
)
def test_an_answer_the_contract_does_not_allow_is_a_contract_breach(
    expected: dict[str, Any], kind: str | None, answer: dict[str, Any] | None
) -> None:
    assert harm_class(expected, kind, answer, contract_broken=False) == CONTRACT_BREACH


# --- whole runs -------------------------------------------------------------------------------


def _valid(report: dict[str, Any]) -> None:
    errors = [e.message for e in report_validator().iter_errors(report)]
    assert errors == [], errors[:3]


@pytest.mark.slow
def test_an_engine_that_answers_resends_with_a_stale_case_id_fails_every_scenario_of_every_pack(
    tmp_path: Path,
) -> None:
    run = conformance(
        "run", "--adapter", "python:tests.engines.graded:stale_cache", report=tmp_path / "r.json"
    )
    assert run.code == 1, run.err
    assert run.report is not None
    _valid(run.report)
    scenarios = run.report["scenarios"]
    assert {s["pack"] for s in scenarios} == {p.id for p in load_packs()}
    assert [s["name"] for s in scenarios if s["outcome"] != "failed"] == []
    assert {p["verdict"] for p in run.report["packs"]} == {"nonconformant"}
    for scenario in scenarios:
        assert "CON-ECHO-ID" in scenario["clauses"], scenario["name"]
        stale = [m for m in scenario["mismatches"] if m["field"] == "case_id"]
        # The cache outlives a scenario: a later scenario's first answer may be stale already.
        assert stale, scenario["name"]
        # The answer shown is the first graded wrong (the resend, for a case new to the engine),
        # and the message names its case.
        assert scenario["answer"] == stale[0]["answer"] and scenario["answers"] >= 2
        assert f"to case {scenario['case']['case_id']!r}" in scenario["message"]
        assert scenario["decision"]["case_id"] != scenario["case"]["case_id"]
        assert scenario["harm"] == CONTRACT_BREACH
    harm = run.report["totals"]["harm"]
    assert harm == dict.fromkeys(HARM_CLASSES, 0) | {CONTRACT_BREACH: len(scenarios)}


@pytest.mark.slow
def test_a_failure_wrong_in_outcome_determination_and_clauses_names_all_three(
    tmp_path: Path,
) -> None:
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.graded:wrong_everywhere",
        "--pack",
        "inotuzumab_besponsa",
        "--clause",
        "INO-INV-NONCANCER",
        report=tmp_path / "r.json",
    )
    assert run.code == 1, run.err
    assert run.report is not None
    _valid(run.report)
    failed = [s for s in run.report["scenarios"] if s["outcome"] == "failed"]
    assert failed
    for scenario in failed:
        fields = [m["field"] for m in scenario["mismatches"]]
        assert fields[:3] == ["outcome", "determination", "clauses"], scenario["mismatches"]
        lines = scenario["message"].splitlines()
        assert lines[0].startswith("wrong decision: outcome: expected 'not-covered'")
        assert lines[1].startswith("determination: expected 'investigational'")
        assert lines[2].startswith("clauses cited (exactly): ")
        # The first answer was graded, and it is the one the report keeps.
        assert scenario["answer"] == 1 and scenario["case"]["case_id"].endswith(".again") is False
        assert scenario["harm"] == WRONG_APPROVAL


@pytest.fixture(scope="module")
def always_covered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run of an engine that covers every case, on one pack, with every output written."""
    folder = tmp_path_factory.mktemp("covered")
    files = {name: folder / name for name in ("r.json", "s.md", "page.html", "junit.xml")}
    run = conformance(
        "run",
        "--adapter",
        "python:tests.engines.graded:always_covered",
        "--pack",
        "blincyto_qualchoice_bi477",
        "--summary",
        str(files["s.md"]),
        "--html",
        str(files["page.html"]),
        "--junitxml",
        str(files["junit.xml"]),
        report=files["r.json"],
    )
    assert run.code == 1, run.err  # harm counts never change the exit code
    files["out"] = folder / "out.txt"
    files["out"].write_text(run.out)
    return files


def _report(files: dict[str, Path]) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(files["r.json"].read_text())
    return report


@pytest.mark.slow
def test_the_report_counts_harm_per_clause_per_pack_and_in_all(
    always_covered: dict[str, Path],
) -> None:
    report = _report(always_covered)
    _valid(report)
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    counts = {h: sum(s["harm"] == h for s in failed) for h in HARM_CLASSES}
    assert report["totals"]["harm"] == counts and counts[WRONG_APPROVAL] > 0
    assert counts[WRONG_DENIAL] == counts[WRONG_PEND] == 0
    [pack] = [p for p in report["packs"] if p["id"] == "blincyto_qualchoice_bi477"]
    assert pack["harm"] == counts
    for clause in report["clauses"]:
        mine = [s for s in failed if clause["id"] in s["clauses"]]
        assert clause["harm"] == {h: sum(s["harm"] == h for s in mine) for h in HARM_CLASSES}
    assert all(s["harm"] is None for s in report["scenarios"] if s["outcome"] != "failed")


@pytest.mark.slow
def test_the_summary_headline_says_how_many_of_each_and_lists_only_the_pack_checked(
    always_covered: dict[str, Path],
) -> None:
    report = _report(always_covered)
    summary = always_covered["s.md"].read_text()
    harm = report["totals"]["harm"]
    headline = next(line for line in summary.splitlines() if line.startswith("**Not conformant**"))
    assert f"Failed scenarios by harm: {harm[WRONG_APPROVAL]} wrong approvals, 0 wrong denials" in (
        headline
    )
    assert "## Failed scenarios by harm" in summary
    # Only what the run checked: the QualChoice clauses and readings, none of the other packs'.
    assert "`QC-CODES`" in summary and "`INO-RR-BALL`" not in summary and "BND-" not in summary
    readings = {r["id"] for r in report["readings"] if r["pack"] == "blincyto_qualchoice_bi477"}
    others = {r["id"] for r in report["readings"]} - readings
    listed = {line.split("**")[1] for line in summary.splitlines() if line.startswith("- **")}
    assert listed == readings and not listed & others
    # A failure names its harm and the reading its scenario confirms.
    assert "; harm: wrong approval" in summary
    assert "Confirms reading **drug-and-code**: " in summary
    # The same text from the saved report.
    again = conformance("summary", str(always_covered["r.json"]))
    assert again.code == 0 and again.out == summary


@pytest.mark.slow
def test_the_page_and_junit_count_harm(always_covered: dict[str, Path]) -> None:
    import xml.etree.ElementTree as ElementTree

    report = _report(always_covered)
    harm = report["totals"]["harm"]
    page = always_covered["page.html"].read_text()
    assert '<h2 id="harm">Failed scenarios by harm</h2>' in page
    assert f"Failed scenarios by harm: {harm[WRONG_APPROVAL]} wrong approvals" in page
    assert "Harm: <strong>wrong approval</strong>" in page
    root = ElementTree.parse(always_covered["junit.xml"]).getroot()  # noqa: S314 - the kit's own
    suite = next(root.iter("testsuite"))
    properties = {p.get("name"): p.get("value") for p in suite.find("properties") or []}
    expected = " ".join(f"{h}={harm[h]}" for h in HARM_CLASSES)
    assert properties["conformance.harm"] == expected
    assert properties["conformance.harm.pack.blincyto_qualchoice_bi477"] == expected
    clause = next(c for c in report["clauses"] if c["id"] == "QC-CODES")
    assert properties["conformance.harm.clause.QC-CODES"] == " ".join(
        f"{h}={clause['harm'][h]}" for h in HARM_CLASSES
    )
    # A test case holds no <properties> (junit-10.xsd): its harm is a line of its <system-out>.
    harms = [
        line.removeprefix("harm: ")
        for case in suite.iter("testcase")
        for line in (case.findtext("system-out") or "").splitlines()
        if line.startswith("harm: ")
    ]
    assert harms.count("wrong-approval") == harm[WRONG_APPROVAL]
    out = always_covered["out"].read_text()
    assert f"failed scenarios by harm: {harm[WRONG_APPROVAL]} wrong approvals" in out


@pytest.mark.slow
def test_a_replayed_corpus_grades_every_answer_as_the_run_does(tmp_path: Path) -> None:
    exported = conformance("export", "--out", str(tmp_path))
    assert exported.code == 0, exported.err
    corpora = sorted(str(p) for p in tmp_path.glob("*.corpus.json"))
    entries = sum(len(json.loads(Path(c).read_text())["scenarios"]) for c in corpora)
    run = conformance("replay", *corpora, "--adapter", "python:tests.engines.graded:stale_cache")
    assert run.code == 1, run.err
    outcomes = [
        line.split()[0] for line in run.out.splitlines() if line[:6] in ("FAILED", "PASSED")
    ]
    assert outcomes == ["FAILED"] * entries
    assert f"scenarios: 0 passed, {entries} failed, 0 errored" in run.out


@pytest.mark.slow
def test_an_engine_that_covers_nothing_makes_wrong_denials_and_wrong_pends_only(
    tmp_path: Path,
) -> None:
    run = conformance(
        "run", "--adapter", "python:tests.engines.graded:never_covered", report=tmp_path / "r.json"
    )
    assert run.code == 1, run.err
    assert run.report is not None
    _valid(run.report)
    harm = run.report["totals"]["harm"]
    assert harm[WRONG_DENIAL] > 0 and harm[WRONG_PEND] > 0, harm
    assert harm[WRONG_APPROVAL] == harm[WRONG_RATIONALE] == harm[CONTRACT_BREACH] == 0, harm
    assert sum(harm.values()) == run.report["totals"]["failed"]
