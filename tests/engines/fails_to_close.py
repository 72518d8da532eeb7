"""The reference engine, except that closing it raises: the results are in by then."""

from __future__ import annotations

from policy_conformance.reference import ReferenceEngine


class FailsToClose(ReferenceEngine):
    def close(self) -> None:
        raise RuntimeError("the rules cache could not be flushed")
