"""The human-readable report: a Markdown summary of a run that a vendor can hand to a payer.

Rendered from the machine-readable report alone, so ``conformance summary REPORT.json`` gives
the same text later, from a CI artifact, as ``conformance run --summary`` gave at the time. It lists
only what the run checked: the clauses and readings of a pack the run did not check are left out
(the pack itself is named, with why).
"""

from __future__ import annotations

from typing import Any

from .engine_text import markdown
from .grading import HARM_CLASSES, HARM_WORDS
from .results import Report, tally

__all__ = ["render_summary"]

VERDICT_WORDS = {
    "conformant": "conformant",
    "nonconformant": "**nonconformant**",
    "errored": "**errored** (the engine broke)",
    "not run": "not run",
    "not checked": "not checked",
}


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _engine(report: Report) -> str:
    engine = report.get("engine") or {}
    # The engine's own words: one line, and no markup of its own.
    name = markdown(engine.get("name", "unnamed engine"))
    return f"{name} {markdown(engine['version'])}" if engine.get("version") else name


def _kit(report: Report) -> str:
    kit = report["kit"]
    commit = f" (commit {kit['commit'][:12]})" if kit.get("commit") else ""
    return f"{kit['version']}{commit}"


def _headline(report: Report) -> str:
    state = report.get("state", "complete")
    if state == "interrupted":
        return "**Not conformant: the run was interrupted** before every scenario ran."
    if state != "complete":
        return "**Not conformant: the run has not finished** (or was killed before it did)."
    counted = tally(report)
    if not counted.ran:
        return "No clause was run." + counted.not_checked
    if not counted.bad:
        return f"**Conformant** on all {len(counted.ran)} clauses run." + counted.not_checked
    return (
        f"**Not conformant** on {len(counted.bad)} of {len(counted.ran)} clauses run."
        + counted.harmed
        + counted.not_checked
    )


def _harm_cell(entry: Report) -> str:
    """A clause's or a pack's harm counts, the classes with none left out; empty if none."""
    harm = entry.get("harm") or {}
    words = []
    for name in HARM_CLASSES:
        n = int(harm.get(name, 0))
        if n:
            one, many = HARM_WORDS[name]
            words.append(f"{n} {one if n == 1 else many}")
    return ", ".join(words)


def _harm_by_pack(report: Report) -> list[str]:
    """The table of failed scenarios by harm class and pack, for the packs the run checked."""
    checked = [p for p in report.get("packs", []) if p.get("checked", True)]
    if not any(any((p.get("harm") or {}).values()) for p in checked):
        return []
    head = " | ".join(HARM_WORDS[name][1] for name in HARM_CLASSES)
    lines = [
        "",
        "## Failed scenarios by harm",
        "",
        "A wrong approval covers what the policy does not; a wrong denial turns away what it "
        "covers or would pend; a wrong pend holds what it decides; a wrong rationale only has the "
        "right outcome for the wrong reasons; a contract breach is an answer the contract "
        "does not allow.",
        "",
        f"| pack | {head} |",
        "| --- |" + " ---: |" * len(HARM_CLASSES),
    ]
    totals = (report.get("totals") or {}).get("harm") or {}
    for pack in [*checked, {"title": "**all packs**", "harm": totals}]:
        harm = pack.get("harm") or {}
        cells = " | ".join(str(int(harm.get(name, 0))) for name in HARM_CLASSES)
        lines.append(f"| {_cell(pack.get('title', pack.get('id', '')))} | {cells} |")
    return lines


