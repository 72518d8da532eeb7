"""The grading rules: one engine answer against what a scenario expects, field by field.

The same rules serve the Gherkin steps, a replayed corpus (``conformance replay``) and ``conformance
fuzz``, so that none of them can grade differently. Every graded field is compared exactly: the kind
of reply, the outcome, the determination or its absence, the whole set of clauses cited, the whole
set of missing facts, the echoed case id and the policy named. Every answer of a scenario is graded,
the case sent again included, and a failure lists every field that differs, each with the answer it
was found in. Each failure is given one harm class (:func:`harm_class`), from what the feature
expects and what the engine answered alone. Nothing here knows pytest or pytest-bdd.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "ALWAYS_CHECKED",
    "CONTRACT_BREACH",
    "EXPECTED_FIELDS",
    "GRADED_FIELDS",
    "HARM_CLASSES",
    "HARM_WORDS",
    "REPEATABLE",
    "WRONG_APPROVAL",
    "WRONG_DENIAL",
    "WRONG_PEND",
    "WRONG_RATIONALE",
    "Answer",
    "Grade",
    "Mismatch",
    "answers_breaches",
    "differing_field",
    "differing_fields",
    "graded",
    "harm_class",
    "in_order",
    "mismatch",
    "reordered",
    "repeat_breaches",
    "repeat_case_id",
    "shown_answer",
    "worded",
    "worded_all",
]

JSONObject = dict[str, Any]

#: What a scenario may expect of an answer, in the order it is checked.
EXPECTED_FIELDS: Final = (
    "reply",
    "case_id",
    "policy",
    "outcome",
    "determination",
    "clauses",
    "clauses_within",
    "missing_facts",
)


#: The graded fields, in the order a difference is reported: the first that differs names it.
GRADED_FIELDS: Final = ("outcome", "determination", "clauses", "missing_facts", "policy")

#: How a failure names each field compared by equality.
_WORDS: Final = {
    "case_id": "case id",
    "policy": "policy",
    "outcome": "outcome",
    "determination": "determination",
    "clauses": "clauses cited (exactly)",
    "missing_facts": "missing facts",
}

#: Fields compared as sets: order never matters, and an absent list is an empty one.
_SETS: Final = frozenset({"clauses", "missing_facts"})


@dataclass(frozen=True)
class Mismatch:
    """A graded field on which the answer differs from the expectation."""

    what: str
    expected: object
    actual: object
    #: The field (one of :data:`EXPECTED_FIELDS` or :data:`GRADED_FIELDS`, or what a step names).
    field: str = ""
    #: The contract clause it breaks whatever the scenario; None for the scenario's own
    #: expectation.
    clause: str | None = None
    #: Which of the scenario's answers it was found in, counting from 1.
    answer: int = 1

    def line(self) -> str:
        """The mismatch as a failure says it (the HTML page of an older report parses this)."""
        return f"{self.what}: expected {self.expected!r}, engine answered {self.actual!r}"


@dataclass(frozen=True)
class Answer:
    """One case a scenario sent and the engine's reply to it."""

    case: JSONObject
    kind: str
    body: JSONObject


def mismatch(field: str, expected: Any, kind: str, body: JSONObject) -> Mismatch | None:
    """How ``body`` (a ``kind`` of reply: decision or rejection) misses ``expected`` on ``field``.

    ``None`` when it meets it. ``determination`` expects ``None`` when none may be made.
    """
    if field == "reply":
        if kind == expected:
            return None
        answered = f"a decision ({body.get('outcome')})" if kind == "decision" else "a rejection"
        return Mismatch("reply", f"a {expected}", answered, field)
    if kind != "decision":
        # A rejection has none of a decision's fields: only the kind of reply was wrong.
        return Mismatch("reply", "a decision", "a rejection", "reply")
    if field == "clauses_within":
        unknown = [clause for clause in body["clauses"] if clause not in set(expected)]
        return Mismatch("clauses not in any catalogue", [], unknown, field) if unknown else None
    if field in _WORDS:
        actual = body.get(field, [] if field in _SETS else None)
        if field in _SETS:
            actual, expected = sorted(actual or []), sorted(expected)
        return None if actual == expected else Mismatch(_WORDS[field], expected, actual, field)
    raise ValueError(f"no grading rule for {field!r}")


#: The contract clauses every decided scenario also checks, whatever its Then steps say.
ALWAYS_CHECKED: Final = ("CON-POLICY", "CON-ECHO-ID")


#: The clause a decided case answered differently the second or third time counts against.
REPEATABLE: Final = "CON-DETERMINISTIC"


