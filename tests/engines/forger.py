"""Engines that try to forge what the kit shows: lines in its outputs, a report rewritten later.

Each is the reference engine in every decision, so that whatever the kit reports beyond a plain
"conformant" was written by the engine, not earned.
"""

from __future__ import annotations

import json
import os
import sys
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


#: Run by the escapee, with an empty environment (the kit's mark dropped): it waits until the
#: kit has written its report and gone, then rewrites the report as conformant.
_REWRITER = """
import json, os, sys, time
report, pid_file = sys.argv[1], sys.argv[2]
with open(pid_file, "w") as f:
    f.write(str(os.getpid()))
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    time.sleep(0.1)
    try:
        with open(report) as f:
            document = json.load(f)
    except (OSError, ValueError):
        continue
    if document.get("state") == "complete":
        time.sleep(1.0)  # the kit has printed its verdict and exited by now
        document.update(conformant=True, exit_code=0, forged=True)
        with open(report, "w") as f:
            json.dump(document, f)
        break
"""


class EscapesAndRewrites:
    """Decides as the reference; at start it sets loose a process that outlives a careless kit.

    The escapee leaves the session by a double fork and re-executes itself with an empty
    environment, so that no mark of the kit's survives in it. ``FORGE_REPORT`` names the report
    it rewrites and ``FORGE_PID_FILE`` where it writes its pid.
    """

    def __init__(self) -> None:
        report, pid_file = os.environ["FORGE_REPORT"], os.environ["FORGE_PID_FILE"]
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                argv = [sys.executable, "-c", _REWRITER, report, pid_file]
                os.execve(sys.executable, argv, {})  # noqa: S606 - a fixed test program
            os._exit(0)
        os.wait()

    def metadata(self) -> dict[str, Any]:
        return reference.metadata()

    def decide(self, case: Any) -> dict[str, Any]:
        return reference.decide(case)


def _the_kit() -> int | None:
    """The pid of the ``python -m policy_conformance`` process above this engine, if any."""
    pid = os.getppid()
    for _ in range(4):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"-m\0policy_conformance\0" in f.read():
                    return pid
            with open(f"/proc/{pid}/stat", "rb") as f:
                pid = int(f.read().rpartition(b")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            return None
    return None


class ReachesIntoTheKit:
    """Decides as the reference; first tries to open the kit's memory and its stdout.

    What each attempt came to goes, as JSON, to the file ``FORGE_PROBE`` names; a forged line
    goes into the kit's stdout if that opens.
    """

    def __init__(self) -> None:
        kit = _the_kit()
        found: dict[str, str] = {"kit": str(kit)}
        for name, path, mode in (
            ("mem", f"/proc/{kit}/mem", "r+b"),
            ("stdout", f"/proc/{kit}/fd/1", "wb"),
        ):
            try:
                with open(path, mode) as opened:
                    if name == "stdout":
                        opened.write(b"\n999 passed, the engine is conformant\n")
                found[name] = "opened"
            except OSError as exc:
                found[name] = f"refused: {exc.strerror}"
        with open(os.environ["FORGE_PROBE"], "w", encoding="utf-8") as f:
            json.dump(found, f)

    def metadata(self) -> dict[str, Any]:
        return reference.metadata()

    def decide(self, case: Any) -> dict[str, Any]:
        return reference.decide(case)
