"""The run's HTML report: what a payer or an auditor opens in a browser after a run.

Rendered from the saved JSON report alone (``conformance html REPORT.json --out PAGE``), so the
page of a CI artifact is the page the run wrote. Reports of this kit's older and newer formats
are both read: a field a report does not have is left out of the page, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ..engine_text import flatten
from ..grading import HARM_CLASSES, HARM_WORDS
from ..results import tally
from .gherkin import scenario_block
from .shell import anchor, json_block, outcome_chart, page, status_badge, text

__all__ = ["render_run_report"]

Report = dict[str, Any]

#: How a step names a wrong value: ``outcome: expected 'covered', engine answered 'pended'``.
_MISMATCH = re.compile(
    r"(?P<what>[^:\n]{1,80}): expected (?P<expected>.+?), engine answered (?P<actual>.+)$"
)

#: The failure cards shown open for each clause; the rest are folded under one line.
OPEN_CARDS = 2

_VERDICT_STATUS = {
    "conformant": "passed",
    "nonconformant": "failed",
    "errored": "errored",
    "not run": "skipped",
    "not checked": "skipped",
}


def _status(scenario: Report) -> str:
    if "status" in scenario:
        return str(scenario["status"])
    outcome = str(scenario.get("outcome", "skipped"))
    return "known failure" if scenario.get("known") and outcome != "passed" else outcome


def _engine_name(report: Report) -> str:
    engine = report.get("engine") or {}
    name = flatten(engine.get("name") or "unnamed engine")
    return f"{name} {flatten(engine['version'])}" if engine.get("version") else name


def _kit(report: Report) -> str:
    kit = report.get("kit")
    if isinstance(kit, dict):
        commit = f", commit {str(kit['commit'])[:12]}" if kit.get("commit") else ""
        modified = " (with changes not committed)" if kit.get("modified") else ""
        return f"{kit.get('version', '?')}{commit}{modified}"
    return str(report.get("kit_version", "?"))


def _facts(pairs: list[tuple[str, Any]]) -> str:
    rows = [f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in pairs if v not in (None, "")]
    return '<dl class="facts">' + "".join(rows) + "</dl>"


def _headline(report: Report) -> str:
    if report.get("interrupted"):
        return "The run did not finish: no verdict."
    counted = tally(report)
    if not counted.ran:
        return "No clause was run." + counted.not_checked
    if not counted.bad:
        return f"Conformant on all {len(counted.ran)} clauses run." + counted.not_checked
    if len(counted.bad) <= 4:
        named = ", ".join(f"{c.get('id')} ({c.get('pack')})" for c in counted.bad)
    else:
        # Too many clauses to name: each pack, with how many of its clauses are not conformant.
        by_pack: dict[str, int] = defaultdict(int)
        for clause in counted.bad:
            by_pack[str(clause.get("pack"))] += 1
        named = ", ".join(f"{n} in {pack}" for pack, n in by_pack.items())
    return (
        f"Not conformant on {len(counted.bad)} of {len(counted.ran)} clauses run: {named}."
        + counted.harmed
        + counted.not_checked
    )


def _harm(report: Report) -> list[str]:
    """Failed scenarios by harm class: one row a checked pack, one a clause that failed, and all."""
    totals = (report.get("totals") or {}).get("harm")
    if not isinstance(totals, dict) or not any(totals.values()):
        return []
    head = "".join(f"<th>{text(HARM_WORDS[name][1])}</th>" for name in HARM_CLASSES)

    def row(label: str, counts: Any) -> str:
        counts = counts if isinstance(counts, dict) else {}
        cells = "".join(f'<td class="n">{text(counts.get(n, 0))}</td>' for n in HARM_CLASSES)
        return f"<tr><td>{label}</td>{cells}</tr>"

    packs = [p for p in report.get("packs", []) if p.get("checked", True)]
    failing = [c for c in report.get("clauses", []) if any((c.get("harm") or {}).values())]
    rows = [row(text(p.get("title") or p.get("id")), p.get("harm")) for p in packs]
    rows.append(row("<strong>all packs</strong>", totals))
    rows += [
        row(
            f'<a href="#{anchor("clause", c.get("id", ""))}"><code>{text(c.get("id"))}</code></a>',
            c.get("harm"),
        )
        for c in failing
    ]
    return [
        '<h2 id="harm">Failed scenarios by harm</h2>',
        "<p>A wrong approval covers what the policy does not; a wrong denial turns away what it "
        "covers or would pend; a wrong pend holds what it decides; a wrong rationale only has the "
        "right outcome for the wrong reasons; a contract breach is an answer the contract does "
        "not allow.</p>",
        f'<table class="harm"><tr><th>pack or clause</th>{head}</tr>',
        *rows,
        "</table>",
    ]


def plain(value: Any) -> str:
    """A value of the report as words: lists joined, objects as ``key value`` pairs, no repr."""
    if isinstance(value, dict):
        if {"id", "version"} <= set(value) and len(value) <= 3:
            return f"{value['id']} {value['version']}"
        return ", ".join(f"{key}: {plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(plain(item) for item in value)
    return "" if value is None else str(value)


def _pack_verdict(pack: Report) -> str:
    verdict = str(pack.get("verdict", "?"))
    why = pack.get("why_not_checked")
    return f"{verdict} ({why})" if why else verdict


def _header(report: Report) -> list[str]:
    engine = report.get("engine") or {}
    totals = report.get("totals") or {}
    policies = [
        f"{p.get('title')} ({policy.get('issuer', '')} {policy.get('id', '')}, "
        f"version {policy.get('version', '?')}): {_pack_verdict(p)}"
        for p in report.get("packs", [])
        if isinstance(policy := p.get("policy"), dict)
    ]
    facts: list[tuple[str, Any]] = [
        ("Engine", _engine_name(report)),
        ("Adapter", report.get("adapter")),
        ("Engine's contract version", flatten(engine.get("contract_version"))),
    ]
    facts += [
        (f"Engine {flatten(key)}", flatten(plain(value)))
        for key, value in engine.items()
        if key not in ("name", "version", "contract_version")
    ]
    facts += [
        ("Policy", "; ".join(policies)),
        ("Kit", _kit(report)),
        ("Contract", report.get("contract_version")),
        ("Started", report.get("started") or report.get("generated")),
        ("Finished", report.get("finished")),
        ("State", report.get("state")),
        ("Exit code", report.get("exit_code")),
        (
            "Scenarios",
            ", ".join(
                f"{totals[k]} {k}"
                for k in ("passed", "failed", "errored", "skipped", "known")
                if k in totals
            ),
        ),
    ]
    return [
        f"<h1>Conformance report: {text(_engine_name(report))}</h1>",
        f'<p class="headline" id="headline">{text(_headline(report))}</p>',
        _facts(facts),
        '<nav class="toc"><a href="#summary">Verdicts</a><a href="#problems">Failures and '
        'errors</a><a href="#chart">Chart</a><a href="#clauses">Every clause</a>'
        '<a href="#readings">Readings</a><a href="#scenarios">Every scenario</a></nav>',
    ]


def _verdict_badge(verdict: str) -> str:
    # The badge takes the colour of the outcome behind the verdict; its word stays the verdict.
    return status_badge(_VERDICT_STATUS.get(verdict, "skipped")).replace(
        f">{_VERDICT_STATUS.get(verdict, 'skipped')}<", f">{text(verdict)}<"
    )


def _counts(clause: Report) -> dict[str, int]:
    counts = {k: int(clause.get(k) or 0) for k in ("passed", "failed", "errored", "skipped")}
    known = int(clause.get("known") or 0)
    # Known failures are drawn apart from new ones; they are counted once, as known.
    for outcome in ("failed", "errored"):
        moved = min(known, counts[outcome])
        counts[outcome] -= moved
        known -= moved
        counts["known"] = counts.get("known", 0) + moved
    return counts


def _clauses(report: Report) -> list[str]:
    clauses = report.get("clauses", [])
    ran = tally(report).ran
    rows = [
        "<tr><th>clause</th><th>what the clause says (policy section)</th>"
        "<th>passed</th><th>failed</th><th>errored</th><th>known</th><th>verdict</th></tr>"
    ]
    for clause in clauses:
        cid = clause.get("id", "")
        name = f"<code>{text(cid)}</code>"
        if clause in ran:  # only a clause that ran has scenarios to link to
            name = f'<a href="#{anchor("scenarios", cid)}">{name}</a>'
        rows.append(
            f'<tr id="{anchor("clause", cid)}"><td>{name}<br>'
            f'<span class="muted">{text(clause.get("pack"))}</span></td>'
            f'<td class="prose">{text(clause.get("paraphrase"))}'
            f'<br><span class="muted">{text(clause.get("section"))}</span></td>'
            + "".join(
                f'<td class="n">{text(clause.get(k, 0))}</td>'
                for k in ("passed", "failed", "errored", "known")
            )
            + f"<td>{_verdict_badge(str(clause.get('verdict')))}</td></tr>"
        )
    chart = outcome_chart(
        (c.get("id", ""), anchor("clause", c.get("id", "")), _counts(c)) for c in ran
    )
    return [
        '<h2 id="chart">Scenarios of each clause by outcome</h2>',
        f"<figure>{chart}</figure>" if ran else "<p>No clause was run.</p>",
        '<h2 id="clauses">Every clause of the packs</h2>',
        "<table>",
        *rows,
        "</table>",
    ]


#: The counts of the summary table, by the report field that holds each: a further count (a
#: field of each clause in the report) is one more entry here.
SUMMARY_COUNTS: list[tuple[str, str]] = [
    ("passed", "passed"),
    ("failed", "failed"),
    ("errored", "errored"),
    ("known", "known"),
]


def _summary(report: Report) -> list[str]:
    """The verdict of each pack, and of each of its clauses that ran, before any failure."""
    clauses = report.get("clauses", [])
    by_pack: dict[str, list[Report]] = defaultdict(list)
    for clause in clauses:
        by_pack[str(clause.get("pack"))].append(clause)
    head = "".join(f'<th class="n">{text(label)}</th>' for _, label in SUMMARY_COUNTS)
    rows = [f"<tr><th>pack / clause</th>{head}<th>verdict</th></tr>"]
    for pack in report.get("packs", []):
        own = by_pack.get(str(pack.get("id")), [])
        totals = "".join(
            f'<td class="n">{sum(int(c.get(k) or 0) for c in own)}</td>' for k, _ in SUMMARY_COUNTS
        )
        rows.append(
            f'<tr class="pack"><th>{text(pack.get("title") or pack.get("id"))}</th>{totals}'
            f"<td>{_verdict_badge(str(pack.get('verdict', '?')))}</td></tr>"
        )
        for clause in own:
            if clause.get("verdict") in ("not run", "not checked"):
                continue
            cid = str(clause.get("id", ""))
            counts = "".join(
                f'<td class="n">{text(clause.get(k, 0))}</td>' for k, _ in SUMMARY_COUNTS
            )
            problems = int(clause.get("failed") or 0) + int(clause.get("errored") or 0)
            target = anchor("failures", cid) if problems else anchor("clause", cid)
            rows.append(
                f'<tr><td class="clause"><a href="#{target}"><code>{text(cid)}</code></a></td>'
                f"{counts}<td>{_verdict_badge(str(clause.get('verdict')))}</td></tr>"
            )
    return [
        '<h2 id="summary">Verdict by pack and clause</h2>',
        '<table class="summary">',
        *rows,
        "</table>",
    ]


def _mismatches(message: str) -> list[tuple[str, str, str]]:
    found = []
    for line in message.splitlines():
        match = _MISMATCH.search(line.strip())
        if match:
            found.append((match["what"].strip(), match["expected"], match["actual"]))
    return found


def _answered(found: Report, scenario: Report) -> str:
    """What a mismatch names, with the answer it was found in when there were several."""
    what = str(found.get("what", found.get("field", "")))
    answers, answer = int(scenario.get("answers") or 0), found.get("answer")
    return f"{what} (answer {answer} of {answers})" if answer != 1 and answers > 1 else what


def _answer_shown(scenario: Report) -> str:
    """Which of the scenario's answers the page shows, when it sent more than one."""
    answer, answers = scenario.get("answer"), int(scenario.get("answers") or 0)
    return f" (answer {answer} of {answers})" if answer and answers > 1 else ""


