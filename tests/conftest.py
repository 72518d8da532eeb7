"""What every test of the kit gets for free: no process outlives the test that started it.

And ``adapter_for``, which opens adapters and closes them after the test, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from policy_conformance.adapters import Adapter, AdapterOptions, open_adapter


def _children() -> set[int]:
    """Pids of this process's live children (zombies count: nobody reaped them)."""
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or parentheses; the fields after its last ')' do not.
        fields = stat.rpartition(")")[2].split()
        if fields and fields[1] == me:
            found.add(int(entry.name))
    return found


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    before = _children()
    yield
    deadline = time.monotonic() + 2
    while (left := _children() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Ended here, so that what one test left behind cannot slow or fail the next on this worker.
    for pid in left:
        _end(pid)
    assert not left, f"processes outlived the test: {sorted(left)}"


def _end(pid: int) -> None:
    """Kill a leftover child, and its process group when it leads one of its own; reap it."""
    with contextlib.suppress(OSError):
        group = os.getpgid(pid)
        if group == pid and group != os.getpgrp():
            os.killpg(group, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)


@pytest.fixture
def adapter_for() -> Iterator[Callable[..., Adapter]]:
    """Open adapters by their string (``adapter_for(spec, options)``); all closed after the test."""
    opened: list[Adapter] = []

    def open_one(spec: str, options: AdapterOptions | None = None) -> Adapter:
        adapter = open_adapter(spec, options)
        opened.append(adapter)
        return adapter

    yield open_one
    for adapter in opened:
        adapter.close()
