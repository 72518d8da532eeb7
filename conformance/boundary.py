"""The harness's side of the adapter boundary: every case and reply is checked against the contract.

An adapter only carries data. Here a case is checked before it leaves, and each reply is sorted
into a decision or a rejection and checked against its schema, so that every engine, whatever its
transport, is held to the same contract and every breach is reported with its schema path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from policy_conformance import contract
from policy_conformance.adapters import Adapter, JSONObject
from policy_conformance.adapters.errors import AnswerTooDeep
from policy_conformance.adapters.limits import shorten

from .errors import KitError

__all__ = ["CheckedEngine", "ContractViolation", "Reply"]


class ContractViolation(AssertionError):
    """The engine answered, but its answer breaks the contract: a failed scenario."""


@dataclass(frozen=True)
class Reply:
    """An engine's checked answer to one case."""

    kind: Literal["decision", "rejection"]
    body: JSONObject

    @property
    def is_decision(self) -> bool:
        return self.kind == "decision"


# A runaway answer can break the schema in thousands of places; the first few say enough.
_SHOWN_VIOLATIONS = 20


def _show(data: Any) -> str:
    # An answer may run to megabytes: a message quotes its beginning and says what it left out.
    return shorten(json.dumps(data, sort_keys=True))


class CheckedEngine:
    """An adapter wrapped so that both directions are validated against the contract."""

    def __init__(self, adapter: Adapter) -> None:
        self.adapter = adapter
        #: The last case sent and the engine's answer to it (``None`` until it answered): the
        #: evidence a report keeps for each scenario. The run clears it before each scenario.
        self.last_case: JSONObject | None = None
        self.last_answer: Reply | None = None

    def forget(self) -> None:
        """Clear the last exchange, so a scenario's evidence is never another's."""
        self.last_case = None
        self.last_answer = None

    @property
    def spec(self) -> str:
        return self.adapter.spec

    def send(self, case: JSONObject, *, malformed: bool = False) -> Reply:
        """Send a case and return the checked reply.

        A well-formed case is checked before it leaves: a case the kit built wrongly is the kit's
        fault, never the engine's. With ``malformed=True`` the case must break the contract (the
        scenario is about rejections), and that is checked too, so such a scenario cannot pass
        by accident on a case that was well-formed after all.
        """
        problems = contract.violations("case", case)
        if malformed and not problems:
            raise KitError(
                f"the case meant to be malformed conforms to the contract: {_show(case)}"
            )
        if not malformed and problems:
            raise KitError(
                "the kit built a case that breaks the contract (a defect in a fixture or step): "
                + "; ".join(map(str, problems))
            )
        self.last_case, self.last_answer = case, None
        try:
            body = self.adapter.decide(case)
        except AnswerTooDeep as exc:
            # The engine answered: an answer no reader can take is a breach of the contract.
            raise ContractViolation(
                f"{self.spec} answered case {case.get('case_id')!r} with JSON the kit refuses "
                f"to read: {exc.reason}"
            ) from None
        kind: Literal["decision", "rejection"] = "rejection" if "errors" in body else "decision"
        self.last_answer = Reply(kind, body)
        violations = contract.violations(kind, body)
        if violations:
            raise ContractViolation(
                f"{self.spec} answered case {case.get('case_id')!r} with a {kind} that breaks "
                f"contract/{kind}.schema.json:\n"
                + "\n".join(f"  {shorten(str(v))}" for v in violations[:_SHOWN_VIOLATIONS])
                + f"\nthe {kind}: {_show(body)}"
            )
        return Reply(kind, body)

    def decide(self, case: JSONObject) -> JSONObject:
        """Send a well-formed case and return its decision; a rejection here is a failure."""
        reply = self.send(case)
        if not reply.is_decision:
            raise ContractViolation(
                f"{self.spec} rejected a well-formed case {case['case_id']!r}: {_show(reply.body)}"
            )
        return reply.body
