"""`conformance lint` fails on vocabulary the suite never grades, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit import conformance, copy_of_packs, edit

pytestmark = pytest.mark.slow

CONTRACT = "features/contract/contract.feature"
COVERED = "features/inotuzumab_besponsa/covered.feature"
RECORDS = "features/inotuzumab_besponsa/records.feature"


@pytest.mark.parametrize(
    ("relative", "old", "new", "problem"),
    [
        (
            RECORDS,
            "      And whether the condition is a cancer is not stated\n",
            "",
            "steps/requests.py:",
        ),
        (
            RECORDS,
            "      And whether the condition is a cancer is not stated\n",
            "",
            "step phrase 'whether the condition is a cancer is not stated' is used by no scenario",
        ),
        (
            RECORDS,
            "      And FDA labeling is not stated\n",
            "",
            "inotuzumab_besponsa/steps.py:",
        ),
        (
            RECORDS,
            "the missing facts are clinical benefit",
            "the missing facts are compendia",
            "inotuzumab_besponsa/facts.schema.json: missing fact 'clinical-benefit' is expected "
            "by no scenario",
        ),
        (
            COVERED,
            "      And the decision rests on clause INO-RR-BALL\n",
            "",
            "covered.feature:13: scenario 'An adult with relapsed B-cell precursor ALL is "
            "covered' decides but does not state the exact clauses it rests on",
        ),
        (
            RECORDS,
            "      And the missing facts are lineage\n",
            "",
            "scenario 'Relapsed ALL whose lineage is not stated is pended for the lineage' "
            "decides but does not state the exact missing facts",
        ),
        (
            COVERED,
            "      And the determination is medically necessary\n",
            "",
            "decides but does not state the determination (or that none is made)",
        ),
    ],
)
def test_vocabulary_the_suite_never_grades_fails_lint(
    tmp_path: Path, relative: str, old: str, new: str, problem: str
) -> None:
    root = copy_of_packs(tmp_path)
    # A phrase that several scenarios use is taken out of all of them.
    everywhere = "missing facts are clinical" in old or "FDA labeling is not stated" in old
    edit(root, relative, old, new, count=-1 if everywhere else 1)
    run = conformance("lint", kit_root=root)
    assert run.code == 1, run.out + run.err
    assert problem in run.out, run.out
    assert "Traceback" not in run.out + run.err
