"""``conformance fuzz``: search generated cases for disagreements and broken invariants.

Each drawn case goes to the engine and to the oracle (the reference engine unless ``--against``
names another), both through the checked boundary, and the graded fields are compared by the
scenarios' own rules. Disagreements are grouped into kinds (the first differing field and the
two outcomes); Hypothesis shrinks one case of each kind to a minimal one, printed as JSON and as
a scenario to paste. Every case is also checked against the pack's invariants (no oracle). An
engine fault errors the case it touched and the search goes on, as in ``conformance run``.
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

__all__ = ["Finding", "FuzzResult", "Violation", "fuzz_command", "search"]

#: Cases Hypothesis may try while shrinking one kind of disagreement.
SHRINK_BUDGET = 500
#: Engine errors quoted in the summary; the rest are counted.
SHOWN_ERRORS = 5

Case = dict[str, Any]
Decision = dict[str, Any]
Kind = tuple[str, str, str]


@dataclass
class Finding:
    """One kind of disagreement: the field, the engine's outcome and the oracle's."""

    kind: Kind
    count: int
    request: Request
    case: Case
    engine_answer: Any
    oracle_decision: Decision
    clause: str = ""
    scenario: str = ""


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
    """Replace the finding's case by a minimal one of the same kind, and write its scenario.

    Hypothesis searches and shrinks towards the first fixture and fewer steps; when its budget
    finds no case of this kind, the case found by the search is shrunk instead. Either way, every
    step left that the disagreement does not need is then dropped.
    """
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    from .strategies import case_space, requests

    def same_kind(request: Request) -> bool:
        try:
            kind, _, _ = _compare(engine, oracle, request.case("fuzz-shrinking"))
        except (EngineError, ContractViolation):
            return False
        return kind == finding.kind

    options = settings(
        max_examples=SHRINK_BUDGET,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    try:
        request = find(
            requests(case_space(pack.id)),
            same_kind,
            settings=options,
            random=random.Random(seed),  # noqa: S311 - reproducible, not a secret
        )
    except (NoSuchExample, Unsatisfiable):
        request = finding.request
    # Hypothesis stops at its budget; a step or extra that still changes nothing is dropped.
    request = _fewer_steps(request, same_kind)
    case = request.case(f"fuzz-{seed}-minimal")
    try:
        _, answer, expected = _compare(engine, oracle, case)
    except (EngineError, ContractViolation):
        # The engine broke on the shrunk case: show the case the search found instead.
        request, case = finding.request, finding.case
        answer, expected = finding.engine_answer, finding.oracle_decision
    finding.request, finding.case = request, case
    finding.engine_answer, finding.oracle_decision = answer, expected
    finding.clause, applies = _touched_clause(pack, finding.kind[0], answer, expected)
    field_name, engine_outcome, oracle_outcome = finding.kind
    title = f"Found by fuzzing: {field_name} differs ({engine_outcome} against {oracle_outcome})"
    from .gherkin_writer import scenario_text

    finding.scenario = scenario_text(request, expected, finding.clause, title, applies=applies)


def _fewer_steps(request: Request, same_kind: Callable[[Request], bool]) -> Request:
    """``request`` without every step and extra whose removal keeps the kind of disagreement."""
    current = request
    changed = True
    while changed:
        changed = False
        candidates = [
            replace(current, steps=current.steps[:i] + current.steps[i + 1 :])
            for i in range(len(current.steps))
        ] + [
            replace(current, extras=current.extras[:i] + current.extras[i + 1 :])
            for i in range(len(current.extras))
        ]
        for candidate in candidates:
            try:
                keeps = same_kind(candidate)
            except KitError:  # without that step, a later one no longer makes a valid case
                keeps = False
            if keeps:
                current, changed = candidate, True
                break
    return current


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
    from .outputs import check_outputs, strict_json, write_text
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
        print(
            f"\ndisagreement {number}: {field_name} (engine {engine_outcome}, oracle "
            f"{oracle_outcome}) in {finding.count} case(s); minimal case:"
        )
        print(json.dumps(finding.case, indent=2))
        print(f"engine answered: {json.dumps(finding.engine_answer, sort_keys=True)}")
        print(f"oracle decided:  {json.dumps(finding.oracle_decision, sort_keys=True)}")
        if finding.scenario:
            print(f"\nas a scenario (clause {finding.clause}):\n\n{finding.scenario}")
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
    per_kind = ", ".join(f"{'/'.join(f.kind)}: {f.count}" for f in result.findings.values())
    broken = ", ".join(f"{v.invariant.id}: {v.count}" for v in result.violations.values())
    print(
        f"\nconformance fuzz: {result.pack}: {result.cases} cases, {len(result.findings)} "
        f"kind(s) of disagreement{f' ({per_kind})' if per_kind else ''}, {len(result.violations)} "
        f"invariant(s) broken{f' ({broken})' if broken else ''}, {result.errored} errored"
    )
