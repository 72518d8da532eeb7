"""Python engines that attack the kit from inside ``decide``: they exit, interrupt, hang, nest.

Each is a fault the Python adapters must turn into an engine error (or, for an answer nested too
deep, a contract violation) without letting it stop, hang or fool the kit.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

from .toy import decide

#: Set by a test once it has seen a spinning engine abandoned, so that its thread ends too.
STOP_SPINNING = threading.Event()


class EngineBaseException(BaseException):
    """Not an Exception: what a careless ``except Exception`` in a kit would let through."""


def calls_sys_exit(case: dict[str, Any]) -> Any:
    sys.exit()


def exits_zero(case: dict[str, Any]) -> Any:
    raise SystemExit(0)


def interrupts(case: dict[str, Any]) -> Any:
    raise KeyboardInterrupt


def raises_base_exception(case: dict[str, Any]) -> Any:
    raise EngineBaseException("rules engine gave up")


class ExitsInMetadata:
    def metadata(self) -> Any:
        sys.exit(0)

    def decide(self, case: dict[str, Any]) -> Any:
        return decide(case)


class ExitsWhenBuilt:
    def __init__(self) -> None:
        raise SystemExit(0)


def nests_deeply(case: dict[str, Any]) -> Any:
    answer: Any = "covered"
    for _ in range(1000):
        answer = [answer]
    return {**decide(case), "evidence": answer}


def refers_to_itself(case: dict[str, Any]) -> Any:
    answer = decide(case)
    answer["again"] = answer
    return answer


def answers_nan(case: dict[str, Any]) -> Any:
    return {**decide(case), "score": float("nan")}


#: The case id on which ``spins`` spins; it answers every other case.
SPIN_ON = "spin-here"


def spins(case: dict[str, Any]) -> Any:
    # Pure Python: the thread never waits, yet the kit's own thread still gets its turns.
    ends = time.monotonic() + 10
    while case["case_id"] == SPIN_ON and not STOP_SPINNING.is_set() and time.monotonic() < ends:
        pass
    return decide(case)


def leaves_a_thread(case: dict[str, Any]) -> Any:
    threading.Thread(target=time.sleep, args=(60,), name="vendor-worker").start()
    return decide(case)


def ends_the_process(case: dict[str, Any]) -> Any:
    os._exit(0)
