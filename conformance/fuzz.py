"""``conformance fuzz``: search generated cases for disagreements and broken invariants.

Each drawn case goes to the engine and to the oracle (the reference engine unless ``--against``
names another), both through the checked boundary, and the graded fields are compared by the
scenarios' own rules. Disagreements are grouped into kinds (the first differing field and the
two outcomes), and each kind by its causes: a case is shrunk to the fewest steps that keep its
kind of disagreement (its shrunk difference), and every case that holds a shrunk difference is
counted under it, so that two mistakes with the same symptom are both shown. Each cause is
printed with its count, its minimal case as JSON and as a scenario to paste. Every case is also
checked against the pack's invariants (no oracle). An engine fault errors the case it touched
and the search goes on, as in ``conformance run``.
Each pack with a case space (``--pack`` picks some) is searched in turn, ``--cases`` each.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy_conformance.adapters import (
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
)

from .boundary import CheckedEngine, ContractViolation
from .engine import open_engine, resolve_adapter
from .errors import KitError
from .grading import differing_field
from .packs import Invariant, Pack, check_clause_ids, load_packs
from .results import EXIT_CONFORMANT, EXIT_ERRORED, EXIT_FAILED, EXIT_UNREACHABLE

if TYPE_CHECKING:  # Hypothesis, behind the strategies, is imported only when a search runs
    from .strategies import Request

__all__ = ["Cause", "Finding", "FuzzResult", "Violation", "fuzz_command", "search"]

#: Cases of one kind that may be shrunk to find its causes; the rest are counted under a cause
#: they hold, or as not grouped once the budget is spent.
SHRINKS_PER_KIND = 40
#: Engine errors quoted in the summary; the rest are counted.
SHOWN_ERRORS = 5

Case = dict[str, Any]
Decision = dict[str, Any]
Kind = tuple[str, str, str]


@dataclass
class Cause:
    """One cause of a kind of disagreement: the facts its shrunk cases change, and its count.

    The facts are the fixture a shrunk case starts from and the fields its steps change there
    (the shrunk difference); shrunk cases that change the same fields of the same fixture,
    whatever the values, are one cause. ``request`` to ``scenario`` are those of the first.
    """

    facts: tuple[str, frozenset[str]]
    request: Request
    count: int
    case: Case
    engine_answer: Any
    oracle_decision: Decision
    clause: str = ""
    scenario: str = ""
    #: Every distinct shrunk request of this cause.
    shrunk: list[Request] = field(default_factory=list)

    def explains(self, request: Request) -> bool:
        """Whether ``request`` holds one of this cause's shrunk requests: fixture, steps, extras."""
        return any(_holds(request, shrunk) for shrunk in self.shrunk)

    @property
    def difference(self) -> str:
        """The facts of the cause, and the steps of its first shrunk case."""
        said = [
            *self.request.steps,
            *(f"{extra} (no step says it)" for extra in self.request.extras),
        ]
        describes, changed = self.facts
        fields = ", ".join(sorted(changed)) or "nothing"
        steps = f" ({'; '.join(said)})" if said else ""
        return f"a request for {describes}, changed in {fields}{steps}"


def _holds(request: Request, shrunk: Request) -> bool:
    # An extra's value may be a list: extras are compared as they print.
    return (
        request.describes == shrunk.describes
        and set(shrunk.steps) <= set(request.steps)
        and {str(e) for e in shrunk.extras} <= {str(e) for e in request.extras}
    )


def _changed_facts(case: Case, anchor: Case) -> frozenset[str]:
    """The fields, two levels deep, in which ``case`` differs from ``anchor`` (case ids aside)."""

    def fields(document: Case) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for key, value in document.items():
            if key == "case_id":
                continue
            if isinstance(value, dict):
                flat.update({f"{key}.{inner}": v for inner, v in value.items()})
            else:
                flat[key] = value
        return flat

    mine, theirs = fields(case), fields(anchor)
    return frozenset(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))


