"""The reference engine over the JSON-lines protocol, faulty on the cases a trigger picks out.

Usage: ``python faulty_reference.py FAULT TRIGGER [MARKER]``. A case whose disease contains
TRIGGER meets FAULT; every other case is decided by the reference engine, so a run against this
engine shows exactly which scenarios a fault touches and that the rest are kept. MARKER is never
read: it marks the process's command line, so that a test finds its own engine's survivors and
not those of a test running beside it. Faults:

- ``crash``: print a traceback on stderr and exit 1 (the adapter restarts the engine).
- ``hang``: never answer that case. ``garbage``: answer with a line that is not JSON.
- ``other-case``: answer for another case id. ``megabytes``: answer with a 9 MiB line.
- ``invalid-decision``: answer with a decision that breaks the contract (a failure, not an error).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from policy_conformance.reference import decide, metadata


def send(message: Any) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(fault: str, trigger: str) -> int:
    for line in sys.stdin:
        message = json.loads(line)
        if message["cmd"] == "start":
            send({"ready": True, "version": 1, "metadata": metadata()})
            continue
        if message["cmd"] == "stop":
            return 0
        case, seq = message["case"], message["seq"]
        reply = decide(case)
        kind = "rejection" if "errors" in reply else "decision"
        answer = {"seq": seq, "case_id": case.get("case_id"), kind: reply}
        if trigger in str(case.get("clinical", {}).get("disease", "")):
            if fault == "crash":
                sys.stderr.write("Traceback (most recent call last):\nKeyError: 'lymphoma rules'\n")
                return 1
            if fault == "hang":
                time.sleep(120)
            if fault == "garbage":
                sys.stdout.write("<html>500 Internal Server Error</html>\n")
                sys.stdout.flush()
                continue
            if fault == "other-case":
                answer["case_id"] = "somebody-else"
                answer[kind]["case_id"] = "somebody-else"
            if fault == "megabytes":
                answer[kind]["rationale"] = "x" * (9 * 1024 * 1024)
            if fault == "invalid-decision":
                answer[kind].pop("determination", None)
        send(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
