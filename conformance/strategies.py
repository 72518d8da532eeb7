"""The case space of a pack, as Hypothesis strategies that draw well-formed requests.

A request is drawn the way a scenario writes one: a fixture ("a request for ..."), then Given
steps in the pack's own phrases, each changing one fact. The case is built by running those very
steps, so the scenario ``conformance fuzz`` prints sends exactly the case it found. Values come
from the pack's ``case_space.yaml`` (real codes, listed and unlisted; dates on both sides of every
line the policy draws; every compendium rating) and from its fixtures. Hypothesis shrinks a drawn
request towards its first fixture and fewer steps: a minimal disagreement is a short scenario.

A few facts have no step (the billing units, documents other than a letter of support); they are
drawn as *extras*, applied to the case directly and shown as comments when a scenario is written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

from policy_conformance import contract

from .bdd_private import given_step
from .errors import KitError
from .packs import Fixture, display, load_fixtures, load_packs, pack_named, read_kit_file
from .phrases import step_modules

__all__ = [
    "STEP_MODULES",
    "CaseSpace",
    "Choices",
    "Extra",
    "HypothesisChoices",
    "Request",
    "SeededChoices",
    "build_case",
    "case_space",
    "compose",
    "composed",
    "requests",
]

#: The modules that define the shared Given steps a request is written in; each pack's own
#: phrases (``features/<pack>/steps.py``) are added to them.
STEP_MODULES = ("policy_conformance.steps.requests",)

_ALL_DISEASE = "acute lymphoblastic leukemia"
_LINEAGES = ("b-cell precursor", "t-cell", "mixed phenotype")
_STATUSES = ("relapsed", "refractory", "newly diagnosed", "in remission")
_FDA_LABELING = (
    "the use is within FDA labeling on the date of service, with clinical benefit established",
    "the use is within FDA labeling on the date of service, but clinical benefit is not "
    "established",
    "the use is within FDA labeling on the date of service, and clinical benefit is not stated",
    "the use is not within FDA labeling on the date of service",
    "FDA labeling is not stated",
)
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
class CaseSpace:
    """What one pack's requests may carry (``features/<pack>/case_space.yaml``)."""

    pack: str
    fixtures: tuple[Fixture, ...]
    listed_hcpcs: tuple[str, ...]
    unlisted_hcpcs: tuple[str, ...]
    all_codes: tuple[str, ...]
    other_diagnoses: tuple[tuple[str, str], ...]
    secondary_codes: tuple[str, ...]
    policy_drugs: tuple[str, ...]
    other_drugs: tuple[str, ...]
    windows: tuple[dt.date, ...]
    boundaries: tuple[dt.date, ...]
    compendia: tuple[tuple[str, tuple[str, ...]], ...]

    def __repr__(self) -> str:
        return f"case_space({self.pack!r})"

    def window_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the code window ``day`` falls in."""
        starts = [start for start in self.windows if start <= day]
        start = starts[-1] if starts else dt.date(1900, 1, 1)
        later = [s for s in self.windows if s > day]
        end = later[0] - dt.timedelta(days=1) if later else dt.date(2199, 12, 31)
        return start, end


@cache
def case_space(pack_id: str) -> CaseSpace:
    """The case space of ``pack_id``, read from its ``case_space.yaml``; a KitError if unusable."""
    import yaml

    path = pack_named(pack_id).directory / "case_space.yaml"
    if not path.exists():
        raise KitError(
            f"pack {pack_id} has no case space ({display(path)}): conformance fuzz draws "
            "requests from it"
        )
    text, problem = read_kit_file(path)
    if problem is not None or text is None:
        raise KitError(str(problem) if problem else f"{path}: cannot be read")
    try:
        data = yaml.safe_load(text)
        fixtures = tuple(
            sorted(
                load_fixtures(pack_named(pack_id)).values(),
                key=lambda f: f.name,
            )
        )
        return CaseSpace(
            pack=pack_id,
            fixtures=fixtures,
            listed_hcpcs=tuple(data["hcpcs"]["listed"]),
            unlisted_hcpcs=tuple(data["hcpcs"]["unlisted"]),
            all_codes=tuple(data["diagnoses"]["all"]),
            other_diagnoses=tuple((d["code"], d["disease"]) for d in data["diagnoses"]["other"]),
            secondary_codes=tuple(data["diagnoses"]["secondary"]),
            policy_drugs=tuple(data["drugs"]["policy"]),
            other_drugs=tuple(data["drugs"]["other"]),
            windows=tuple(dt.date.fromisoformat(d) for d in data["dates"]["windows"]),
            boundaries=tuple(dt.date.fromisoformat(d) for d in data["dates"]["boundaries"]),
            compendia=tuple((name, tuple(r)) for name, r in data["compendia"].items()),
        )
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise KitError(f"{path}: not a case space ({type(exc).__name__}: {exc})") from None


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
def _bound(step: str) -> tuple[Callable[..., Any], dict[str, Any]]:
    # Drawn steps repeat a small vocabulary: matching each text against every step once is enough.
    found = given_step((*STEP_MODULES, *step_modules(load_packs())), step)
    if found is None:
        raise KitError(f"conformance fuzz wrote a step no Given step binds: {step!r}")
    return found


def _listing(text: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": the lists the steps read."""
    items = list(text)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _is_all(case: Case, space: CaseSpace) -> bool:
    return any(code in space.all_codes for code in case["diagnosis_codes"])