@dataclass
class Finding:
    """One kind of disagreement: the field, the engine's outcome and the oracle's.

    ``request`` to ``scenario`` are those of the kind's largest cause once it is shrunk.
    """

    kind: Kind
    count: int
    request: Request
    case: Case
    engine_answer: Any
    oracle_decision: Decision
    clause: str = ""
    scenario: str = ""
    #: Every drawn request of this kind, in the order drawn, until they are grouped by cause.
    drawn: list[Request] = field(default_factory=list)
    #: The causes, largest first.
    causes: list[Cause] = field(default_factory=list)
    #: Cases of this kind left out of every cause: the shrink budget ran out before them.
    ungrouped: int = 0


@dataclass
class Violation:
    """A broken invariant, with the first pair of cases that broke it."""

    invariant: Invariant
    count: int
    pair: tuple[Case, Decision, Case, Decision]


@dataclass
class FuzzResult:
    pack: str = ""
    cases: int = 0
    errored: int = 0
    errors: list[str] = field(default_factory=list)
    findings: dict[Kind, Finding] = field(default_factory=dict)
    violations: dict[str, Violation] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.findings or self.violations:
            return EXIT_FAILED
        return EXIT_ERRORED if self.errored else EXIT_CONFORMANT


def _compare(
    engine: CheckedEngine, oracle: CheckedEngine, case: Case
) -> tuple[Kind | None, Any, Decision]:
    """The kind of disagreement on ``case`` (or None), the engine's answer, the oracle's."""
    expected = oracle.decide(case)
    try:
        answer: Any = engine.decide(case)
    except ContractViolation:
        return (
            ("contract", "contract violation", expected["outcome"]),
            "contract violation",
            expected,
        )
    # The case id is not a graded field: it is compared with the case, not with the oracle.
    differs = (
        "case_id" if answer["case_id"] != case["case_id"] else differing_field(answer, expected)
    )
    if differs is None:
        return None, answer, expected
    return (differs, answer["outcome"], expected["outcome"]), answer, expected


def search(
    engine: CheckedEngine,
    oracle: CheckedEngine,
    pack: Pack,
    *,
    cases: int,
    seed: int,
    progress: Callable[[int, FuzzResult], None] = lambda done, result: None,
    first_number: int = 1,
) -> FuzzResult:
    """Draw ``cases`` requests from ``seed`` and record every disagreement and broken invariant.

    Case ids run from ``fuzz-<seed>-<first_number>``: packs searched in turn never share one.
    """
    from .invariants import RELATIONS, check_case_space
    from .strategies import SeededChoices, case_space, check_phrases, composed

    space = case_space(pack.id)
    check_case_space(pack, space)
    check_phrases(space)
    choose = SeededChoices(seed)
    invariants = [(i, RELATIONS[i.id]) for i in pack.invariants.values()]
    result = FuzzResult(pack=pack.id)
    for number in range(1, cases + 1):
        request, case = composed(space, choose)
        case["case_id"] = f"fuzz-{seed}-{first_number + number - 1}"
        result.cases += 1
        try:
            kind, answer, expected = _compare(engine, oracle, case)
            if kind is not None:
                _record(result, kind, request, case, answer, expected)
            if isinstance(answer, dict) and invariants:
                _check_one_invariant(engine, invariants, case, answer, choose, space, result)
        except ContractViolation as exc:
            # Raised by a follow-up case of an invariant, which no oracle decides.
            kind = ("contract", "contract violation", "no oracle (a follow-up case)")
            _record(result, kind, request, case, str(exc), {})
        except EngineError as exc:
            result.errored += 1
            if len(result.errors) < SHOWN_ERRORS:
                result.errors.append(f"case {case['case_id']}: {exc}")
        progress(number, result)
    return result


