"""`conformance lint` passes on the kit and names file and line for each kind of defect."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_conformance.packs import load_packs
from tests.kit import conformance, copy_of_packs, edit

pytestmark = pytest.mark.slow

COVERED = "features/inotuzumab_besponsa/covered.feature"
RECORDS = "features/inotuzumab_besponsa/records.feature"
CATALOGUE = "features/inotuzumab_besponsa/clauses.yaml"


def test_the_kit_is_clean() -> None:
    run = conformance("lint")
    assert run.code == 0, run.out + run.err
    packs = load_packs()
    clauses = sum(len(pack.clauses) for pack in packs)
    assert len(packs) >= 3
    assert f"conformance lint: ok ({len(packs)} packs, {clauses} clauses)" in run.out


@pytest.mark.parametrize(
    ("relative", "old", "new", "problem"),
    [
        (
            COVERED,
            "      When the engine decides the request\n      Then the request is covered\n",
            "      When the engine adjudicates the request\n      Then the request is covered\n",
            "covered.feature:15: step is not bound to any step definition: "
            "When the engine adjudicates",
        ),
        (
            COVERED,
            "Given a request for an adult with refractory B-cell precursor ALL",
            "Given a request for an adult with smouldering ALL",
            "covered.feature:22: no fixture describes 'an adult with smouldering ALL'",
        ),
        (
            COVERED,
            "Scenario: An adult with refractory B-cell precursor ALL is covered",
            "Scenario: An adult with relapsed B-cell precursor ALL is covered",
            "scenario name 'An adult with relapsed B-cell precursor ALL is covered' "
            "is used 2 times",
        ),
        (
            COVERED,
            "  @clause:INO-FDA-LABEL\n",
            "  @clause:INO-FDA-LABELS\n",
            "names clause INO-FDA-LABELS, which is not in clauses.yaml",
        ),
        (
            COVERED,
            "    @applies @reading:cd22-status\n",
            "    @reading:cd22-status\n",
            "covered.feature:51: scenario 'Relapsed B-cell precursor ALL with CD22-negative "
            "blasts is "
            "covered' must be tagged either @applies or @near-miss",
        ),
        (
            COVERED,
            "@reading:cd22-status",
            "@reading:cd22-negative",
            "names reading cd22-negative, which is not in clauses.yaml",
        ),
        (
            RECORDS,
            "@near-miss",
            "@applies",
            "clauses.yaml: clause INO-RECORDS has no @near-miss scenario",
        ),
        (
            CATALOGUE,
            "  - id: cd22-status\n",
            "  - id: cd22-expression\n",
            "clauses.yaml: reading cd22-expression is confirmed by no scenario",
        ),
        (
            CATALOGUE,
            "  - id: cd22-status\n    clauses: [INO-RR-BALL]\n",
            "  - id: cd22-status\n    clauses: [INO-FDA-LABEL]\n",
            "covered.feature:51: scenario 'Relapsed B-cell precursor ALL with CD22-negative "
            "blasts is covered' confirms reading cd22-status under clause INO-RR-BALL, which the "
            "reading's clauses in clauses.yaml do not list (INO-FDA-LABEL)",
        ),
        (
            COVERED,
            "      Given a request for an adult with refractory B-cell precursor ALL\n",
            "      Given a request for an adult with refractory B-cell precursor ALL\n"
            "      And the member is 9 years old on the date of service\n",
            "covered.feature:23: scenario 'An adult with refractory B-cell precursor ALL is "
            "covered': step 'the member is 9 years old on the date of service' overrides the "
            "member's age group, which 'Given a request for an adult with refractory B-cell "
            "precursor ALL' states",
        ),
        (
            COVERED,
            "      Given a request for an adult with relapsed B-cell precursor ALL\n",
            "      Given a request for an adult with relapsed B-cell precursor ALL\n"
            "      And the disease status is not stated\n",
            "covered.feature:15: scenario 'An adult with relapsed B-cell precursor ALL is "
            "covered': step 'the disease status is not stated' overrides disease status",
        ),
        (
            COVERED,
            "      Given a request for an adult with relapsed B-cell precursor ALL\n",
            "      Given a request for an adult with relapsed B-cell precursor ALL\n"
            "      And the leukemia is Philadelphia chromosome-positive\n"
            "      And the leukemia is Philadelphia chromosome-negative\n",
            "covered.feature:16: scenario 'An adult with relapsed B-cell precursor ALL is "
            "covered': step 'the leukemia is Philadelphia chromosome-negative' overrides "
            "philadelphia chromosome, which the step at line 15 ('the leukemia is Philadelphia "
            "chromosome-positive') states",
        ),
        (
            "fixtures/blincyto_qualchoice_bi477/contract-pended.yaml",
            "describes: a case the policy pends for more information",
            "describes: a case the policy pends",
            "contract.feature:114: no fixture of pack blincyto_qualchoice_bi477 describes "
            "'a case the policy pends for more information'",
        ),
        (
            "fixtures/inotuzumab_besponsa/adult-relapsed-dlbcl.yaml",
            "units: 12",
            "units: twelve",
            "adult-relapsed-dlbcl.yaml: case at /drug/units: 'twelve' is not of type 'integer'",
        ),
    ],
)
def test_each_defect_is_named_with_file_and_line(
    tmp_path: Path, relative: str, old: str, new: str, problem: str
) -> None:
    root = copy_of_packs(tmp_path)
    edit(root, relative, old, new, count=1 if old != "@near-miss" else -1)
    run = conformance("lint", kit_root=root)
    assert run.code == 1, run.out + run.err
    assert problem in run.out, run.out
    assert "Traceback" not in run.out + run.err
