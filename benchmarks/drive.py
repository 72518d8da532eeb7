"""One process that sends cases to an engine over a pipe, raw or through the ``jsonl:`` adapter.

The benchmarks run it side by side with its other mode and compare the CPU seconds the OS
accounts to the sending of the cases, the driver's and the engine's together (printed on the
last line of its output: start-up and imports are left out, each case's round trip counted):

    python benchmarks/drive.py raw N [ENGINE]        # the raw transport: a line out, a line in
    python benchmarks/drive.py jsonl N [ENGINE]      # the same cases through the jsonl: adapter
    python benchmarks/drive.py raw-corpus FILE...    # a corpus's cases, raw, sent as replay sends

ENGINE is ``reference`` (``python -m policy_conformance.reference --jsonl``) or ``trivial`` (the
least engine that speaks the protocol: it shows what the adapter itself costs).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import CASE

TRIVIAL = """
import json, sys
DECISION = {"case_id": "", "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
            "outcome": "not-applicable", "clauses": ["INO-CODES"]}
for line in sys.stdin:
    message = json.loads(line)
    if message["cmd"] == "start":
        reply = {"ready": True, "version": 1,
                 "metadata": {"name": "trivial", "contract_version": "3.0"}}
    elif message["cmd"] == "decide":
        case_id = message["case"]["case_id"]
        reply = {"seq": message["seq"], "case_id": case_id,
                 "decision": dict(DECISION, case_id=case_id)}
    else:
        break
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""

ENGINES = {
    "reference": [sys.executable, "-m", "policy_conformance.reference", "--jsonl"],
    "trivial": [sys.executable, "-c", TRIVIAL],
}


def engine_cpu(pid: int) -> float:
    """The CPU seconds the OS has accounted to process ``pid`` so far (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now(pid: int) -> float:
    return time.process_time() + engine_cpu(pid)


def raw(cases: Iterator[dict[str, Any]], engine: list[str]) -> float:
    """Each case as one decide line, each reply read and decoded: the pipe and nothing else."""
    child = subprocess.Popen(engine, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    stdin, stdout = child.stdin, child.stdout
    stdin.write(b'{"cmd": "start", "version": 1}\n')
    stdin.flush()
    json.loads(stdout.readline())
    started = cpu_now(child.pid)
    for seq, case in enumerate(cases, 1):
        stdin.write(json.dumps({"cmd": "decide", "seq": seq, "case": case}).encode() + b"\n")
        stdin.flush()
        json.loads(stdout.readline())
    spent = cpu_now(child.pid) - started
    stdin.write(b'{"cmd": "stop"}\n')
    stdin.close()
    child.wait()
    return spent


def through_adapter(count: int, engine: list[str]) -> float:
    from policy_conformance.adapters import AdapterOptions
    from policy_conformance.adapters.jsonl import JsonLinesAdapter

    spec = "jsonl:" + shlex.join(engine)
    adapter = JsonLinesAdapter(spec, AdapterOptions(timeout=30.0))
    try:
        adapter.metadata()
        pid = adapter.started_pids[-1]
        started = cpu_now(pid)
        for _ in range(count):
            adapter.decide(CASE)
        return cpu_now(pid) - started
    finally:
        adapter.close()


def corpus_cases(files: list[str]) -> Iterator[dict[str, Any]]:
    """The cases of corpus files, each decided case three times, as ``conformance replay``."""
    for name in files:
        for entry in json.loads(Path(name).read_text(encoding="utf-8"))["scenarios"]:
            for _ in range(3 if entry["send"] == "decide" else 1):
                yield entry["case"]


def main(argv: list[str]) -> int:
    mode, *rest = argv
    if mode == "raw-corpus":
        spent = raw(corpus_cases(rest), ENGINES["reference"])
    else:
        count = int(rest[0])
        engine = ENGINES[rest[1] if len(rest) > 1 else "reference"]
        if mode == "raw":
            spent = raw(iter([CASE] * count), engine)
        else:
            spent = through_adapter(count, engine)
    print(f"{spent:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