def _check_one_invariant(
    engine: CheckedEngine,
    invariants: list[tuple[Invariant, Any]],
    case: Case,
    decision: Decision,
    choose: Any,
    space: Any,
    result: FuzzResult,
) -> None:
    """Check the first invariant that applies to ``case``, starting from a drawn one.

    One follow-up a case, not one per invariant: the search keeps to three engine calls a case,
    and every invariant is still tried on about one case in nine of those it applies to.
    """
    start = choose.number(0, len(invariants) - 1)
    for invariant, relation in invariants[start:] + invariants[:start]:
        follow_up = relation.follow_up(case, decision, choose, space)
        if follow_up is None:
            continue
        again = engine.decide(follow_up)
        if not relation.holds(decision, again):
            _broken(result, invariant, (case, decision, follow_up, again))
        return


def _record(
    result: FuzzResult, kind: Kind, request: Request, case: Case, answer: Any, expected: Decision
) -> None:
    if kind in result.findings:
        result.findings[kind].count += 1
    else:
        result.findings[kind] = Finding(kind, 1, request, case, answer, expected)
    result.findings[kind].drawn.append(request)


def _broken(
    result: FuzzResult, invariant: Invariant, pair: tuple[Case, Decision, Case, Decision]
) -> None:
    if invariant.id in result.violations:
        result.violations[invariant.id].count += 1
    else:
        result.violations[invariant.id] = Violation(invariant, 1, pair)


def shrink(
    engine: CheckedEngine, oracle: CheckedEngine, pack: Pack, finding: Finding, seed: int
) -> None:
    """Group the finding's cases by cause, each cause with a minimal case and a scenario.

    In the order drawn, a case that holds a shrunk case already found is counted under its
    cause; any other is shrunk (every step and extra, or pair of them, that it can do without
    dropped, and its fixture replaced by the first one that keeps the disagreement), and counted
    under the cause of the fields it changes. After :data:`SHRINKS_PER_KIND` shrinks, the cases
    that hold no shrunk case are counted as not grouped.
    """
    from .strategies import Request, case_space

    space = case_space(pack.id)

    def same_kind(request: Request) -> bool:
        try:
            kind, _, _ = _compare(engine, oracle, request.case("fuzz-shrinking"))
        except (EngineError, ContractViolation):
            return False
        return kind == finding.kind

    causes: dict[tuple[str, frozenset[str]], Cause] = {}
    shrinks = 0
    for request in finding.drawn:
        cause = next((c for c in causes.values() if c.explains(request)), None)
        if cause is None and shrinks < SHRINKS_PER_KIND:
            shrinks += 1
            own, minimal = _minimal(request, same_kind, space)
            made = _new_cause(engine, oracle, minimal, request, seed, len(causes) + 1)
            fixture = Request(made.request.describes, (), (), pack.id).case("fuzz-fixture")
            made.facts = (made.request.describes, _changed_facts(made.case, fixture))
            cause = causes.setdefault(made.facts, made)
            # The shrunk case on the fixture drawn too: later cases from it are then explained.
            cause.shrunk += [r for r in dict.fromkeys((made.request, own)) if r not in cause.shrunk]
        if cause is None:
            finding.ungrouped += 1
        else:
            cause.count += 1
    finding.drawn = []
    if not causes:
        return
    # Largest first; among equals, the order they were found in.
    ranked = sorted(causes.values(), key=lambda c: -c.count)
    field_name, engine_outcome, oracle_outcome = finding.kind
    from .gherkin_writer import scenario_text

    for number, cause in enumerate(ranked, 1):
        cause.clause, applies = _touched_clause(
            pack, field_name, cause.engine_answer, cause.oracle_decision
        )
        title = (
            f"Found by fuzzing: {field_name} differs ({engine_outcome} against {oracle_outcome})"
        )
        if len(ranked) > 1:
            title += f", cause {number} of {len(ranked)}"
        cause.scenario = scenario_text(
            cause.request, cause.oracle_decision, cause.clause, title, applies=applies
        )
    finding.causes = ranked
    first = ranked[0]
    finding.request, finding.case = first.request, first.case
    finding.engine_answer, finding.oracle_decision = first.engine_answer, first.oracle_decision
    finding.clause, finding.scenario = first.clause, first.scenario


