"""Pieces the fake command-line engines share: a valid decision, metadata, a sleeping grandchild.

The fakes run as scripts (``python tests/fakes/<engine>.py MODE [ARG]``), so this module is
imported from the script's own directory and uses only the standard library.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

#: An Inotuzumab-only engine: a run against a fake checks the Inotuzumab and contract packs.
METADATA = {
    "name": "fake engine",
    "version": "0.0.1",
    "contract_version": "3.0",
    "policies": [{"id": "inotuzumab_besponsa", "version": "2020-11"}],
}


def decision_for(case: Any) -> dict[str, Any]:
    """A decision that satisfies decision.schema.json and echoes the case's id."""
    case_id = case.get("case_id") if isinstance(case, dict) else None
    return {
        "case_id": case_id if isinstance(case_id, str) else "unknown",
        "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
        "outcome": "not-applicable",
        "clauses": ["INO-CODES"],
    }


def spawn_grandchild(pid_file: str) -> None:
    """Start a child that sleeps for a minute, holding our stdout and stderr open.

    Its pid goes to ``pid_file`` so that a test can check that it was killed with its parent.
    """
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    Path(pid_file).write_text(str(sleeper.pid), encoding="utf-8")


def hang() -> None:
    """Sleep for longer than any test waits."""
    time.sleep(60)


def stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