def _gherkin(scenario: Report) -> str:
    block = scenario_block(str(scenario.get("feature", "")), int(scenario.get("line") or 0))
    if block is None:
        return (
            '<p class="muted">The feature file is not at hand to show this scenario\'s steps.</p>'
        )
    return f'<pre class="gherkin">{text(block)}</pre>'


def _where(scenario: Report) -> str:
    clauses = scenario.get("clauses") or [scenario.get("clause", "")]
    links = ", ".join(
        f'<a href="#{anchor("clause", c)}"><code>{text(c)}</code></a>' for c in clauses if c
    )
    readings = ", ".join(
        f'<a href="#{anchor("reading", r)}">{text(r)}</a>' for r in scenario.get("readings", [])
    )
    parts = [
        f"clause {links}",
        f"<code>{text(_feature_shown(scenario))}:{text(scenario.get('line'))}</code>",
    ]
    if readings:
        parts.append(f"reading {readings}")
    if scenario.get("id"):
        parts.append(f"id <code>{text(scenario['id'])}</code>")
    return "<p>" + " · ".join(parts) + "</p>"


def _feature_shown(scenario: Report) -> str:
    feature = str(scenario.get("feature", ""))
    # Older reports carry the machine's absolute path: show the part below the packs' folder.
    marker = "/features/"
    return feature.rsplit(marker, 1)[1] if marker in feature else feature


