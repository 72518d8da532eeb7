"""Given steps: a request, started from a named fixture and changed fact by fact.

Each step changes one fact of the case in the policy's own words. A fact can also be withdrawn
("... is not stated"): the contract reads an absent fact as one the requester did not supply.
These are the phrases every policy shares: the envelope of a request and the shared facts of
``contract/facts.schema.json``. A pack's own facts have their phrases in its folder
(``features/<pack>/steps.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from pytest_bdd import given, parsers

from policy_conformance.bdd_private import template_of
from policy_conformance.collection import REQUESTS_PACK, pack_of
from policy_conformance.errors import KitError
from policy_conformance.packs import Pack, fixture_for, load_packs, pack_named, request_packs

from .language import COMPENDIA, LINEAGES, SIGNS, STATUSES, phrase_list, term

Case = dict[str, Any]


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise KitError(f"{text!r} in a feature is not a date (write YYYY-MM-DD)") from None


def _evidence(case: Case) -> dict[str, Any]:
    evidence: dict[str, Any] = case.setdefault("evidence", {})
    return evidence


# -- the request -----------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each scenario of a contract pack once with the requests of every policy pack it
    starts from, so that no engine is held to the contract on another policy's cases only."""
    if REQUESTS_PACK not in metafunc.fixturenames:
        return
    template = template_of(metafunc.definition)
    if template is None:
        return
    pack = pack_named(pack_of(template))
    if pack.kind == "policy":
        return
    sources = request_packs(pack, load_packs())
    metafunc.parametrize(REQUESTS_PACK, sources, ids=sources)


@pytest.fixture
def requests_pack(request: pytest.FixtureRequest) -> str:
    """The policy pack the scenario's requests come from: its own pack, unless parametrised."""
    template = template_of(request.node)
    if template is None:
        raise KitError(f"{request.node.nodeid} is no scenario of a pack")
    return pack_of(template)


@pytest.fixture
def pack(request: pytest.FixtureRequest, requests_pack: str) -> Pack:
    """The pack of the scenario being run: its fixtures and its words for missing facts.

    A contract scenario's pack is the contract pack with the requests of the policy pack it
    runs with, so its fixtures, missing facts and policy are that pack's.
    """
    template = template_of(request.node)
    if template is None:
        raise KitError(f"{request.node.nodeid} is no scenario of a pack")
    pack = pack_named(pack_of(template))
    if pack.kind == "policy":
        return pack
    return dataclasses.replace(pack, requests_from=requests_pack)


@given(parsers.parse("a request for {describes}"), target_fixture="case")
def _(describes: str, case_id: str, pack: Pack) -> Case:
    case = fixture_for(pack, describes).fresh_case()
    # Every scenario sends its own case id, so an engine cannot answer from a cache keyed by id.
    case["case_id"] = case_id
    return case


@given(parsers.parse("the date of service is {date}"))
def _(case: Case, date: str) -> None:
    case["date_of_service"] = _date(date)


@given(parsers.parse("the drug is billed under {codes}"))
def _(case: Case, codes: str) -> None:
    case["drug"]["hcpcs_codes"] = phrase_list(codes)


@given(parsers.parse("the drug requested is {name}"))
def _(case: Case, name: str) -> None:
    case["drug"]["name"] = name.strip().lower()


@given(parsers.parse("the member was born on {date}"))
def _(case: Case, date: str) -> None:
    case["member"]["birth_date"] = _date(date)


@given(parsers.parse("the member is {years:d} years old on the date of service"))
def _(case: Case, years: int) -> None:
    service = dt.date.fromisoformat(case["date_of_service"])
    # Born the day after the anniversary `years + 1` ago: exactly `years` old, on any date.
    anniversary = _years_before(service, years + 1)
    case["member"]["birth_date"] = (anniversary + dt.timedelta(days=1)).isoformat()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


# -- the diagnosis ---------------------------------------------------------------------------


@given(parsers.parse("the diagnosis is coded {codes}"))
def _(case: Case, codes: str) -> None:
    case["diagnosis_codes"] = phrase_list(codes)


@given(parsers.parse("the condition treated is {disease}, coded {code}"))
def _(case: Case, disease: str, code: str) -> None:
    case["clinical"]["disease"] = "-".join(disease.lower().split())
    case["diagnosis_codes"] = [code.strip()]


@given("the condition is a cancer")
def _(case: Case) -> None:
    case["clinical"]["cancer"] = True


@given("the condition is not a cancer")
def _(case: Case) -> None:
    case["clinical"]["cancer"] = False


@given("whether the condition is a cancer is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("cancer", None)


@given("the disease is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("disease", None)


@given(parsers.parse("the leukemia is of {lineage} lineage"))
def _(case: Case, lineage: str) -> None:
    case["clinical"]["lineage"] = term(LINEAGES, lineage, "lineage")


@given(parsers.parse("the disease status is {status}"))
def _(case: Case, status: str) -> None:
    if status.strip() == "not stated":
        case["clinical"].pop("disease_status", None)
    else:
        case["clinical"]["disease_status"] = term(STATUSES, status, "disease status")


@given(parsers.parse("the leukemia is Philadelphia chromosome-{sign}"))
def _(case: Case, sign: str) -> None:
    case["clinical"]["philadelphia_chromosome"] = term(SIGNS, sign, "Philadelphia status")


@given("the Philadelphia chromosome status is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("philadelphia_chromosome", None)


@given("the lineage is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("lineage", None)


# -- the evidence for a use beyond the primary indication ------------------------------------


@given(parsers.parse("{compendium} rates the use {rating}"))
def _(case: Case, compendium: str, rating: str) -> None:
    name, scale = COMPENDIA.get(" ".join(compendium.lower().split()), ("", ""))
    if not name:
        raise KitError(
            f"unknown compendium {compendium!r} in a feature; known: {', '.join(COMPENDIA)}"
        )
    # "category 2A", "class IIa", "evidence level A": the scale's word goes, the rating stays;
    # a narrative's "not supportive" is the contract's "not-supportive".
    value = " ".join(rating.split())
    if scale and value.lower().startswith(scale):
        value = value[len(scale) :].strip()
    value = value.replace(" ", "-")
    listings: list[dict[str, str]] = _evidence(case).setdefault("compendia", [])
    listings.append({"compendium": name, "rating": value})


@given("no compendium lists the use")
def _(case: Case) -> None:
    _evidence(case)["compendia"] = []


@given("the compendia are not stated")
def _(case: Case) -> None:
    _evidence(case).pop("compendia", None)


@given("the request says nothing about FDA labeling or compendia")
def _(case: Case) -> None:
    case.pop("evidence", None)


# -- documentation ---------------------------------------------------------------------------


@given("a letter of support is supplied")
def _(case: Case) -> None:
    case.setdefault("documentation", []).append(
        {"kind": "letter-of-support", "description": "letter from the treating oncologist"}
    )