def _breaches(
    case: JSONObject, decision: JSONObject, policy: dict[str, str | None] | None, answer: int
) -> list[Mismatch]:
    checks: list[tuple[str, str, Any]] = [("CON-ECHO-ID", "case_id", case.get("case_id"))]
    if policy is not None:
        checks.insert(0, ("CON-POLICY", "policy", policy))
    found = []
    for clause, name, expected in checks:
        wrong = mismatch(name, expected, "decision", decision)
        if wrong is not None:
            what = f"{clause}: {wrong.what}"
            found.append(Mismatch(what, wrong.expected, wrong.actual, name, clause, answer))
    return found


def answers_breaches(
    answers: Sequence[Answer], policy: dict[str, str | None] | None
) -> list[Mismatch]:
    """Every contract clause broken by the answers to one case sent several times, each with the
    answer it was found in.

    Every decision echoes the case id it was sent with and names ``policy`` (when given); every
    answer after the first is the same kind of reply as the first and, for decisions, agrees with
    it on every graded field. A rejection that echoes a case id echoes the one it was sent with.
    """
    found: list[Mismatch] = []
    first = answers[0] if answers else None
    for number, answer in enumerate(answers, 1):
        if answer.kind == "decision":
            found += _breaches(answer.case, answer.body, policy, number)
        elif "case_id" in answer.body and answer.body["case_id"] != answer.case.get("case_id"):
            what = "CON-ECHO-ID: case id of a rejection"
            expected, actual = answer.case.get("case_id"), answer.body["case_id"]
            found.append(Mismatch(what, expected, actual, "case_id", "CON-ECHO-ID", number))
        if first is None or number == 1:
            continue
        if answer.kind != first.kind:
            what = f"{REPEATABLE}: the kind of reply when sent again"
            found.append(
                Mismatch(what, f"a {first.kind}", f"a {answer.kind}", "reply", REPEATABLE, number)
            )
        elif answer.kind == "decision":
            found += repeat_breaches(first.body, answer.body, number)
    return found


def repeat_breaches(first: JSONObject, again: JSONObject, answer: int) -> list[Mismatch]:
    """Every graded field in which decision ``again`` (the scenario's answer number ``answer``)
    differs from ``first``, the same case's first decision: each breaks CON-DETERMINISTIC."""
    before, now = graded(first), graded(again)
    return [
        Mismatch(
            f"{REPEATABLE}: {_WORDS[name]} when decided again",
            before[name],
            now[name],
            name,
            REPEATABLE,
            answer,
        )
        for name in differing_fields(first, again)
    ]


def graded(decision: JSONObject) -> dict[str, Any]:
    """The fields the kit grades, in a form that compares equal when they agree.

    The rationale and extensions are free text for people; the case id is compared on its own.
    """
    return {
        "policy": decision["policy"],
        "outcome": decision["outcome"],
        "determination": decision.get("determination"),
        "clauses": sorted(decision["clauses"]),
        "missing_facts": sorted(decision.get("missing_facts", [])),
    }


