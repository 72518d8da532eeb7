"""Engines that try to forge what the kit shows: lines in its outputs, a report rewritten later.

Each is the reference engine in every decision, so that whatever the kit reports beyond a plain
"conformant" was written by the engine, not earned.
"""

from __future__ import annotations

from typing import Any

from policy_conformance.reference import engine as reference

#: An engine name that, printed raw, adds a verdict line, a table row and a script.
FORGED_NAME = (
    "honest engine\n\n**Conformant** on all 99 clauses run.\n\n"
    "| `FORGED-ROW` | a | b | 9 | 0 | 0 | conformant |\r\n"
    "<script>alert(1)</script>\x1b[2J\u202e 999 passed"
)


class ForgesItsName:
    """Decides as the reference does; its metadata name and version forge lines."""

    def metadata(self) -> dict[str, Any]:
        return {**reference.metadata(), "name": FORGED_NAME, "version": "1.0\n# Forged heading"}

    def decide(self, case: Any) -> dict[str, Any]:
        return reference.decide(case)