def _problem(index: int, scenario: Report, *, opened: bool = True) -> list[str]:
    """One failure card; ``opened``: the case, the answer and the steps shown, not folded."""
    status = _status(scenario)
    outcome = str(scenario.get("outcome", status))
    message = str(scenario.get("message", ""))
    expectations = scenario.get("expectations")
    expected = (
        "<ul>" + "".join(f"<li>{text(e)}</li>" for e in expectations) + "</ul>"
        if isinstance(expectations, list) and expectations
        else ""
    )
    recorded = scenario.get("mismatches")
    mismatches = (
        [(_answered(m, scenario), str(m["expected"]), str(m["actual"])) for m in recorded]
        if isinstance(recorded, list) and recorded
        else _mismatches(message)
    )
    table = ""
    if mismatches:
        table = (
            '<table class="mismatch">'
            "<tr><th>what</th><th>expected</th><th>engine answered</th></tr>"
            + "".join(
                f"<tr><td>{text(w)}</td><td>{text(e)}</td><td>{text(a)}</td></tr>"
                for w, e, a in mismatches
            )
            + "</table>"
        )
    classes = " ".join(["problem", outcome, "known" if scenario.get("known") else ""]).strip()
    parts = [
        f'<section class="{classes}" id="{anchor("problem", index)}">',
        f"<h3>{status_badge(status)} {text(scenario.get('name'))}</h3>",
        _where(scenario),
        *(
            [f'<p class="harm">Harm: <strong>{text(HARM_WORDS[harm][0])}</strong></p>']
            if (harm := scenario.get("harm")) in HARM_WORDS
            else []
        ),
        table,
        '<div class="pair">',
        '<div class="expected"><h4>Expected</h4>',
        expected or _gherkin(scenario),
        "</div>",
        '<div class="actual"><h4>Actual</h4>',
        f"<pre>{text(message)}</pre>" if message else '<p class="muted">No message.</p>',
        "</div>",
        "</div>",
    ]
    folded = [f"<details{' open' if opened else ''}><summary>What was sent and received</summary>"]
    if "case" in scenario or "decision" in scenario:
        reply = scenario.get("reply") or "decision"
        parts += folded
        folded = []
        parts += [
            '<div class="pair">',
            f'<div class="case"><h4>Case sent{text(_answer_shown(scenario))}</h4>',
            json_block(scenario.get("case")),
            "</div>",
            f'<div class="decision"><h4>{text(str(reply).capitalize())} received</h4>',
            json_block(scenario.get("decision")),
            "</div>",
            "</div>",
        ]
        if scenario.get("truncated"):
            parts.append(
                '<p class="muted">Cut to size in the report: '
                f"{text(', '.join(map(str, scenario['truncated'])))}.</p>"
            )
    if scenario.get("detail"):
        parts += ["<h4>What the engine printed</h4>", f"<pre>{text(scenario['detail'])}</pre>"]
    if expected:
        parts += ["<h4>The scenario</h4>", _gherkin(scenario)]
    if not folded:
        parts.append("</details>")
    parts += [
        f'<p><a href="#{anchor("scenario", index)}">This scenario among all</a></p>',
        "</section>",
    ]
    return parts


