"""The isolated Python adapter: ``pyproc:package.module:attribute``, an engine in its own process.

The engine is named exactly as for ``python:``, but it runs in a child Python process
(:mod:`.pyproc_engine`) that speaks the JSON-lines protocol, driven by the ``jsonl:`` machinery:
a case that overruns its deadline kills the process, ``os._exit`` or a crash errors only the case
it happened in, whatever it starts is ended with it (see :mod:`.warden`), and it can neither patch
the kit's checks nor open the kit's memory or output. It is a separate process, not a sandbox:
it can do whatever the kit's user can (README, "When the kit runs as root"). This is the adapter
to certify a Python engine with; ``python:`` is quicker to work with.
"""

from __future__ import annotations

import shlex
import sys

from .base import AdapterOptions
from .errors import AdapterSpecError
from .jsonl import JsonLinesAdapter

__all__ = ["IsolatedPythonAdapter"]


class IsolatedPythonAdapter(JsonLinesAdapter):
    """Run a Python engine in a child process and speak the JSON-lines protocol with it."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        target = spec.partition(":")[2]
        module_name, sep, attribute = target.rpartition(":")
        if not sep or not module_name or not attribute:
            raise AdapterSpecError(f"{spec}: expected pyproc:package.module:attribute")
        command = shlex.join(
            [sys.executable, "-m", "policy_conformance.adapters.pyproc_engine", target]
        )
        super().__init__(f"jsonl:{command}", options)
        # Messages name the engine as the vendor did, not the command line behind it.
        self.spec = spec
