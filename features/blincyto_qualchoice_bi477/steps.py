"""Given steps only the Blincyto (Blinatumomab) BI477 pack needs: refractoriness to TKI therapy.

The policy's second criterion asks whether Philadelphia chromosome-positive disease has proved
refractory to tyrosine kinase inhibitor therapy; the request states it as its own fact, or
leaves it out (reading tki-refractory-stated).
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given

Case = dict[str, Any]


@given("the disease has proved refractory to tyrosine kinase inhibitor therapy")
def _(case: Case) -> None:
    case["clinical"]["tki_refractory"] = True


@given("the disease has not proved refractory to tyrosine kinase inhibitor therapy")
def _(case: Case) -> None:
    case["clinical"]["tki_refractory"] = False


@given("whether the disease is refractory to tyrosine kinase inhibitor therapy is not stated")
def _(case: Case) -> None:
    case["clinical"].pop("tki_refractory", None)