def _problems(scenarios: list[Report]) -> list[str]:
    order = {"failed": 0, "errored": 1}
    shown = sorted(
        ((i, s) for i, s in enumerate(scenarios) if s.get("outcome") in order),
        # New failures first, then new errors, then what the baseline already knew.
        key=lambda pair: (bool(pair[1].get("known")), order[str(pair[1].get("outcome"))], pair[0]),
    )
    parts = ['<h2 id="problems">Failures and errors</h2>']
    if not shown:
        return [*parts, "<p>No scenario failed or errored.</p>"]
    parts.append(
        "<p>Failed: the engine decided wrongly or broke the contract. Errored: the engine gave no "
        "usable answer (it crashed, hung or answered garbage).</p>"
    )
    by_clause: dict[str, list[tuple[int, Report]]] = defaultdict(list)
    for index, scenario in shown:
        clauses = scenario.get("clauses") or [scenario.get("clause") or "no clause"]
        by_clause[str(clauses[0])].append((index, scenario))
    for cid, cards in by_clause.items():
        parts.append(
            f'<section class="clause-failures" id="{anchor("failures", cid)}">'
            f"<h3><code>{text(cid)}</code>: {len(cards)} failed or errored</h3>"
        )
        for number, (index, scenario) in enumerate(cards[:OPEN_CARDS]):
            parts += _problem(index, scenario, opened=number == 0)
        if len(cards) > OPEN_CARDS:
            parts.append(
                f"<details><summary>{len(cards) - OPEN_CARDS} more of <code>{text(cid)}</code>"
                "</summary>"
            )
            for index, scenario in cards[OPEN_CARDS:]:
                parts += _problem(index, scenario, opened=False)
            parts.append("</details>")
        parts.append("</section>")
    return parts