def _new_cause(
    engine: CheckedEngine,
    oracle: CheckedEngine,
    minimal: Request,
    drawn: Request,
    seed: int,
    number: int,
) -> Cause:
    """A cause from its shrunk request (or, if the engine breaks on it, the request drawn)."""
    for request in (minimal, drawn):
        case = request.case(f"fuzz-{seed}-minimal-{number}")
        try:
            _, answer, expected = _compare(engine, oracle, case)
        except (EngineError, ContractViolation):
            continue
        return Cause(("", frozenset()), request, 0, case, answer, expected)
    case = drawn.case(f"fuzz-{seed}-minimal-{number}")
    return Cause(("", frozenset()), drawn, 0, case, "engine error", {})


def _minimal(
    request: Request, same_kind: Callable[[Request], bool], space: Any
) -> tuple[Request, Request]:
    """``request`` shrunk on its own fixture, and then on the earliest fixture that still does."""
    current = _fewer_steps(request, same_kind)
    for fixture in space.fixtures:
        if fixture.describes == current.describes:
            break
        candidate = replace(current, describes=fixture.describes)
        if _keeps(candidate, same_kind):
            return current, _fewer_steps(candidate, same_kind)
    return current, current


def _keeps(candidate: Request, same_kind: Callable[[Request], bool]) -> bool:
    try:
        return same_kind(candidate)
    except KitError:  # a step that no longer makes a valid case without the one dropped
        return False


def _fewer_steps(request: Request, same_kind: Callable[[Request], bool]) -> Request:
    """``request`` without every step and extra, one or two at a time, that it can do without.

    Pairs too: a dated code and its date of service, or a code and the disease it implies, only
    go together.
    """
    current = request
    while True:
        items = [("steps", i) for i in range(len(current.steps))] + [
            ("extras", i) for i in range(len(current.extras))
        ]
        drops = [(item,) for item in items] + [
            (a, b) for n, a in enumerate(items) for b in items[n + 1 :]
        ]
        for drop in drops:
            candidate = _without(current, drop)
            if _keeps(candidate, same_kind):
                current = candidate
                break
        else:
            return current


def _without(request: Request, drop: tuple[tuple[str, int], ...]) -> Request:
    steps = tuple(s for i, s in enumerate(request.steps) if ("steps", i) not in drop)
    extras = tuple(e for i, e in enumerate(request.extras) if ("extras", i) not in drop)
    return replace(request, steps=steps, extras=extras)


def _touched_clause(
    pack: Pack, field_name: str, answer: Any, expected: Decision
) -> tuple[str, bool]:
    """The clause a disagreement touches, and whether the oracle's decision rests on it."""
    order = list(pack.clauses)
    cited = set(expected.get("clauses", []))
    if field_name == "clauses" and isinstance(answer, dict):
        apart = (cited ^ set(answer["clauses"])) & set(order)
        if apart:
            clause = min(apart, key=order.index)
            return clause, clause in cited
    ranked = sorted(cited & set(order), key=order.index)
    return (ranked[0], True) if ranked else (order[0], False)


def report_document(
    results: list[FuzzResult], engine_spec: str, oracle_spec: str, seed: int
) -> dict[str, Any]:
    return {
        "engine": engine_spec,
        "oracle": oracle_spec,
        "seed": seed,
        "packs": [r.pack for r in results],
        "cases": sum(r.cases for r in results),
        "errored": sum(r.errored for r in results),
        "errors": [e for r in results for e in r.errors],
        "disagreements": [
            {
                "pack": r.pack,
                "field": f.kind[0],
                "engine": f.kind[1],
                "oracle": f.kind[2],
                "count": f.count,
                "clause": f.clause,
                "case": f.case,
                "engine_answer": f.engine_answer,
                "oracle_decision": f.oracle_decision,
                "scenario": f.scenario,
                "causes": [_cause_document(c) for c in f.causes],
                "ungrouped": f.ungrouped,
            }
            for r in results
            for f in r.findings.values()
        ],
        "invariants": [
            {
                "pack": r.pack,
                "id": v.invariant.id,
                "clause": v.invariant.clause,
                "sentence": v.invariant.sentence,
                "count": v.count,
                "case": v.pair[0],
                "decision": v.pair[1],
                "follow_up": v.pair[2],
                "follow_up_decision": v.pair[3],
            }
            for r in results
            for v in r.violations.values()
        ],
        "exit_code": _exit_code(results),
    }


