"""Which collected tests are the kit's scenarios, what they are called, and the run's filters.

``--clause`` and ``--scenario`` narrow the run; reports and baselines name a scenario by its stable
id (:func:`scenario_id`), and show its title with the Examples row of an outline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from . import paths
from .bdd_private import template_of
from .packs import display

__all__ = [
    "apply_tag",
    "clauses_of",
    "expectations",
    "feature_in_packs",
    "feature_of",
    "pack_of",
    "requests_pack_of",
    "scenario_id",
    "scenario_name",
    "select",
    "steps_run",
    "template_of",
]

#: Feature tags that carry an id a marker name cannot hold; kept as the marker's argument.
_TAG_MARKERS = {"clause:": "clause", "reading:": "reading", "pack:": "pack"}


#: The fixture that names the policy pack a scenario's requests come from; a contract pack's
#: scenarios are run once with each (see ``steps/requests.py``).
REQUESTS_PACK = "requests_pack"


def apply_tag(tag: str, function: Callable[..., object]) -> bool | None:
    for prefix, marker in _TAG_MARKERS.items():
        if tag.startswith(prefix):
            getattr(pytest.mark, marker)(tag[len(prefix) :])(function)
            if marker == "pack":
                pytest.mark.usefixtures(REQUESTS_PACK)(function)
            return True
    return None


def clauses_of(item: pytest.Item) -> list[str]:
    return sorted({m.args[0] for m in item.iter_markers("clause")})


def feature_of(template: Any) -> str:
    """The feature file as reports show it."""
    return _shown(template.feature.filename)


# Resolving a path costs system calls; a run has a handful of features and thousands of scenarios.
@cache
def _shown(filename: str) -> str:
    return display(Path(filename))


@cache
def _feature_key(filename: str) -> str:
    # Relative to the features/ folder of the pack root that holds it: "<pack>/<file>".
    path = Path(filename).resolve()
    for root in paths.pack_roots():
        try:
            return path.relative_to((root / "features").resolve()).as_posix()
        except ValueError:
            continue
    return f"{path.parent.name}/{path.name}"


def scenario_name(item: pytest.Item, template: Any) -> str:
    example = getattr(item, "callspec", None)
    return str(template.name) + (f" [{example.id}]" if example is not None else "")


def feature_in_packs(template: Any) -> str:
    """The feature file relative to its pack root's ``features/``, as reports and ids give it."""
    return _feature_key(template.feature.filename)


def pack_of(template: Any) -> str:
    """The pack a scenario belongs to: the folder of its feature below its root's ``features/``."""
    return feature_in_packs(template).partition("/")[0]


def requests_pack_of(item: pytest.Item, template: Any) -> str:
    """The policy pack whose requests the scenario runs with: its own pack's, or for a contract
    scenario the pack it was collected for."""
    example = getattr(item, "callspec", None)
    if example is not None and REQUESTS_PACK in example.params:
        return str(example.params[REQUESTS_PACK])
    return pack_of(template)


def steps_run(item: pytest.Item, template: Any) -> list[Any]:
    """The scenario's steps as they run: background included, an outline's row filled in."""
    example = getattr(item, "callspec", None)
    row = example.params.get("_pytest_bdd_example", {}) if example is not None else {}
    return list(template.render(row).steps)


def expectations(steps: list[Any]) -> list[str]:
    """The text of the Then steps (with the And and But steps that continue them)."""
    return [f"{step.keyword.strip()} {step.name}" for step in steps if step.type == "then"]


def scenario_id(pack: str, clause: str, steps: list[Any], requests: str | None = None) -> str:
    """A scenario's stable id: ``CLAUSE/`` and a hash of its pack, clause and steps as run.

    Derived from what the scenario does rather than what it is called, so renaming a title, or
    moving a scenario to another feature of its pack, keeps its id (and its baseline entry); a
    scenario whose steps change checks something else and gets a new id. A contract scenario
    run with another pack's ``requests`` is told apart by that pack.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps([pack, clause]).encode())
    if requests is not None and requests != pack:
        digest.update(json.dumps(["requests", requests]).encode())
    for step in steps:
        table = step.datatable.raw() if step.datatable is not None else None
        digest.update(json.dumps([step.type, step.name, step.docstring, table]).encode())
    return f"{clause}/{digest.hexdigest()[:16]}"


def select(
    items: list[pytest.Item], clauses: set[str], names: list[str], runs: dict[str, list[str]]
) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """The items to keep and to drop for the ``--clause``, ``--scenario`` and ``--pack`` filters.

    ``runs`` gives, for each pack, the policy packs whose requests its scenarios run with
    (:func:`~policy_conformance.packs.checked_requests`); a scenario of another is dropped.
    """
    wanted_names = [n.lower() for n in names]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        template = template_of(item)
        if template is None:
            keep.append(item)
            continue
        name = template.name.lower()
        ok = (
            (not clauses or bool(clauses & set(clauses_of(item))))
            and (not wanted_names or any(n in name for n in wanted_names))
            and requests_pack_of(item, template) in runs.get(pack_of(template), ())
        )
        (keep if ok else drop).append(item)
    return keep, drop