def _readings(report: Report, scenarios: list[Report]) -> list[str]:
    readings = report.get("readings", [])
    if not readings:
        return []
    confirming: dict[str, list[int]] = defaultdict(list)
    for index, scenario in enumerate(scenarios):
        for reading in scenario.get("readings", []):
            confirming[reading].append(index)
    parts = [
        '<h2 id="readings">How the kit reads the policy where its text is open</h2>',
        "<p>The engine is graded against these readings; "
        "each is confirmed by the scenarios listed.</p>",
    ]
    for reading in readings:
        rid = reading.get("id", "")
        links = ", ".join(
            f'<a href="#{anchor("scenario", i)}">{text(scenarios[i].get("name"))}</a> '
            f"({text(_status(scenarios[i]))})"
            for i in confirming.get(rid, [])
        )
        parts += [
            f'<h3 id="{anchor("reading", rid)}">{text(rid)}</h3>',
            _facts(
                [
                    ("Clauses", ", ".join(reading.get("clauses", []))),
                    ("Question", reading.get("question")),
                    ("Reading", reading.get("reading")),
                    ("Why", reading.get("why")),
                ]
            ),
            f"<p>Confirmed by: {links}</p>"
            if links
            else "<p>No scenario of this run confirms it.</p>",
        ]
    return parts


def _all_scenarios(report: Report, scenarios: list[Report]) -> list[str]:
    by_clause: dict[str, list[int]] = defaultdict(list)
    for index, scenario in enumerate(scenarios):
        clauses = scenario.get("clauses") or [scenario.get("clause") or "no clause"]
        by_clause[clauses[0]].append(index)
    order = [c.get("id", "") for c in report.get("clauses", [])]
    order += sorted(set(by_clause) - set(order))
    parts = ['<h2 id="scenarios">Every scenario, in its Gherkin words</h2>']
    for cid in order:
        if cid not in by_clause:
            continue
        parts.append(f'<h3 id="{anchor("scenarios", cid)}"><code>{text(cid)}</code></h3>')
        for index in by_clause[cid]:
            scenario = scenarios[index]
            status = _status(scenario)
            # Folded, failures too: each failure is shown whole above, in its clause's group.
            parts += [
                f'<details id="{anchor("scenario", index)}">',
                f"<summary>{status_badge(status)} {text(scenario.get('name'))}</summary>",
                _where(scenario),
                _gherkin(scenario),
                "</details>",
            ]
    return parts


def render_run_report(report: Report) -> str:
    """The HTML page of a saved JSON report."""
    scenarios = [s for s in report.get("scenarios", []) if isinstance(s, dict)]
    body = [
        *_header(report),
        *_summary(report),
        *_harm(report),
        *_problems(scenarios),
        *_clauses(report),
        *_readings(report, scenarios),
        *_all_scenarios(report, scenarios),
    ]
    return page(f"Conformance report: {_engine_name(report)}", body)