def _cause_document(cause: Cause) -> dict[str, Any]:
    return {
        "count": cause.count,
        "difference": {
            "describes": cause.request.describes,
            "steps": list(cause.request.steps),
            "extras": [str(extra) for extra in cause.request.extras],
        },
        "clause": cause.clause,
        "case": cause.case,
        "engine_answer": cause.engine_answer,
        "oracle_decision": cause.oracle_decision,
        "scenario": cause.scenario,
    }


def _exit_code(results: list[FuzzResult]) -> int:
    codes = {r.exit_code for r in results}
    for code in (EXIT_FAILED, EXIT_ERRORED):
        if code in codes:
            return code
    return EXIT_CONFORMANT


def _progress_line(pack: str, total: int) -> Callable[[int, FuzzResult], None]:
    if not sys.stderr.isatty():
        return lambda done, result: None

    def show(done: int, result: FuzzResult) -> None:
        if done % 100 == 0 or done == total:
            kinds = len(result.findings) + len(result.violations)
            end = "\n" if done == total else ""
            print(
                f"\rconformance fuzz: {pack}: {done}/{total} cases, {kinds} kinds found",
                end=end,
                file=sys.stderr,
            )

    return show


def _chosen_packs(chosen: list[str]) -> list[Pack]:
    """The packs named by ``--pack``, or every pack with a case space; a KitError if none."""
    from .packs import pack_named

    if chosen:
        # One without a case space is a KitError when its case space is read.
        return [pack_named(pack_id) for pack_id in dict.fromkeys(chosen)]
    packs = [p for p in load_packs() if (p.directory / "case_space.yaml").exists()]
    if not packs:
        raise KitError("no pack has a case space (features/<pack>/case_space.yaml) to fuzz")
    return packs


def fuzz_command(
    adapter: str,
    against: str,
    pack_ids: list[str],
    cases: int,
    seed: int | None,
    report: Path | None,
    timeout: float,
) -> int:
    """Search each chosen pack and print the findings; the exit code says what was found."""
    try:
        import hypothesis  # noqa: F401
    except ModuleNotFoundError:
        raise KitError(
            "conformance fuzz needs Hypothesis: install policy-conformance[fuzz]"
        ) from None
    from .invariants import check_case_space
    from .outputs import check_outputs
    from .strategies import case_space, check_phrases

    if cases < 1:
        raise KitError(f"--cases: {cases} is not a positive number of cases")
    check_outputs([("--report", report)], [])
    packs = _chosen_packs(pack_ids)
    for pack in packs:
        # Every pack's data is checked before any engine is started: a usage error costs nothing.
        check_case_space(pack, case_space(pack.id))
        check_phrases(case_space(pack.id))
        check_clause_ids({i.clause for i in pack.invariants.values()})
    seed = random.SystemRandom().randrange(1 << 32) if seed is None else seed
    return _fuzz_packs(adapter, against, packs, cases, seed, report, timeout)


