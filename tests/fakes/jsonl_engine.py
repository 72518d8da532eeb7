"""A fake JSON-lines engine (``jsonl:`` adapter) that misbehaves on command.

Usage: ``python jsonl_engine.py MODE [N | PID_FILE]``. Handshake modes:

- ``no-greeting``: read ``start`` and never answer. ``garbled-greeting``: greet with non-JSON.
- ``bad-handshake``: greet without metadata. ``wrong-version``: greet with protocol version 2.
- ``exit-at-start``: explain on stderr and exit with status 2 before greeting.

Case modes (N counts the cases this process has received, from 1):

- ``echo``: answer every case correctly. ``chatty``: the same, with 256 KiB of stderr per case.
- ``hang-on N``: never answer case N. ``crash-on N``: raise on case N (traceback, exit 1).
- ``die-after N``: exit with status 3 on receiving case N+1, having answered N.
- ``other-case``: answer with another case id. ``wrong-seq``: answer with the wrong seq.
- ``not-json-reply``, ``malformed-reply``: break the protocol in the reply.
- ``errored``: say that the case errored, and stay up. ``megabytes``: answer with 9 MiB.
- ``grandchild PID_FILE``: start a sleeping grandchild, then answer correctly.
- ``grandchild-hang PID_FILE``: start a sleeping grandchild, then never answer a case.
- ``ignore-stop``: ignore ``stop``, the end of input and SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from common import METADATA, decision_for, hang, spawn_grandchild, stderr


def send(message: Any) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def greet(mode: str) -> None:
    if mode == "no-greeting":
        hang()
    if mode == "garbled-greeting":
        print("Welcome to FakeEngine 3000!", flush=True)
    elif mode == "bad-handshake":
        send({"ready": True, "version": 1})
    elif mode == "wrong-version":
        send({"ready": True, "version": 2, "metadata": METADATA})
    else:
        send({"ready": True, "version": 1, "metadata": METADATA})


def answer(mode: str, n: int, limit: int, message: dict[str, Any]) -> None:
    seq, case = message["seq"], message["case"]
    case_id = case.get("case_id") if isinstance(case, dict) else None
    if mode in ("hang-on", "grandchild-hang") and n >= limit:
        hang()
    if mode == "crash-on" and n >= limit:
        stderr("fake: about to crash")
        raise RuntimeError(f"fake crash on case {n}")
    if mode == "die-after" and n > limit:
        stderr(f"fake: dying after {limit} cases")
        sys.exit(3)
    if mode == "chatty":
        sys.stderr.write(("fake: chatter " + "." * 1000 + "\n") * 256)
        sys.stderr.flush()
    if mode == "other-case":
        send({"seq": seq, "case_id": "someone-else", "decision": decision_for(case)})
    elif mode == "wrong-seq":
        send({"seq": seq + 1, "case_id": case_id, "decision": decision_for(case)})
    elif mode == "not-json-reply":
        print("covered!", flush=True)
    elif mode == "malformed-reply":
        send({"seq": seq, "case_id": case_id, "decision": "covered"})
    elif mode == "errored":
        stderr("fake: the rules table is missing")
        failure = {"message": "fake: rules table missing", "traceback": "Traceback (fake): line 1"}
        send({"seq": seq, "errored": failure})
    elif mode == "megabytes":
        send({"seq": seq, "case_id": case_id, "decision": {"padding": "x" * (9 * 1024 * 1024)}})
    else:
        send({"seq": seq, "case_id": case_id, "decision": decision_for(case)})


def main() -> int:
    mode = sys.argv[1]
    argument = sys.argv[2] if len(sys.argv) > 2 else "0"
    if mode in ("grandchild", "grandchild-hang"):
        spawn_grandchild(argument)
        argument = "1"
    if mode == "exit-at-start":
        stderr("fake: cannot load the rules table")
        return 2
    if mode == "ignore-stop":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    limit = int(argument)
    received = 0
    for line in sys.stdin:
        message = json.loads(line)
        if message["cmd"] == "start":
            greet(mode)
        elif message["cmd"] == "decide":
            received += 1
            answer(mode, received, limit, message)
        elif message["cmd"] == "stop" and mode != "ignore-stop":
            return 0
    if mode == "ignore-stop":
        hang()
    return 0


if __name__ == "__main__":
    sys.exit(main())
