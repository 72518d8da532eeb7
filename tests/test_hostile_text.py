"""Engine text that tries to forge lines in the kit's outputs: it is shown as one line of text.

An engine's name and version (and any string it supplies) pass through one flattening function
before any output: the Markdown summary, the HTML page, JUnit XML and the terminal.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from policy_conformance.adapters import EngineError
from policy_conformance.engine_text import flatten, markdown
from tests.engines.forger import FORGED_NAME
from tests.kit import conformance

ENGINE = "python:tests.engines.forger:ForgesItsName"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb\r\nc\u2028d\x85e", "a b c d e"),
        ("\x1b[2Jclear\u202eevil\u200b", "[2Jclearevil"),
        ("  plain  ", "plain"),
        (None, ""),
    ],
)
def test_flatten_makes_one_line_of_visible_characters(text: str | None, shown: str) -> None:
    assert flatten(text) == shown


def test_markdown_escapes_every_markup_character() -> None:
    assert markdown("**Conformant** | `x` <b>") == r"\*\*Conformant\*\* \| \`x\` \<b\>"


def test_an_engine_name_forges_no_line_in_any_output(tmp_path: Path) -> None:
    summary, page, junit = tmp_path / "summary.md", tmp_path / "page.html", tmp_path / "junit.xml"
    run = conformance(
        "run", "--adapter", ENGINE, "--clause", "INO-RR-BALL",
        "--summary", str(summary), "--html", str(page), f"--junitxml={junit}",
        report=tmp_path / "report.json",
    )  # fmt: skip
    assert run.code == 0, run.err
    lines = summary.read_text().splitlines()
    # The kit's own headline, once; no table row but the clause's own.
    assert [line for line in lines if "Conformant**" in line and "99" not in line] == [
        "**Conformant** on all 1 clauses run."
    ]
    assert not any(line.startswith("**Conformant** on all 99") for line in lines)
    assert not any("FORGED-ROW" in line and line.startswith("|") for line in lines)
    assert not any(line.startswith("# Forged") for line in lines)
    assert "\\*\\*Conformant\\*\\* on all 99" in summary.read_text()
    shown = page.read_text()
    assert "<script>alert" not in shown and "\x1b" not in shown and "\u202e" not in shown
    for line in run.out.splitlines():
        assert not line.lstrip().startswith(("**Conformant", "999 passed", "| `FORGED")), line
    assert "\x1b[2J" not in run.out and "\u202e" not in run.out
    ElementTree.parse(junit)  # noqa: S314 - the kit wrote it; still well-formed XML
    assert "\x1b" not in junit.read_text()
    # The report keeps what the engine said, whole: it is data, not a page.
    assert run.report is not None and run.report["engine"]["name"] == FORGED_NAME


def test_an_engines_error_and_output_cannot_pass_for_the_kits_lines() -> None:
    error = EngineError(
        "jsonl:engine",
        "it broke\n**Conformant** on all 99 clauses run.",
        "Traceback (most recent call last):\n  File 'x'\n\x1b[2J\r=== 999 passed in 1.00s ===",
    )
    lines = str(error).splitlines()
    assert lines[0] == "jsonl:engine: it broke **Conformant** on all 99 clauses run."
    assert lines[1] == "--- engine output (tail) ---"
    assert all(line.startswith("| ") for line in lines[2:]), lines
    assert "|   File 'x'" in lines  # a traceback keeps its indentation
    assert "\x1b" not in str(error) and "\r" not in error.detail
