"""A kit process whose engine hangs: it writes the engine's pid and waits on a case for ever.

Usage: ``python kit_with_hung_engine.py PID_FILE GRANDCHILD_PID_FILE``. Started by a test that
then signals it, to check that the engine and the grandchild it set loose end with the kit.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from policy_conformance.adapters import AdapterOptions, open_adapter

HERE = Path(__file__).resolve().parent


def main() -> None:
    pid_file, grandchild_file = sys.argv[1], sys.argv[2]
    engine = [sys.executable, str(HERE / "hostile_engine.py"), "jsonl", "escapes-and-hangs"]
    adapter = open_adapter(
        f"jsonl:{shlex.join([*engine, grandchild_file])}", AdapterOptions(timeout=None)
    )
    adapter.metadata()
    Path(pid_file).write_text(str(adapter.started_pids[0]), encoding="utf-8")  # type: ignore[attr-defined]
    adapter.decide({"case_id": "hangs"})


if __name__ == "__main__":
    main()
