"""A fake engine for ``jsonl:`` or ``cli:`` that tries to outlive, outwait or outnest the kit.

Usage: ``python hostile_engine.py (jsonl | cli) MODE [PID_FILE]``. Modes:

- ``escapes PID_FILE``: start a grandchild that leaves the process group (``setsid()``) and
  sleeps for a minute, write its pid, then answer correctly.
- ``escapes-and-hangs PID_FILE``: the same, then never answer a case.
- ``escapes-unmarked PID_FILE``: the grandchild is started through a parent that exits at once,
  with an empty environment (the kit's mark dropped), out of the session; then answer correctly.
- ``trickles``: answer a case one byte every 50 ms, never finishing the line.
- ``nests``: answer with a decision holding an array nested 1,000 deep.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import METADATA, decision_for, hang

#: Run with an empty environment: sets loose a sleeper in a new session and exits, orphaning it.
_ORPHANER = """
import subprocess, sys
sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
    start_new_session=True, env={}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
open(sys.argv[1], "w").write(str(sleeper.pid))
"""


def escape(pid_file: str, mode: str) -> None:
    if mode == "escapes-unmarked":
        subprocess.run([sys.executable, "-c", _ORPHANER, pid_file], env={}, check=True)
        return
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        start_new_session=True,  # setsid(): out of the engine's process group
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    Path(pid_file).write_text(str(sleeper.pid), encoding="utf-8")


def answer(mode: str, case: Any) -> str:
    if mode == "escapes-and-hangs":
        hang()
    if mode == "trickles":
        for _ in range(200):
            sys.stdout.write("{")
            sys.stdout.flush()
            time.sleep(0.05)
        hang()
    decision = decision_for(case)
    if mode == "nests":
        decision["evidence"] = "PLACEHOLDER"
        return json.dumps(decision).replace('"PLACEHOLDER"', "[" * 1000 + "]" * 1000)
    return json.dumps(decision)


def main() -> int:
    protocol, mode = sys.argv[1], sys.argv[2]
    if mode.startswith("escapes"):
        escape(sys.argv[3], mode)
    if protocol == "cli":
        sys.stdout.write(answer(mode, json.loads(sys.stdin.read())) + "\n")
        return 0
    for line in sys.stdin:
        message = json.loads(line)
        if message["cmd"] == "start":
            print(json.dumps({"ready": True, "version": 1, "metadata": METADATA}), flush=True)
        elif message["cmd"] == "decide":
            case = message["case"]
            decision = answer(mode, case)
            reply = f'{{"seq": {message["seq"]}, "case_id": {json.dumps(case["case_id"])}, '
            print(reply + f'"decision": {decision}}}', flush=True)
        else:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
