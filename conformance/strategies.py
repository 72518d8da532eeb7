"""The case space of a pack, as Hypothesis strategies that draw well-formed requests.

A request is drawn the way a scenario writes one: a fixture ("a request for ..."), then Given
steps in the pack's own phrases, each changing one fact. The case is built by running those very
steps, so the scenario ``conformance fuzz`` prints sends exactly the case it found.

Everything a pack decides is data in its ``case_space.yaml`` (the format is
``case_space.schema.json``): real codes, listed and unlisted; conditions and their diagnosis
codes; dates on both sides of every line the policy draws; every compendium rating; and the
pack's own facts as groups of literal Given phrases. The code here knows only the envelope
(date of service, member, billed codes, drug, diagnoses, compendia, a letter of support) and one
rule for every pack: a drawn change that would make the case break the contract, the pack's
facts schema included, is not taken. ``conformance fuzz`` draws from a seeded generator and
shrinks each cause of a disagreement to its first fixture and fewest steps (``fuzz.py``): a
minimal disagreement is a short scenario. The same space as a Hypothesis strategy
(:func:`requests`) is what property tests draw from and shrink.

A few facts have no step (the billing units, documents other than a letter of support); they are
drawn as *extras*, applied to the case directly and shown as comments when a scenario is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError

from policy_conformance import contract

from .bdd_private import given_step
from .errors import KitError
from .packs import (
    Fixture,
    Problem,
    display,
    load_fixtures,
    load_packs,
    pack_named,
    read_kit_file,
    read_yaml,
)
from .phrases import step_modules
from .reading import MAX_SCHEMA_BYTES, read_json

__all__ = [
    "STEP_MODULES",
    "CaseSpace",
    "Choices",
    "Condition",
    "Extra",
    "FactGroup",
    "HypothesisChoices",
    "Phrase",
    "Request",
    "SeededChoices",
    "build_case",
    "case_space",
    "check_phrases",
    "compose",
    "composed",
    "conforms",
    "given",
    "requests",
]

#: The modules that define the shared Given steps a request is written in; each pack's own
#: phrases (``features/<pack>/steps.py``) are added to them.
STEP_MODULES = ("policy_conformance.steps.requests",)

_OTHER_DOCUMENTS = ("medical-records", "pathology-report", "treatment-plan")

Case = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Extra:
    """A change with no step phrase: a top-level field path and the value it takes."""

    path: tuple[str, ...]
    value: Any

    def apply(self, case: Case) -> None:
        *parents, last = self.path
        target = case
        for key in parents:
            target = target[key]
        if last == "documentation":
            target.setdefault(last, []).extend(self.value)
        else:
            target[last] = self.value

    def __str__(self) -> str:
        return f"{'.'.join(self.path)} = {self.value!r}"


@dataclass(frozen=True)
class Request:
    """A drawn request: the fixture it starts from, its Given steps and its extras."""

    describes: str
    steps: tuple[str, ...]
    extras: tuple[Extra, ...]
    #: The pack whose fixtures and phrases the request is written in.
    pack: str

    def case(self, case_id: str) -> Case:
        return build_case(self, case_id)


@dataclass(frozen=True)
class Phrase:
    """One drawable phrase of a fact group: the steps it takes, and the missing facts it states."""

    steps: tuple[str, ...]
    supplies: tuple[str, ...]
    #: Diagnosis codes whose own reading the phrase's value contradicts.
    contradicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactGroup:
    """A fact of the pack's own, changed at odds of one in ``odds + 1`` by one of its phrases."""

    odds: int
    facts: tuple[str, ...]
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class Condition:
    """A condition a request may treat, as the steps name it, and its diagnosis codes."""

    disease: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CaseSpace:
    """What one pack's requests may carry (``features/<pack>/case_space.yaml``)."""

    pack: str
    path: Path
    fixtures: tuple[Fixture, ...]
    listed_hcpcs: tuple[str, ...]
    unlisted_hcpcs: tuple[str, ...]
    conditions: tuple[Condition, ...]
    secondary_codes: tuple[str, ...]
    policy_drugs: tuple[str, ...]
    other_drugs: tuple[str, ...]
    windows: tuple[dt.date, ...]
    boundaries: tuple[dt.date, ...]
    compendia: tuple[tuple[str, tuple[str, ...]], ...]
    weak_listings: tuple[str, ...]
    facts: tuple[FactGroup, ...]

    def __repr__(self) -> str:
        return f"case_space({self.pack!r})"

    def window_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the code window ``day`` falls in."""
        starts = [start for start in self.windows if start <= day]
        start = starts[-1] if starts else dt.date(1900, 1, 1)
        later = [s for s in self.windows if s > day]
        end = later[0] - dt.timedelta(days=1) if later else dt.date(2199, 12, 31)
        return start, end

    def phrases_supplying(self, fact: str) -> tuple[Phrase, ...]:
        """Every phrase of the pack's fact groups that states ``fact``."""
        return tuple(p for g in self.facts for p in g.phrases if fact in p.supplies)


