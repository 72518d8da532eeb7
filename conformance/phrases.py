"""Each policy pack's own step phrases: ``features/<pack>/steps.py``, found by being there.

Shared phrases (a request, its dates and codes, the facts several policies share, the decision)
live in :mod:`policy_conformance.steps`. A policy that needs words of its own (CD22 expression,
minimal residual disease) defines them in its pack folder; this module imports that file under a
name of its own, so that pytest can load it as a plugin beside the shared steps, and lint can bind
the pack's features against it. Nothing registers a pack's phrases.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .errors import KitError
from .packs import Pack, display

__all__ = ["module_name", "step_modules"]

#: The package name under which every pack's phrases are imported.
_NAMESPACE = "policy_conformance_pack_steps"


def module_name(pack: Pack) -> str:
    return f"{_NAMESPACE}.{pack.id}"


def step_modules(packs: list[Pack]) -> list[str]:
    """Import each pack's phrases (once a process) and return their module names."""
    names = []
    for pack in packs:
        if pack.steps is None:
            continue
        name = module_name(pack)
        if name not in sys.modules:
            _import(name, pack.steps)
        names.append(name)
    return names


def _import(name: str, path: Path) -> None:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise KitError(f"{display(path)}: cannot be imported as the pack's step phrases")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise KitError(f"{display(path)}: the pack's step phrases fail to load: {exc}") from exc
