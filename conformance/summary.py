"""The human-readable report: a Markdown summary of a run that a vendor can hand to a payer.

Rendered from the machine-readable report alone, so ``conformance summary REPORT.json`` gives
the same text later, from a CI artifact, as ``conformance run --summary`` gave at the time.
"""

from __future__ import annotations

from typing import Any

from .engine_text import markdown
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
        + counted.not_checked
    )


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
        "",
        "## Verdict by clause",
        "",
        "| clause | policy section | what the clause says | passed | failed | errored | verdict |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for clause in report["clauses"]:
        lines.append(
            f"| `{clause['id']}` | {_cell(clause['section'])} | {_cell(clause['paraphrase'])} "
            f"| {clause['passed']} | {clause['failed']} | {clause['errored']} "
            f"| {VERDICT_WORDS.get(clause['verdict'], clause['verdict'])} |"
        )
    readings = report.get("readings", [])
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
            lines += [
                f"### {scenario['outcome'].capitalize()}{known}: {_cell(scenario['name'])}",
                "",
                f"Clause {', '.join(scenario['clauses'])}; "
                f"`{scenario['feature']}:{scenario['line']}`",
                "",
                "```",
                # The message only: the engine's own traceback (``detail``) stays in the report.
                _fence_safe(scenario["message"]),
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def _fence_safe(text: Any) -> str:
    return str(text).replace("```", "'''")
