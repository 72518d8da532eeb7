"""What every page shares: the document around its body, escaping, JSON blocks and the chart.

Everything shown passes through :func:`text` (or :func:`json_block`), because much of it comes
from an engine under test, and an engine may be hostile: a ``<script>`` in a rationale must be
shown as text, never run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "OUTCOME_COLOURS",
    "anchor",
    "json_block",
    "outcome_chart",
    "page",
    "status_badge",
    "text",
]

#: The fill of each outcome in charts and badges; the outcome's word is always shown beside it.
OUTCOME_COLOURS = {
    "passed": "#2e7d32",
    "failed": "#c62828",
    "errored": "#ef6c00",
    "known": "#6a1b9a",
    "skipped": "#757575",
}

_STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
  margin: 0 auto; max-width: 72rem; padding: 1.5rem 2rem 4rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { margin-top: 2.2rem; border-bottom: 2px solid #ddd; }
h3 { margin: 1.4rem 0 .4rem; } a { color: #0b57d0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
th, td { border: 1px solid #d0d0d0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .6rem 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .6rem .8rem; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; font: 13px/1.4 ui-monospace, Menlo, monospace;
  margin: .3rem 0; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .3rem; color: #fff;
  font-weight: 600; font-size: .85rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.pair > div { min-width: 0; }
.pair h4 { margin: .4rem 0 .2rem; }
.problem { border: 2px solid #c62828; border-radius: .4rem; padding: .2rem 1rem .8rem;
  margin: 1rem 0; }
.problem.errored { border-color: #ef6c00; } .problem.known { border-style: dashed; }
.headline { font-size: 1.15rem; font-weight: 600; }
.muted { color: #555; } .gherkin { background: #fbfbf4; border-color: #e0dfc8; }
details { margin: .25rem 0; } summary { cursor: pointer; }
nav.toc a { margin-right: .8rem; }
td.clause { white-space: nowrap; } td.prose { min-width: 14rem; }
td, th, dd, code { overflow-wrap: anywhere; }
tr.pack th { background: #eef2f7; }
table.summary { width: auto; min-width: 50%; }
.clause-failures > details { margin: .6rem 0 1.2rem; }
svg { max-width: 100%; height: auto; }
@media (max-width: 900px) {
  body { padding: 1rem; }
  .pair { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .3rem; }
}
@media print { details { display: block; } }
"""


def text(value: object) -> str:
    """Any value as HTML text: every markup character escaped, quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


def anchor(*parts: object) -> str:
    """An id for an element, made only of letters, digits and dashes (safe in a URL fragment)."""
    joined = "-".join(str(p) for p in parts)
    return re.sub(r"[^A-Za-z0-9_-]+", "-", joined).strip("-") or "x"


def json_block(value: Any) -> str:
    """A JSON value shown as indented, escaped text."""
    try:
        shown = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        shown = repr(value)
    return f"<pre>{text(shown)}</pre>"


def status_badge(status: str) -> str:
    colour = OUTCOME_COLOURS.get(status.split()[0], "#455a64")
    return f'<span class="badge" style="background:{colour}">{text(status)}</span>'


def page(title: str, body: Iterable[str]) -> str:
    """A whole HTML document: ``title`` (escaped here) around ``body`` (already HTML)."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Nothing may be fetched: a page is opened from a CI artifact, perhaps offline.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">",
            f"<title>{text(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


_ROW, _LABEL_WIDTH, _BAR_WIDTH, _NOTE_WIDTH = 26, 190, 420, 330


def outcome_chart(rows: Iterable[tuple[str, str, Mapping[str, int]]]) -> str:
    """An inline SVG: one bar a clause, split by outcome, each part named in words beside it.

    ``rows`` are (label, link target, counts by outcome). Each bar is the clause's scenarios at
    full width, so a clause with one failure among many still shows it; the words to the right
    say the counts, so the chart reads without colour.
    """
    rows = list(rows)
    height = _ROW * len(rows) + 36
    width = _LABEL_WIDTH + _BAR_WIDTH + _NOTE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="13">',
        "<title>Scenarios of each clause by outcome</title>",
    ]
    for index, (label, target, counts) in enumerate(rows):
        y = index * _ROW + 4
        parts.append(
            f'<a href="#{text(target)}"><text x="0" y="{y + 15}" fill="#0b57d0">'
            f"{text(label)}</text></a>"
        )
        total = sum(counts.values())
        x = float(_LABEL_WIDTH)
        words = []
        for outcome, colour in OUTCOME_COLOURS.items():
            count = counts.get(outcome, 0)
            if not count:
                continue
            share = _BAR_WIDTH * count / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{share:.1f}" height="{_ROW - 8}" '
                f'fill="{colour}" stroke="#fff"><title>{count} {outcome}</title></rect>'
            )
            if share >= 22:
                parts.append(
                    f'<text x="{x + share / 2:.1f}" y="{y + 14}" fill="#fff" '
                    f'text-anchor="middle" font-weight="600">{count}</text>'
                )
            x += share
            words.append(f"{count} {outcome}")
        note = ", ".join(words) if words else "not run"
        parts.append(f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 10}" y="{y + 15}">{text(note)}</text>')
    legend_y = len(rows) * _ROW + 22
    x = float(_LABEL_WIDTH)
    for outcome, colour in OUTCOME_COLOURS.items():
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y - 11}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(f'<text x="{x + 16:.0f}" y="{legend_y}">{outcome}</text>')
        x += 84
    parts.append("</svg>")
    return "\n".join(parts)