def _day(choose: Choices, space: CaseSpace) -> dt.date:
    kind = choose.number(0, 2)
    if kind == 0:
        return choose.one(space.boundaries)
    if kind == 1:
        return choose.day(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
    return choose.day(dt.date(1900, 1, 1), dt.date(2199, 12, 31))


class Choices(Protocol):
    """Where choices come from: Hypothesis (to shrink) or a seeded generator (to search)."""

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

    Hypothesis spends milliseconds a case on bookkeeping that only shrinking needs; a search of
    ten thousand cases draws here and hands each disagreement to Hypothesis to shrink.
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
    kind = choose.one(("all", "other", "all-by-code", "two-codes"))
    if kind == "all":
        code = choose.one(space.all_codes)
        return [f"the condition treated is {_ALL_DISEASE}, coded {code}"]
    if kind == "other":
        code, disease = choose.one(space.other_diagnoses)
        return [f"the condition treated is {disease.replace('-', ' ')}, coded {code}"]
    if kind == "all-by-code":
        code = choose.one(space.all_codes)
        return [f"the diagnosis is coded {code}", "the disease is not stated"]
    # A second code beside the first, on either side: a secondary code, or (for ALL) another
    # ALL code, which may contradict the stated status.
    primary = case["diagnosis_codes"][0]
    pool = space.secondary_codes + (space.all_codes if primary in space.all_codes else ())
    second = choose.one([c for c in pool if c != primary])
    codes = [primary, second] if choose.flip() else [second, primary]
    return [f"the diagnosis is coded {_listing(codes)}"]


def _cancer(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    choices = [
        "the condition is a cancer",
        "whether the condition is a cancer is not stated",
        "the condition is not a cancer",
    ]
    # ALL is a cancer: a request coded as ALL that says otherwise is malformed (all-is-a-cancer).
    return [choose.one(choices[:2] if _is_all(case, space) else choices)]


def _lineage(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [f"the leukemia is of {choose.one(_LINEAGES)} lineage"]


def _status(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [f"the disease status is {choose.one((*_STATUSES, 'not stated'))}"]


def _markers(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    steps = []
    if choose.flip():
        steps.append(f"the leukemic blasts are CD22-{choose.one(('positive', 'negative'))}")
    if choose.flip():
        sign = choose.one(("positive", "negative"))
        steps.append(f"the leukemia is Philadelphia chromosome-{sign}")
    return steps


def _labeling(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [choose.one(_FDA_LABELING)]


def _compendia(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    kind = choose.one(("listings", "none", "not stated", "no evidence"))
    if kind == "none":
        return ["no compendium lists the use"]
    if kind == "not stated":
        return ["the compendia are not stated"]
    if kind == "no evidence":
        return ["the request says nothing about FDA labeling or compendia"]
    steps = []
    for _ in range(choose.number(1, 3)):
        name, ratings = choose.one(space.compendia)
        steps.append(f"{name} rates the use {choose.one(ratings)}")
    return steps


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
    for _ in range(choose.number(1, 3)):
        codes.append(choose.one([c for c in pool if c not in codes]))
    return [f"the drug is billed under {_listing(codes)}"]


def _drug(choose: Choices, case: Case, space: CaseSpace) -> list[str]:
    return [f"the drug requested is {choose.one(space.policy_drugs + space.other_drugs)}"]


#: Each kind of change with the odds against making it, in the order a scenario states them.
#: The condition comes before whether it is a cancer, and the date of service before an age
#: counted from it. Changes that take a request outside the policy are rarer, or most cases
#: would be not-applicable.
_CHANGES: tuple[tuple[Callable[[Choices, Case, CaseSpace], list[str]], int], ...] = (
    (_condition, 1),
    (_cancer, 1),
    (_lineage, 1),
    (_status, 1),
    (_markers, 1),
    (_labeling, 1),
    (_compendia, 1),
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
    """One well-formed request of ``space`` and its case (with the case id ``drawn``)."""
    fixture = choose.one(space.fixtures)
    case = _start(space.pack, fixture.describes, "drawn")
    steps: list[str] = []
    for change, odds in _CHANGES:
        # Zero leaves the fact as the fixture has it: Hypothesis shrinks towards fewer changes.
        if choose.number(0, odds) == odds:
            for step in change(choose, case, space):
                _give(case, step)
                steps.append(step)
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