def _fuzz_packs(
    adapter: str,
    against: str,
    packs: list[Pack],
    cases: int,
    seed: int,
    report: Path | None,
    timeout: float,
) -> int:
    """Open both engines, search each pack in turn, print and write what was found."""
    from .outputs import strict_json, write_text

    options = AdapterOptions(timeout=timeout)
    opened = []
    results: list[FuzzResult] = []
    try:
        try:
            for spec in (adapter, against):
                opened.append(open_engine(resolve_adapter(spec), options)[0])
        except EngineUnreachable as exc:
            print(f"conformance fuzz: engine unreachable: {exc}", file=sys.stderr)
            return EXIT_UNREACHABLE
        except AdapterSpecError as exc:
            raise KitError(str(exc)) from None
        engine, oracle = CheckedEngine(opened[0]), CheckedEngine(opened[1])
        for pack in packs:
            print(
                f"conformance fuzz: {pack.id}: {engine.spec} against {oracle.spec}, {cases} "
                f"cases, seed {seed}"
            )
            result = search(
                engine,
                oracle,
                pack,
                cases=cases,
                seed=seed,
                progress=_progress_line(pack.id, cases),
                first_number=len(results) * cases + 1,
            )
            for finding in result.findings.values():
                # Not without an oracle's decision to expect, nor for a case id the engine does
                # not echo: no step of a policy pack grades the id (the contract pack's
                # CON-ECHO-ID does).
                if finding.oracle_decision and finding.kind[0] != "case_id":
                    shrink(engine, oracle, pack, finding, seed)
            results.append(result)
    finally:
        for adapter_opened in opened:
            try:
                adapter_opened.close()
            except Exception as exc:
                # The findings are in; an engine that breaks on the way out costs a line.
                first = (str(exc).splitlines() or [type(exc).__name__])[0]
                print(f"conformance: error: the engine failed to close: {first}", file=sys.stderr)
    for result in results:
        _print(result)
    if report is not None:
        write_text(report, strict_json(report_document(results, adapter, against, seed)))
    return _exit_code(results)


def _print(result: FuzzResult) -> None:
    for number, finding in enumerate(result.findings.values(), 1):
        field_name, engine_outcome, oracle_outcome = finding.kind
        if not finding.causes:
            print(
                f"\ndisagreement {number}: {field_name} (engine {engine_outcome}, oracle "
                f"{oracle_outcome}) in {finding.count} case(s); first case:"
            )
            _print_example(finding.case, finding.engine_answer, finding.oracle_decision)
            continue
        ungrouped = f", {finding.ungrouped} not grouped" if finding.ungrouped else ""
        print(
            f"\ndisagreement {number}: {field_name} (engine {engine_outcome}, oracle "
            f"{oracle_outcome}) in {finding.count} case(s), {len(finding.causes)} cause(s)"
            f"{ungrouped}"
        )
        for index, cause in enumerate(finding.causes, 1):
            print(
                f"\ncause {number}.{index}: {cause.count} case(s) hold: {cause.difference}; "
                "minimal case:"
            )
            _print_example(cause.case, cause.engine_answer, cause.oracle_decision)
            if cause.scenario:
                print(f"\nas a scenario (clause {cause.clause}):\n\n{cause.scenario}")
    for violation in result.violations.values():
        invariant = violation.invariant
        case, decision, follow_up, again = violation.pair
        print(
            f"\ninvariant {invariant.id} ({invariant.clause}) broken in {violation.count} "
            f"case(s): {invariant.sentence}"
        )
        print(f"case:      {json.dumps(case, sort_keys=True)}")
        print(f"decision:  {json.dumps(decision, sort_keys=True)}")
        print(f"follow-up: {json.dumps(follow_up, sort_keys=True)}")
        print(f"decision:  {json.dumps(again, sort_keys=True)}")
    for error in result.errors:
        print(f"\nerrored: {error}")
    per_kind = ", ".join(
        f"{'/'.join(f.kind)}: {f.count}" + (f" in {len(f.causes)} cause(s)" if f.causes else "")
        for f in result.findings.values()
    )
    broken = ", ".join(f"{v.invariant.id}: {v.count}" for v in result.violations.values())
    print(
        f"\nconformance fuzz: {result.pack}: {result.cases} cases, {len(result.findings)} "
        f"kind(s) of disagreement{f' ({per_kind})' if per_kind else ''}, {len(result.violations)} "
        f"invariant(s) broken{f' ({broken})' if broken else ''}, {result.errored} errored"
    )


def _print_example(case: Case, answer: Any, expected: Decision) -> None:
    print(json.dumps(case, indent=2))
    print(f"engine answered: {json.dumps(answer, sort_keys=True)}")
    print(f"oracle decided:  {json.dumps(expected, sort_keys=True)}")
