"""The pages for people: the run's HTML report and `conformance docs`, read as HTML (fast).

The browser sees them in tests/test_browser.py; here they are parsed: everything an engine says
is shown as text, nothing is fetched, and every link lands on an anchor or a page that exists.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from policy_conformance.docs_pages import write_docs
from policy_conformance.packs import load_packs
from policy_conformance.pages import render_run_report

from .kit import KIT_ROOT, conformance, copy_of_packs, edit, run_environment

HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """The ids, links, scripts and fetched resources of one page."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.fetched: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
        if tag in ("img", "script", "link", "iframe", "object", "embed") or "src" in attributes:
            self.fetched.append(f"{tag} {attributes}")


def today_report(**scenario: Any) -> dict[str, Any]:
    """A report as `run --report` writes it today, with one failed scenario."""
    failed = {
        "name": "A child with relapsed B-cell precursor ALL is covered before the 2024 label",
        "feature": "inotuzumab_besponsa/covered.feature",
        "line": 29,
        "clauses": ["INO-RR-BALL"],
        "readings": ["adults-or-patients"],
        "polarity": "applies",
        "outcome": "failed",
        "known": False,
        "message": "wrong decision: outcome: expected 'covered', engine answered 'not-covered'",
    } | scenario
    return {
        "kit_version": "0.1.0",
        "contract_version": "1.0",
        "adapter": "python:policy_conformance.reference.inotuzumab_besponsa.mutants:adults_only",
        "engine": {"name": "adults only", "version": "9"},
        "totals": {"passed": 0, "failed": 1, "errored": 0, "skipped": 0, "known": 0},
        "packs": [
            {"id": "inotuzumab_besponsa", "kind": "policy", "title": "Inotuzumab (Besponsa)"}
        ],
        "clauses": [
            {
                "id": "INO-RR-BALL",
                "pack": "inotuzumab_besponsa",
                "section": "When Inotuzumab (Besponsa) is covered",
                "paraphrase": "covered for relapsed or refractory disease",
                "passed": 0,
                "failed": 1,
                "errored": 0,
                "skipped": 0,
                "known": 0,
                "verdict": "nonconformant",
            }
        ],
        "readings": [
            {
                "id": "adults-or-patients",
                "pack": "inotuzumab_besponsa",
                "clauses": ["INO-RR-BALL"],
                "question": "Is a child covered?",
                "reading": "Yes.",
                "why": "Age is no criterion.",
            }
        ],
        "scenarios": [failed],
    }


def test_what_a_hostile_engine_says_is_shown_as_text_never_run() -> None:
    report = today_report(
        message=f"wrong decision: outcome: expected 'covered', engine answered '{HOSTILE}'",
        case={"case_id": HOSTILE},
        decision={"rationale": HOSTILE, "outcome": "pended"},
        detail=HOSTILE,
        expectations=["the request is covered"],
    )
    report["engine"] = {"name": HOSTILE, "version": HOSTILE, HOSTILE: HOSTILE}
    report["adapter"] = HOSTILE
    source = render_run_report(report)
    page = Page(source)
    assert "script" not in page.tags and "img" not in page.tags
    assert page.fetched == []
    assert "<script>" not in source and "onerror=alert" not in source.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in source


def test_a_failure_shows_expected_and_actual_side_by_side_and_what_was_exchanged() -> None:
    source = render_run_report(
        today_report(
            case={"case_id": "case-1", "member": {"age": 10}},
            decision={"case_id": "case-1", "outcome": "not-covered"},
            reply="decision",
            expectations=["the request is covered", "the decision cites clause INO-RR-BALL"],
            id="INO-RR-BALL/0123456789abcdef",
        )
    )
    problems = source.index('id="problems"')
    assert problems < source.index('id="clauses"'), "failures come first"
    failure = source[problems : source.index('id="chart"')]
    for shown in (
        "<td>outcome</td><td>&#x27;covered&#x27;</td><td>&#x27;not-covered&#x27;</td>",
        "Case sent",
        "Decision received",
        "&quot;age&quot;: 10",
        "the decision cites clause INO-RR-BALL",
        "INO-RR-BALL/0123456789abcdef",
        "Given a request for a child with relapsed B-cell precursor ALL",
    ):
        assert shown in failure


def test_a_report_without_the_exchange_shows_what_it_has() -> None:
    source = render_run_report(today_report())
    assert "Case sent" not in source
    # The scenario's steps stand for what was expected.
    assert "Then the request is covered" in source
    assert "Not conformant on 1 of 1 clauses run: INO-RR-BALL (inotuzumab_besponsa)." in source


