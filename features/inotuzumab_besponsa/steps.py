"""The Inotuzumab (Besponsa) pack's own phrases: CD22 expression and the FDA labeling evidence.

Loaded by the kit from the pack's folder (see ``policy_conformance.phrases``); the phrases every
policy shares are in ``policy_conformance.steps``.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from policy_conformance.steps.language import SIGNS, term

Case = dict[str, Any]


def _evidence(case: Case) -> dict[str, Any]:
    evidence: dict[str, Any] = case.setdefault("evidence", {})
    return evidence


@given(parsers.parse("the leukemic blasts are CD22-{sign}"))
def _(case: Case, sign: str) -> None:
    case["clinical"]["cd22_positive"] = term(SIGNS, sign, "CD22 status") == "positive"



@given("the use is within FDA labeling on the date of service, with clinical benefit established")
def _(case: Case) -> None:
    _evidence(case)["fda_labeling"] = {"within_label": True, "clinical_benefit_established": True}


@given(
    "the use is within FDA labeling on the date of service, but clinical benefit is not established"
)
def _(case: Case) -> None:
    _evidence(case)["fda_labeling"] = {"within_label": True, "clinical_benefit_established": False}


@given("the use is within FDA labeling on the date of service, and clinical benefit is not stated")
def _(case: Case) -> None:
    _evidence(case)["fda_labeling"] = {"within_label": True}


@given("the use is not within FDA labeling on the date of service")
def _(case: Case) -> None:
    _evidence(case)["fda_labeling"] = {"within_label": False}


@given("FDA labeling is not stated")
def _(case: Case) -> None:
    _evidence(case).pop("fda_labeling", None)
