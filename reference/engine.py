"""The reference engine: every pack's policy, found by the pack id, behind one ``decide``.

``decide(case) -> dict`` answers with a decision or a rejection, as plain JSON data, and never
raises. A case that breaks the contract (its envelope, or the facts schema of the policy it names)
is rejected here, once for every policy; a well-formed case goes to the subpackage named after
its policy (``reference/<pack id>/``), which exports ``POLICY`` and ``decide``. Adding a policy to
the reference is adding such a subpackage; nothing registers it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from policy_conformance.contract import CONTRACT_VERSION, violations

__all__ = ["ReferenceEngine", "answer", "decide", "metadata", "policies"]

Decide = Callable[[Mapping[str, Any]], dict[str, Any]]


@cache
def _policy_engines() -> dict[str, ModuleType]:
    engines: dict[str, ModuleType] = {}
    for found in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not found.ispkg:
            continue
        module = importlib.import_module(f"{__package__}.{found.name}")
        policy = getattr(module, "POLICY", None)
        if isinstance(policy, Mapping) and policy.get("id") == found.name:
            engines[found.name] = module
    # A pack kept outside the kit (``--packs DIR``) brings its reference in DIR/reference/<id>/,
    # as ``conformance new-pack`` writes it: the reference decides its policy too.
    for folder in _outside_references():
        if folder.name in engines:
            continue
        module = _load_outside(folder)
        policy = getattr(module, "POLICY", None)
        if isinstance(policy, Mapping) and policy.get("id") == folder.name:
            engines[folder.name] = module
    return engines


def _outside_references() -> list[Path]:
    # The pack roots the kit was given (``--packs`` sets the variable for the engines it starts).
    roots = [
        Path(part) for part in os.environ.get("CONFORMANCE_PACKS", "").split(os.pathsep) if part
    ]
    return [
        folder
        for root in roots
        if (root / "reference").is_dir()
        for folder in sorted((root / "reference").iterdir())
        if (folder / "__init__.py").is_file()
    ]


def _load_outside(folder: Path) -> ModuleType:
    name = f"{__package__}.{folder.name}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def policies() -> list[dict[str, str]]:
    """The policies the reference implements, each with the version it decides."""
    return [dict(module.POLICY) for _, module in sorted(_policy_engines().items())]


def metadata() -> dict[str, Any]:
    """What the reference engine says about itself."""
    return {
        "name": "policy-conformance reference engine",
        "version": "0.2.0",
        "contract_version": CONTRACT_VERSION,
        "policies": policies(),
    }


def answer(case: Any, decide_policy: Decide) -> dict[str, Any]:
    """The rejection of a malformed case, or ``decide_policy``'s decision of a well-formed one.

    The mutant galleries use it too, so that a deliberately wrong engine is wrong in its
    decisions only, never in what it rejects.
    """
    rejection = _reject(case)
    if rejection is not None:
        return rejection
    return decide_policy(case)


def decide(case: Any) -> dict[str, Any]:
    """Answer one case with a decision, or with a rejection when the case breaks the contract."""
    return answer(case, _decide_by_policy)


def _decide_by_policy(case: Mapping[str, Any]) -> dict[str, Any]:
    engine = _policy_engines().get(case["policy_id"])
    if engine is None:
        known = ", ".join(sorted(_policy_engines()))
        return {
            "case_id": case["case_id"],
            "errors": [
                {
                    "path": "/policy_id",
                    "message": f"this engine implements {known}, not {case['policy_id']}",
                }
            ],
        }
    decision: dict[str, Any] = engine.decide(case)
    return decision


class ReferenceEngine:
    """The reference engine as an object, for adapters that want ``decide`` and ``metadata``."""

    def metadata(self) -> dict[str, Any]:
        return metadata()

    def decide(self, case: Any) -> dict[str, Any]:
        return decide(case)


def _reject(case: Any) -> dict[str, Any] | None:
    try:
        problems = [{"path": v.path, "message": v.message} for v in violations("case", case)]
    except Exception as exc:
        # The schema library is built for JSON values; something JSON cannot carry (or nests too
        # deep to describe) is malformed by definition, and the promise is never to raise.
        problems = [{"path": "", "message": f"the case cannot be read as JSON data: {exc!r}"}]
    if not problems:
        return None
    rejection: dict[str, Any] = {"errors": problems}
    if isinstance(case, dict):
        case_id = case.get("case_id")
        if isinstance(case_id, str) and case_id:
            rejection = {"case_id": case_id, **rejection}
    return rejection
