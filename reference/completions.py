"""Deciding over every completion of what a case leaves unstated: shared by the pack engines.

A policy's verdict is a function of complete facts. A case rarely states every fact, so each
fact is read as the tuple of abstract values it may still take (one value when stated, its whole
domain when not), and :func:`judge` settles the decision by enumerating every completion:

- every completion gives the same outcome and determination: that is the decision, and it cites
  the clauses that every completion cites (or, when no clause is cited by all of them, each
  clause some completion cites);
- otherwise the request is pended, and a fact is missing exactly when some completion exists in
  which changing that fact alone changes the outcome or the determination.

Supplying every missing fact, with any values, then settles the decision (any two completions
that agree on the missing facts are joined by single-fact steps that change nothing).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Judgement", "Verdict", "decision", "in_order", "judge"]


@dataclass(frozen=True)
class Verdict:
    """What complete facts decide: outcome, determination and the clauses it rests on."""

    outcome: str
    determination: str
    clauses: frozenset[str]


@dataclass(frozen=True)
class Judgement:
    """A settled decision (``missing`` empty) or a pended one naming its missing facts."""

    verdict: Verdict | None
    missing: tuple[str, ...]


def in_order(names: Iterable[str], order: Sequence[str]) -> list[str]:
    """Names without repeats, in the given order (a catalogue's clauses, a pack's facts)."""
    wanted = set(names)
    return [name for name in order if name in wanted]


def judge(
    facts: Mapping[str, tuple[Any, ...]],
    verdict: Callable[[Mapping[str, Any]], Verdict],
    order: Sequence[str],
) -> Judgement:
    """Settle the decision over every completion of ``facts``, or name the missing facts.

    ``facts`` maps each fact's missing-fact name to the values it may still take; ``verdict``
    decides one completion; ``order`` is the pack's order of missing facts.
    """
    names = list(facts)
    domains = [facts[name] for name in names]
    verdicts = {
        values: verdict(dict(zip(names, values, strict=True)))
        for values in itertools.product(*domains)
    }
    decided = {(v.outcome, v.determination) for v in verdicts.values()}
    if len(decided) == 1:
        first = next(iter(verdicts.values()))
        cited = frozenset.intersection(*(v.clauses for v in verdicts.values()))
        # Every completion decides alike, but by different routes (a status an ALL code
        # contradicts, each reading covered another way): the decision rests on each of them.
        cited = cited or frozenset.union(*(v.clauses for v in verdicts.values()))
        return Judgement(Verdict(first.outcome, first.determination, cited), ())
    missing = set()
    for position, domain in enumerate(domains):
        if len(domain) < 2:
            continue
        for values, seen in verdicts.items():
            alternatives = (
                (*values[:position], other, *values[position + 1 :]) for other in domain
            )
            if any(
                (verdicts[alt].outcome, verdicts[alt].determination)
                != (seen.outcome, seen.determination)
                for alt in alternatives
            ):
                missing.add(names[position])
                break
    return Judgement(None, tuple(in_order(missing, order)))


def decision(
    policy: Mapping[str, str],
    order: Sequence[str],
    case: Mapping[str, Any],
    outcome: str,
    clauses: Iterable[str],
    rationale: str,
    determination: str | None = None,
    *,
    missing_facts: list[str] | None = None,
) -> dict[str, Any]:
    """A decision as the contract shapes it, naming ``policy``, its clauses in ``order``.

    Each pack's engine binds its own policy and catalogue order (``functools.partial``).
    """
    answer: dict[str, Any] = {
        "case_id": case["case_id"],
        "policy": dict(policy),
        "outcome": outcome,
    }
    if determination is not None:
        answer["determination"] = determination
    answer["clauses"] = in_order(clauses, order)
    if missing_facts is not None:
        answer["missing_facts"] = missing_facts
    answer["rationale"] = rationale
    return answer