@cache
def _case_space_validator() -> Draft202012Validator:
    schema_path = Path(__file__).with_name("case_space.schema.json")
    return Draft202012Validator(read_json(schema_path, MAX_SCHEMA_BYTES))


def _line_of(text: str, where: Sequence[Any]) -> int | None:
    """The line of the YAML key or item at ``where``, or of its nearest parent."""
    import yaml

    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in where:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == key), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _schema_problem(path: Path, text: str, error: ValidationError) -> Problem:
    where = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # Point at the unexpected key itself, not at the mapping that holds it.
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        where += sorted(k for k in error.instance if k not in known)[:1]
    at = "/" + "/".join(map(str, error.absolute_path))
    return Problem(path, f"not a case space: at {at}: {error.message}", _line_of(text, where))


@cache
def case_space(pack_id: str) -> CaseSpace:
    """The case space of ``pack_id``, read from its ``case_space.yaml``; a KitError if unusable."""
    pack = pack_named(pack_id)
    path = pack.directory / "case_space.yaml"
    if not path.exists():
        raise KitError(
            f"pack {pack_id} has no case space ({display(path)}): conformance fuzz draws "
            "requests from it"
        )
    data, problem = read_yaml(path)
    if problem is not None:
        raise KitError(str(problem))
    text, _ = read_kit_file(path)
    errors = sorted(_case_space_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise KitError(str(_schema_problem(path, text or "", errors[0])))
    facts = tuple(_fact_group(entry) for entry in data.get("facts", []))
    for number, group in enumerate(facts):
        named = {*group.facts, *(f for phrase in group.phrases for f in phrase.supplies)}
        unknown = sorted(named - set(pack.missing_facts))
        if unknown:
            line = _line_of(text or "", ["facts", number])
            raise KitError(
                str(Problem(path, f"fact {unknown[0]!r} is none of the pack's missing facts", line))
            )
    try:
        windows = tuple(dt.date.fromisoformat(d) for d in data["dates"].get("windows", []))
        boundaries = tuple(dt.date.fromisoformat(d) for d in data["dates"]["boundaries"])
    except ValueError as exc:
        raise KitError(str(Problem(path, f"not a case space: {exc}"))) from None
    compendia = tuple((name, tuple(r)) for name, r in data.get("compendia", {}).items())
    space = CaseSpace(
        pack=pack_id,
        path=path,
        fixtures=tuple(sorted(load_fixtures(pack).values(), key=lambda f: f.name)),
        listed_hcpcs=tuple(data["hcpcs"]["listed"]),
        unlisted_hcpcs=tuple(data["hcpcs"]["unlisted"]),
        conditions=tuple(
            Condition(c["disease"], tuple(c["codes"])) for c in data["diagnoses"]["conditions"]
        ),
        secondary_codes=tuple(data["diagnoses"].get("secondary", [])),
        policy_drugs=tuple(data["drugs"]["policy"]),
        other_drugs=tuple(data["drugs"]["other"]),
        windows=windows,
        boundaries=boundaries,
        compendia=compendia,
        weak_listings=tuple(
            _rated(name, rating)
            for name, ratings in data.get("weak_listings", {}).items()
            for rating in ratings
        ),
        facts=facts,
    )
    if not space.fixtures:
        raise KitError(f"{display(path)}: pack {pack_id} has no fixture to start a request from")
    return space


def check_phrases(space: CaseSpace) -> None:
    """A KitError naming the case space for a phrase no Given step binds.

    Run before a search, so that a misspelt phrase is found at once, not in the middle of one;
    not on loading, which may come before the step modules should be imported.
    """
    phrases = {s for g in space.facts for p in g.phrases for s in p.steps}
    for step in sorted(phrases | set(space.weak_listings)):
        if _find(step) is None:
            raise KitError(f"{display(space.path)}: no Given step binds {step!r}")


def _fact_group(entry: dict[str, Any]) -> FactGroup:
    named = entry.get("fact", [])
    facts = (named,) if isinstance(named, str) else tuple(named)
    phrases = []
    for item in entry["steps"]:
        contradicts: tuple[str, ...] = ()
        if isinstance(item, dict):
            steps = item["step"]
            supplies = () if item.get("withdraws") else tuple(item.get("supplies", facts))
            contradicts = tuple(item.get("contradicts", ()))
        else:
            steps, supplies = item, facts
        steps = (steps,) if isinstance(steps, str) else tuple(steps)
        phrases.append(Phrase(steps, supplies, contradicts))
    return FactGroup(entry["odds"], facts, tuple(phrases))


def _rated(compendium: str, rating: str) -> str:
    return f"{compendium} rates the use {rating}"


def build_case(request: Request, case_id: str) -> Case:
    """The case ``request`` describes, built by its steps; a KitError if a step does not bind."""
    case = _start(request.pack, request.describes, case_id)
    for step in request.steps:
        _give(case, step)
    for extra in request.extras:
        extra.apply(case)
    return case


def _start(pack_id: str, describes: str, case_id: str) -> Case:
    function, arguments = _bound(f"a request for {describes}")
    started: Case = function(case_id=case_id, pack=pack_named(pack_id), **arguments)
    return started


def _give(case: Case, step: str) -> None:
    function, arguments = _bound(step)
    function(case=case, **arguments)


@cache
def _find(step: str) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    # Drawn steps repeat a small vocabulary: matching each text against every step once is enough.
    return given_step((*STEP_MODULES, *step_modules(load_packs())), step)


def _bound(step: str) -> tuple[Callable[..., Any], dict[str, Any]]:
    found = _find(step)
    if found is None:
        raise KitError(f"conformance fuzz wrote a step no Given step binds: {step!r}")
    return found


def _listing(text: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": the lists the steps read."""
    items = list(text)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _day(choose: Choices, space: CaseSpace) -> dt.date:
    kind = choose.number(0, 2)
    if kind == 0:
        return choose.one(space.boundaries)
    if kind == 1:
        return choose.day(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
    return choose.day(dt.date(1900, 1, 1), dt.date(2199, 12, 31))


class Choices(Protocol):
    """Where choices come from: Hypothesis (property tests) or a seeded generator (a search)."""

    def one(self, options: Sequence[T]) -> T: ...
    def flip(self) -> bool: ...
    def number(self, low: int, high: int) -> int: ...
    def day(self, low: dt.date, high: dt.date) -> dt.date: ...


class HypothesisChoices:
    """Choices drawn by Hypothesis, which can then shrink them."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self._draw = draw

    def one(self, options: Sequence[T]) -> T:
        chosen: T = self._draw(st.sampled_from(options))
        return chosen

    def flip(self) -> bool:
        return bool(self._draw(st.booleans()))

    def number(self, low: int, high: int) -> int:
        return int(self._draw(st.integers(low, high)))

    def day(self, low: dt.date, high: dt.date) -> dt.date:
        chosen: dt.date = self._draw(st.dates(low, high))
        return chosen


class SeededChoices:
    """Choices from a seeded generator: the same space as Hypothesis draws, a hundred times faster.

    Hypothesis spends milliseconds a case on bookkeeping that only its shrinking needs; a search
    of ten thousand cases draws here, and shrinks each disagreement by dropping its steps.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - a reproducible search, not a secret

    def one(self, options: Sequence[T]) -> T:
        return options[self._random.randrange(len(options))]

    def flip(self) -> bool:
        return self._random.random() < 0.5

    def number(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def day(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self._random.randint(0, (high - low).days))


def _condition(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    kind = choose.one(("named", "by-code", "two-codes"))
    if kind == "named":
        condition = choose.one(space.conditions)
        return [
            f"the condition treated is {condition.disease}, coded {choose.one(condition.codes)}"
        ]
    if kind == "by-code":
        code = choose.one(choose.one(space.conditions).codes)
        return [f"the diagnosis is coded {code}", "the disease is not stated"]
    # A second code beside the first, on either side: a secondary code, or another code of the
    # same condition, which may contradict what the first one says.
    primary = case["diagnosis_codes"][0]
    kin = tuple(
        c for condition in space.conditions if primary in condition.codes for c in condition.codes
    )
    pool = [c for c in (*space.secondary_codes, *kin) if c != primary]
    if not pool:
        return []
    second = choose.one(pool)
    codes = [primary, second] if choose.flip() else [second, primary]
    return [f"the diagnosis is coded {_listing(codes)}"]


def _fact(group: FactGroup) -> Change:
    def change(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
        return list(choose.one(group.phrases).steps)

    return change


def _compendia(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    kind = choose.one(("listings", "none", "not stated"))
    if kind == "none":
        return ["no compendium lists the use"]
    if kind == "not stated":
        return ["the compendia are not stated"]
    return [_listed(choose, space) for _ in range(choose.number(1, 3))]


def _listed(choose: Choices, space: CaseSpace) -> str:
    name, ratings = choose.one(space.compendia)
    return _rated(name, choose.one(ratings))


def _letter(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return ["a letter of support is supplied"]


def _date(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [f"the date of service is {_day(choose, space).isoformat()}"]


def _member(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    # Born in 1900 at the earliest, the contract's first year.
    oldest = min(95, dt.date.fromisoformat(case["date_of_service"]).year - 1901)
    if oldest >= 0 and choose.flip():
        return [f"the member is {choose.number(0, oldest)} years old on the date of service"]
    return [f"the member was born on {_day(choose, space).isoformat()}"]


def _billing(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    pool = space.listed_hcpcs + space.unlisted_hcpcs
    codes: list[str] = []
    for _ in range(choose.number(1, min(3, len(pool)))):
        codes.append(choose.one([c for c in pool if c not in codes]))
    return [f"the drug is billed under {_listing(codes)}"]


def _drug(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [f"the drug requested is {choose.one(space.policy_drugs + space.other_drugs)}"]


Change = Callable[[Choices, Case, CaseSpace], list[str]]


def _changes(space: CaseSpace) -> tuple[tuple[Change, int], ...]:
    """Each kind of change with the odds against making it, in the order a scenario states them.

    The condition comes first, so that the pack's facts are drawn for the condition the request
    has, and the date of service before an age counted from it. Changes that take a request
    outside the policy are rarer, or most cases would be not-applicable.
    """
    own = tuple((_fact(group), group.odds) for group in space.facts)
    compendia = ((_compendia, 1),) if space.compendia else ()
    return (
        (_condition, 1),
        *own,
        *compendia,
        (_letter, 1),
        (_date, 3),
        (_member, 1),
        (_billing, 3),
        (_drug, 7),
    )


@st.composite
def _drawn(draw: Callable[[st.SearchStrategy[Any]], Any], space: CaseSpace) -> Request:
    return compose(space, HypothesisChoices(draw))


def requests(space: CaseSpace) -> st.SearchStrategy[Request]:
    """Well-formed requests of ``space``, drawn and shrunk by Hypothesis."""
    return _drawn(space)


def compose(space: CaseSpace, choose: Choices) -> Request:
    """One well-formed request of ``space``; a case that breaks the contract is a KitError."""
    return composed(space, choose)[0]


def composed(space: CaseSpace, choose: Choices) -> tuple[Request, Case]:
    """One well-formed request of ``space`` and its case (with the case id ``drawn``).

    A drawn change whose steps would make the case break the contract (its pack's facts schema
    included: "not a cancer" beside a leukemia's code, say) is not taken: the case stays as it
    was and the draw goes on. The same choices always make the same request.
    """
    fixture = choose.one(space.fixtures)
    case = _start(space.pack, fixture.describes, "drawn")
    steps: list[str] = []
    for change, odds in _changes(space):
        # Zero leaves the fact as the fixture has it: Hypothesis shrinks towards fewer changes.
        if choose.number(0, odds) != odds:
            continue
        drawn = change(choose, case, space)
        if not drawn:
            continue
        before = copy.deepcopy(case)
        for step in drawn:
            _give(case, step)
        if conforms(case):
            steps.extend(drawn)
        else:
            case = before
    extras: list[Extra] = []
    if choose.flip():
        extras.append(Extra(("drug", "units"), choose.number(1, 200)))
    if choose.flip():
        extras.append(Extra(("documentation",), [{"kind": choose.one(_OTHER_DOCUMENTS)}]))
    for extra in extras:
        extra.apply(case)
    problems = contract.violations("case", case)
    if problems:
        raise KitError(
            "conformance fuzz drew a case that breaks the contract (a defect in the kit's case "
            f"space): {'; '.join(map(str, problems))}; steps: {steps}"
        )
    return Request(fixture.describes, tuple(steps), tuple(extras), space.pack), case


def conforms(case: Case) -> bool:
    """Whether ``case`` keeps the contract, its pack's facts schema included."""
    return not contract.violations("case", case)


def given(case: Case, step: str) -> None:
    """Change ``case`` by one Given step in a pack's phrases; a KitError if none binds it."""
    _give(case, step)
