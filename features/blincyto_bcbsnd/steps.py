"""Given steps that only the BCBS North Dakota Blinatumomab (Blincyto) pack needs.

Each changes one of the pack's own facts in the words of the policy: CD19 expression, minimal
residual disease, which complete remission, and the phase of chemotherapy the drug is given in.
A fact can be withdrawn ("... is not stated"): the kit reads an absent fact as one the requester
did not supply. The wording names CD19, blinatumomab or the remission, so that no phrase can be
mistaken for a shared step or another pack's.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from policy_conformance.errors import KitError

Case = dict[str, Any]

#: "third", "fourth" and beyond are all the same value: a remission after the second.
_REMISSIONS = {
    "first": "first",
    "second": "second",
    "third": "later",
    "fourth": "later",
    "fifth": "later",
}
_PHASES = ("induction", "consolidation", "maintenance")


@given("the leukemic blasts express CD19")
def _(case: Case) -> None:
    case["clinical"]["cd19_positive"] = True


@given("the leukemic blasts do not express CD19")
def _(case: Case) -> None:
    case["clinical"]["cd19_positive"] = False


@given("whether the leukemic blasts express CD19 is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("cd19_positive", None)


@given(parsers.parse("minimal residual disease measures {percent}%"))
def _(case: Case, percent: str) -> None:
    try:
        value = float(percent.strip())
    except ValueError:
        raise KitError(f"{percent!r} in a feature is not a percentage (write e.g. 0.1%)") from None
    case["clinical"]["mrd_percent"] = value


@given("no minimal residual disease result is given")
def _(case: Case) -> None:
    case["clinical"].pop("mrd_percent", None)


@given(parsers.parse("the leukemia is in its {ordinal} complete remission"))
def _(case: Case, ordinal: str) -> None:
    key = ordinal.strip().lower()
    if key not in _REMISSIONS:
        known = ", ".join(repr(k) for k in _REMISSIONS)
        raise KitError(f"unknown remission {ordinal!r} in a feature; known: {known}")
    # A complete remission is a remission: the status goes with it.
    case["clinical"]["disease_status"] = "in-remission"
    case["clinical"]["complete_remission"] = _REMISSIONS[key]


@given("which complete remission the leukemia is in is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("complete_remission", None)


@given(parsers.parse("blinatumomab is given in the {phase} phase of multiphase chemotherapy"))
def _(case: Case, phase: str) -> None:
    key = phase.strip().lower()
    if key not in _PHASES:
        raise KitError(f"unknown phase {phase!r} in a feature; known: {', '.join(_PHASES)}")
    case["clinical"]["therapy_phase"] = key


@given("blinatumomab is given outside multiphase chemotherapy")
def _(case: Case) -> None:
    case["clinical"]["therapy_phase"] = "not-multiphase-chemotherapy"


@given("the phase of chemotherapy is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("therapy_phase", None)