def render_summary(report: Report) -> str:
    """The Markdown summary of a machine-readable report."""
    lines: list[str] = [f"# Conformance report: {_engine(report)}", ""]
    for pack in report.get("packs", []):
        policy = pack.get("policy") or {}
        verdict = VERDICT_WORDS.get(pack.get("verdict", ""), pack.get("verdict", ""))
        if pack.get("why_not_checked"):
            verdict += f": {pack['why_not_checked']}"
        if policy:
            lines.append(
                f"- Policy: {pack['title']} (`{policy.get('id')}`, version {policy.get('version')})"
                + (f": {verdict}" if verdict else "")
            )
        elif verdict:
            lines.append(f"- {pack['title']}: {verdict}")
    totals = report["totals"]
    checked = {p.get("id") for p in report.get("packs", []) if p.get("checked", True)}
    shown = [c for c in report["clauses"] if c.get("verdict") != "not checked"]
    left_out = len(report["clauses"]) - len(shown)
    lines += [
        f"- Engine: {_engine(report)}, reached through `{report['adapter']}`",
        f"- Kit {_kit(report)}, contract {report['contract_version']}, "
        f"started {report.get('started', 'at an unknown time')}, "
        f"{report.get('state', 'complete')}",
        f"- Scenarios: {totals['passed']} passed, {totals['failed']} failed, "
        f"{totals['errored']} errored"
        + (f" ({totals['known']} known from a baseline)" if totals.get("known") else ""),
        "",
        _headline(report),
        *_harm_by_pack(report),
        "",
        "## Verdict by clause",
        "",
        "| clause | policy section | what the clause says | passed | failed | errored | verdict "
        "| harm |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for clause in shown:
        lines.append(
            f"| `{clause['id']}` | {_cell(clause['section'])} | {_cell(clause['paraphrase'])} "
            f"| {clause['passed']} | {clause['failed']} | {clause['errored']} "
            f"| {VERDICT_WORDS.get(clause['verdict'], clause['verdict'])} | {_harm_cell(clause)} |"
        )
    if left_out:
        lines += ["", f"The {left_out} clauses of the packs not checked are left out."]
    readings = [r for r in report.get("readings", []) if r.get("pack") in checked]
    # Reading ids are a pack's own: two packs may each have one of the same id.
    by_id = {(r.get("pack"), r.get("id")): r for r in readings}
    if readings:
        lines += [
            "",
            "## How the kit reads the policy where its text is open",
            "",
            "An engine is graded against these readings; each is confirmed by scenarios tagged "
            "with its id.",
            "",
        ]
        for reading in readings:
            clauses = ", ".join(f"`{c}`" for c in reading["clauses"])
            lines.append(
                f"- **{reading['id']}** ({clauses}): {_cell(reading['question'])} "
                f"*Reading:* {_cell(reading['reading'])}"
            )
    problems = [s for s in report["scenarios"] if s["outcome"] in ("failed", "errored")]
    if problems:
        lines += ["", "## Failed and errored scenarios", ""]
        for scenario in problems:
            known = " (known, from the baseline)" if scenario.get("known") else ""
            harm = scenario.get("harm")
            lines += [
                f"### {scenario['outcome'].capitalize()}{known}: {_cell(scenario['name'])}",
                "",
                f"Clause {', '.join(scenario['clauses'])}; "
                f"`{scenario['feature']}:{scenario['line']}`"
                + (f"; harm: {HARM_WORDS[harm][0]}" if harm in HARM_WORDS else "")
                + _answer_shown(scenario),
                "",
                *_confirms(scenario, by_id),
                "```",
                # The message only: the engine's own traceback (``detail``) stays in the report.
                _fence_safe(scenario["message"]),
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def _answer_shown(scenario: Report) -> str:
    """Which answer the failure was found in, when the scenario sent its case more than once."""
    answer, answers = scenario.get("answer"), scenario.get("answers") or 0
    if not answer or answers < 2:
        return ""
    case = scenario.get("case") or {}
    return f"; graded answer {answer} of {answers} (case `{_cell(case.get('case_id', '?'))}`)"


def _confirms(scenario: Report, readings: dict[Any, Report]) -> list[str]:
    """The readings of the policy a scenario confirms, each with what it reads."""
    lines = []
    for rid in scenario.get("readings", []):
        reading = readings.get((scenario.get("pack"), rid))
        said = f": {_cell(reading['reading'])}" if reading and reading.get("reading") else ""
        lines.append(f"Confirms reading **{_cell(rid)}**{said}")
    return [*lines, ""] if lines else []


def _fence_safe(text: Any) -> str:
    return str(text).replace("```", "'''")