def test_the_chart_names_every_count_in_words() -> None:
    source = render_run_report(today_report())
    chart = source[source.index("<svg") : source.index("</svg>")]
    assert ">1 failed</text>" in chart
    assert "INO-RR-BALL" in chart


def test_every_link_of_the_run_report_lands_on_an_anchor() -> None:
    page = Page(render_run_report(today_report()))
    assert page.links
    for link in page.links:
        assert link.startswith("#") and link[1:] in page.ids, link


def test_docs_render_every_pack_with_working_links(tmp_path: Path) -> None:
    written = write_docs(tmp_path)
    packs = load_packs()
    assert {p.name for p in written} == {"index.html"} | {f"{p.id}.html" for p in packs}
    pages = {p.name: Page(p.read_text(encoding="utf-8")) for p in written}
    for name, page in pages.items():
        assert page.fetched == [] and "script" not in page.tags, name
        for link in page.links:
            target, _, fragment = link.partition("#")
            target = target or name
            assert target in pages, f"{name}: {link}"
            assert not fragment or fragment in pages[target].ids, f"{name}: {link}"
    for pack in packs:
        page = pages[f"{pack.id}.html"]
        for clause in pack.clauses:
            assert f"clause-{clause}" in page.ids
        for reading in pack.readings:
            assert f"reading-{reading}" in page.ids


