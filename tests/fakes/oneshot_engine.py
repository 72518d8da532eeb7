"""A fake one-shot engine (``cli:`` adapter) that misbehaves on command.

Usage: ``python oneshot_engine.py MODE [PID_FILE]``. Modes:

- ``echo``: answer every request correctly (a decision echoing the case id, or metadata).
- ``hang``: never answer. ``term-ignore``: never answer and ignore SIGTERM as well.
- ``crash``: raise an exception (a traceback on stderr, exit status 1).
- ``exit``: explain on stderr and exit with status 3. ``signal``: kill itself with SIGKILL.
- ``not-json``, ``empty``, ``array``: print something that is not a JSON object, exit 0.
- ``megabytes``: print 9 MiB. ``chatty``: write 1 MiB to stderr, then answer correctly.
- ``grandchild PID_FILE``: start a sleeping grandchild, then answer correctly and exit.
- ``grandchild-hang PID_FILE``: start a sleeping grandchild, then never answer.
- ``no-metadata``: exit 64 on a metadata request (unsupported); answer cases correctly.
- ``bad-metadata``: fail a metadata request with status 1; answer cases correctly.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from common import METADATA, decision_for, hang, spawn_grandchild, stderr


def main() -> int:
    mode = sys.argv[1]
    request = os.environ.get("POLICY_CONFORMANCE_REQUEST", "decide")
    if mode in ("grandchild", "grandchild-hang"):
        spawn_grandchild(sys.argv[2])
    if mode in ("hang", "grandchild-hang"):
        hang()
    if mode == "term-ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        hang()
    if mode == "crash":
        stderr("fake: loading the rules table")
        raise RuntimeError("fake crash in the rules table")
    if mode == "exit":
        stderr("fake: the licence file has expired")
        return 3
    if mode == "signal":
        stderr("fake: about to be killed")
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "not-json":
        print("Decision: covered (probably)")
        return 0
    if mode == "empty":
        return 0
    if mode == "array":
        print("[1, 2, 3]")
        return 0
    if mode == "megabytes":
        sys.stdout.write('"' + "x" * (9 * 1024 * 1024) + '"\n')
        return 0
    if mode == "chatty":
        for n in range(1024):
            sys.stderr.write(f"fake: chatter line {n:04d} " + "." * 1000 + "\n")
        stderr("fake: LAST-CHATTER-LINE")
    if request == "metadata":
        if mode == "no-metadata":
            return 64
        if mode == "bad-metadata":
            stderr("fake: no metadata today")
            return 1
        print(json.dumps(METADATA))
        return 0
    print(json.dumps(decision_for(json.load(sys.stdin))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