def differing_fields(one: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Every graded field in which two decisions differ, in :data:`GRADED_FIELDS` order."""
    first, second = graded(one), graded(other)
    return [name for name in GRADED_FIELDS if first[name] != second[name]]


def differing_field(one: dict[str, Any], other: dict[str, Any]) -> str | None:
    """The first graded field in which two decisions differ, or None when they agree."""
    differing = differing_fields(one, other)
    return differing[0] if differing else None


def reordered(value: Any) -> Any:
    """The same JSON value with the keys of every object in reverse order."""
    if isinstance(value, dict):
        return {key: reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


def repeat_case_id(case_id: str) -> str:
    """The case id under which a decided case is sent again, its keys reordered."""
    return f"{case_id}.again"


def worded(what: str, expected: object, actual: object, body: JSONObject) -> str:
    """A wrong field as a failure says it, then the whole answer (the HTML report reads this)."""
    return (
        f"{what}: expected {expected!r}, engine answered {actual!r}\n"
        f"decision for case {body.get('case_id')!r}: {json.dumps(body, sort_keys=True)}"
    )


def in_order(mismatches: Iterable[Mismatch]) -> list[Mismatch]:
    """Mismatches as a failure lists them: by answer, the scenario's own expectations first, and
    a field named twice for one answer (by the scenario and by a contract clause) once."""
    seen: set[tuple[int, str, str | None]] = set()
    kept = []
    ranked = sorted(enumerate(mismatches), key=lambda im: (im[1].answer, bool(im[1].clause), im[0]))
    for _, found in ranked:
        key = (found.answer, found.field or found.what, found.clause)
        if key in seen or (found.clause and (found.answer, found.field, None) in seen):
            continue
        seen.add(key)
        kept.append(found)
    return kept


def worded_all(mismatches: Sequence[Mismatch], answers: Sequence[Answer]) -> str:
    """Every mismatch as a failure says it, each answer they were found in after its own.

    ``answers`` are the scenario's answers in the order they were sent; the first answer with a
    mismatch is the one a report shows (see :func:`shown_answer`).
    """
    lines: list[str] = []
    ordered = in_order(mismatches)
    for number in sorted({m.answer for m in ordered}):
        lines += [m.line() for m in ordered if m.answer == number]
        if 1 <= number <= len(answers):
            answer = answers[number - 1]
            which = f"answer {number} of {len(answers)}, " if len(answers) > 1 else "answer "
            lines.append(
                f"{which}to case {answer.case.get('case_id')!r}: "
                + json.dumps(answer.body, sort_keys=True)
            )
    return "\n".join(lines)


def shown_answer(mismatches: Sequence[Mismatch]) -> int:
    """The answer a report shows for a failure: the first one a mismatch was found in."""
    return min((m.answer for m in mismatches), default=1)


@dataclass
class Grade:
    """One scenario's answers, in the order they were sent, and every mismatch found in them."""

    answers: list[Answer] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    #: The failure was raised already (by the scenario's last step).
    raised: bool = False

    @property
    def contract_broken(self) -> bool:
        """Whether a mismatch breaks a contract clause, whatever the scenario."""
        return any(m.clause for m in self.mismatches)

    @property
    def shown(self) -> Answer | None:
        """The answer a report shows: the first with a mismatch, else the first sent."""
        number = shown_answer(self.mismatches)
        return self.answers[number - 1] if 1 <= number <= len(self.answers) else None

    def message(self) -> str:
        return worded_all(self.mismatches, self.answers)


WRONG_APPROVAL: Final = "wrong-approval"
WRONG_DENIAL: Final = "wrong-denial"
WRONG_PEND: Final = "wrong-pend"
WRONG_RATIONALE: Final = "wrong-rationale"
CONTRACT_BREACH: Final = "contract-breach"

#: The harm classes of a failed scenario, the patient's first: an approval the policy does not
#: give, a denial where it covers or would pend, a pend it would not make, the right outcome for
#: the wrong reasons, and an answer that breaks the contract.
HARM_CLASSES: Final = (WRONG_APPROVAL, WRONG_DENIAL, WRONG_PEND, WRONG_RATIONALE, CONTRACT_BREACH)

#: How reports name each harm class: singular and plural.
HARM_WORDS: Final = {
    WRONG_APPROVAL: ("wrong approval", "wrong approvals"),
    WRONG_DENIAL: ("wrong denial", "wrong denials"),
    WRONG_PEND: ("wrong pend", "wrong pends"),
    WRONG_RATIONALE: ("wrong rationale only", "wrong rationale only"),
    CONTRACT_BREACH: ("contract breach", "contract breaches"),
}

#: The outcomes that turn a request away under the policy: both refuse it, for different reasons.
_REFUSALS: Final = frozenset({"not-covered", "not-applicable"})

#: The fields that make a decision's rationale, beside its outcome.
_RATIONALE: Final = ("determination", "clauses", "missing_facts")


def harm_class(
    expected: dict[str, Any], kind: str | None, answer: JSONObject | None, *, contract_broken: bool
) -> str:
    """The harm class of a failed scenario, from what its feature expects and the answer graded.

    ``expected`` holds the scenario's expectations by field (see :data:`EXPECTED_FIELDS`), as the
    feature writes them, never as an engine computed them; ``kind`` and ``answer`` are the reply
    graded (None when the engine gave no readable one); ``contract_broken`` says that the answer
    broke a contract clause (its schema, the case id, the policy, repeatability).

    A wrong outcome is classed by the outcome given, whatever else is wrong: ``covered`` is a wrong
    approval, ``pended`` a wrong pend, and ``not-covered`` or ``not-applicable`` where the policy
    covers or would pend a wrong denial. One refusal for the other (``not-covered`` where the
    policy does not apply, or the reverse) turns the request away as the policy does, for the
    wrong reason: a wrong rationale. The right outcome with a wrong determination, clauses or
    missing facts is a wrong rationale only. Anything else (a contract clause broken, no readable
    decision, a scenario that expects no outcome) is a contract breach. The kind of adapter plays
    no part: every adapter's answers are contract decisions here.
    """
    wanted = expected.get("outcome")
    given = answer.get("outcome") if kind == "decision" and isinstance(answer, dict) else None
    if wanted is not None and given is not None and given != wanted:
        if given == "covered":
            return WRONG_APPROVAL
        if given == "pended":
            return WRONG_PEND
        if given in _REFUSALS and wanted in ("covered", "pended"):
            return WRONG_DENIAL
        if given in _REFUSALS and wanted in _REFUSALS and not contract_broken:
            return WRONG_RATIONALE
        return CONTRACT_BREACH
    if contract_broken or wanted is None or given is None or answer is None:
        return CONTRACT_BREACH
    rationale = [f for f in _RATIONALE if f in expected]
    if any(mismatch(f, expected[f], "decision", answer) is not None for f in rationale):
        return WRONG_RATIONALE
    return CONTRACT_BREACH