def test_the_glossary_gives_each_step_phrase_a_real_example(tmp_path: Path) -> None:
    write_docs(tmp_path)
    source = (tmp_path / "inotuzumab_besponsa.html").read_text(encoding="utf-8")
    glossary = source[source.index('id="glossary"') :]
    assert "<code>the member is {years:d} years old on the date of service</code>" in glossary
    assert "<code>the member is 10 years old on the date of service</code>" in glossary
    assert "Question</dt><dd>The description of the drug speaks of adults" in source


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policy_conformance", *args],
        cwd=cwd,
        env=run_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_html_renders_a_saved_report_and_refuses_what_is_no_report(tmp_path: Path) -> None:
    saved = tmp_path / "report.json"
    done = cli("run", "--report", str(saved), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = cli("html", str(saved), "--out", str(tmp_path / "page.html"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "INO-RR-BALL" in (tmp_path / "page.html").read_text(encoding="utf-8")
    saved.write_text("not json")
    done = cli("html", str(saved), "--out", str(tmp_path / "page.html"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "is not JSON" in done.stderr
    done = cli("html", str(saved), "--out", str(tmp_path / "missing" / "page.html"), cwd=tmp_path)
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_docs_refuses_a_file_for_its_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    done = cli("docs", "--out", str(tmp_path / "taken"), cwd=KIT_ROOT)
    assert done.returncode == 2
    assert done.stderr.strip() == f"conformance: error: --out: {tmp_path / 'taken'} is not a folder"


def test_docs_render_a_pack_the_kit_has_never_seen(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    (root / "features" / "inotuzumab_besponsa").rename(root / "features" / "another_policy")
    # The pack's id and its policy's id, which must be the same.
    edit(
        root,
        "features/another_policy/clauses.yaml",
        "id: inotuzumab_besponsa",
        "id: another_policy",
        count=-1,
    )
    edit(
        root,
        "features/another_policy/clauses.yaml",
        "title: Inotuzumab (Besponsa)",
        "title: Another",
    )
    for feature in (root / "features" / "another_policy").glob("*.feature"):
        text = feature.read_text().replace("@pack:inotuzumab_besponsa", "@pack:another_policy")
        feature.write_text(text)
    # Contract 3.0: a pack's facts schema is named by its pack.
    edit(
        root,
        "features/another_policy/facts.schema.json",
        "/packs/inotuzumab_besponsa/",
        "/packs/another_policy/",
    )
    done = conformance("docs", "--out", str(tmp_path / "docs"), kit_root=root)
    assert done.code == 0, done.err
    page = (tmp_path / "docs" / "another_policy.html").read_text(encoding="utf-8")
    assert "<h1>Another</h1>" in page and 'id="clause-INO-RR-BALL"' in page
    assert 'href="another_policy.html"' in (tmp_path / "docs" / "index.html").read_text()


def test_a_failure_shows_every_wrong_field_and_the_answer_it_was_graded_on() -> None:
    forged = "outcome: expected 'covered', engine answered 'covered'"
    mismatches = [
        {
            "field": "case_id",
            "what": "CON-ECHO-ID: case id",
            "expected": "'case-1.again'",
            "actual": "'case-1'",
            "clause": "CON-ECHO-ID",
            "answer": 3,
        },
        {
            "field": "outcome",
            "what": "CON-DETERMINISTIC: outcome when decided again",
            "expected": "'covered'",
            "actual": "'not-covered'",
            "clause": "CON-DETERMINISTIC",
            "answer": 3,
        },
    ]
    report = today_report(
        case={"case_id": "case-1.again"},
        decision={"case_id": "case-1", "outcome": "not-covered", "rationale": forged},
        reply="decision",
        answer=3,
        answers=3,
        harm="wrong-denial",
        mismatches=mismatches,
        message=(
            "wrong decision: CON-ECHO-ID: case id: expected 'case-1.again', engine answered "
            f"'case-1'\nanswer 3 of 3, to case 'case-1.again': {{\"rationale\": \"{forged}\"}}"
        ),
    )
    report["totals"]["harm"] = {
        "wrong-approval": 0,
        "wrong-denial": 1,
        "wrong-pend": 0,
        "wrong-rationale": 0,
        "contract-breach": 0,
    }
    report["packs"][0]["harm"] = report["totals"]["harm"]
    source = render_run_report(report)
    failure = source[source.index('id="problems"') : source.index('id="chart"')]
    # Every wrong field, from the report's own record: the rationale's words make no row.
    assert failure.count('<table class="mismatch">') == 1
    rows = failure[failure.index('<table class="mismatch">') : failure.index("</table>")]
    assert rows.count("<tr>") == 3
    assert "CON-ECHO-ID: case id (answer 3 of 3)" in rows
    assert "CON-DETERMINISTIC: outcome when decided again (answer 3 of 3)" in rows
    # The answer shown is the one graded: the case as it was sent the third time.
    assert "Case sent (answer 3 of 3)" in failure
    assert "&quot;case-1.again&quot;" in failure
    assert "Harm: <strong>wrong denial</strong>" in failure
    headline = "Failed scenarios by harm: 0 wrong approvals, 1 wrong denial, 0 wrong pends"
    assert headline in source
    harm = source[source.index('id="harm"') : source.index('id="problems"')]
    assert '<td class="n">1</td>' in harm and "Inotuzumab (Besponsa)" in harm


def test_the_verdicts_come_first_and_failures_are_grouped_by_clause_and_folded() -> None:
    many = today_report()
    scenario = many["scenarios"][0]
    many["scenarios"] = [
        scenario | {"name": f"case {i}", "id": f"INO-RR-BALL/{i:016x}"} for i in range(7)
    ]
    many["clauses"][0]["failed"] = 7
    many["packs"][0] |= {"verdict": "nonconformant"}
    many["engine"]["policies"] = [{"id": "inotuzumab_besponsa", "version": "2020-11"}]
    source = render_run_report(many)
    # The per-pack and per-clause verdicts stand above the first failure.
    assert source.index('id="summary"') < source.index('id="problems"')
    summary = source[source.index('id="summary"') : source.index('id="problems"')]
    assert "Inotuzumab (Besponsa)" in summary and "INO-RR-BALL" in summary
    # One group for the clause: two cards open, the other five folded under one line.
    group = source[source.index('id="failures-INO-RR-BALL"') :]
    folded = group[group.index("<details><summary>5 more of") :]
    assert group[: group.index("<details>")].count('class="problem') == 2
    assert folded.count('class="problem') == 5
    # The engine's policies read as words, never as a Python repr.
    assert "inotuzumab_besponsa 2020-11" in source
    assert "{&#x27;id&#x27;" not in source and "[{" not in source


def test_the_living_docs_count_scenarios_as_a_run_does(tmp_path: Path) -> None:
    import re
    from collections import Counter

    from policy_conformance.docs_pages import write_docs

    run = conformance("run", report=tmp_path / "report.json")
    assert run.code == 0 and run.report is not None, run.out[-2000:] + run.err
    ran = Counter(s["pack"] for s in run.report["scenarios"])
    write_docs(tmp_path / "docs")
    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'href="([a-z0-9_]+)\.html".*?<td class="n">(\d+)</td></tr>', index))
    # Outline rows count one each, and a contract scenario once for each pack's requests.
    assert {pack: int(n) for pack, n in shown.items()} == dict(ran)
