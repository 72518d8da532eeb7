"""Each policy pack's own step phrases: ``features/<pack>/steps.py``, found by being there.

Shared phrases (a request, its dates and codes, the facts several policies share, the decision)
live in :mod:`policy_conformance.steps`. A policy that needs words of its own (CD22 expression,
minimal residual disease) defines them in its pack folder. Each such file is importable as
``policy_conformance_pack_steps.<pack>``, so that pytest loads it as a plugin beside the shared
steps (importing it itself, as it does every plugin) and lint and fuzz bind the pack's features
against it. Nothing registers a pack's phrases.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .errors import KitError
from .packs import Pack, display

__all__ = ["NAMESPACE", "PhrasesError", "module_name", "step_modules"]

#: The package under which every pack's phrases are imported.
NAMESPACE = "policy_conformance_pack_steps"


class _PackPhrases(importlib.abc.MetaPathFinder):
    """Finds ``policy_conformance_pack_steps.<pack>`` at the pack's ``steps.py``."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == NAMESPACE:
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = []
            return spec
        file = self.files.get(fullname)
        if file is None:
            return None
        return importlib.util.spec_from_file_location(fullname, file)


_FINDER = _PackPhrases()


class PhrasesError(KitError):
    """A pack's ``steps.py`` that fails to load, with its path (lint reports it there)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{display(path)}: {problem}")
        self.path = path
        self.problem = problem


def module_name(pack: Pack) -> str:
    return f"{NAMESPACE}.{pack.id}"


def step_modules(packs: list[Pack], *, load: bool = True) -> list[str]:
    """The module names of the packs' phrases, made importable (and imported when ``load``).

    The suite lets pytest import them as plugins (``load=False``): a plugin imported before
    pytest sees it cannot have its assertions rewritten.
    """
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
    names = []
    for pack in packs:
        if pack.steps is None:
            continue
        name = module_name(pack)
        _FINDER.files[name] = pack.steps
        if load and name not in sys.modules:
            _import(name, pack.steps)
        names.append(name)
    return names


def _import(name: str, path: Path) -> None:
    # Whatever the file does on import, exiting included, is the pack's fault and ends the run
    # as a kit error naming it: a SystemExit(0) must never pass for a finished run.
    try:
        importlib.import_module(name)
    except BaseException as exc:
        sys.modules.pop(name, None)
        what = f"{type(exc).__name__}({exc})" if not isinstance(exc, Exception) else str(exc)
        raise PhrasesError(path, f"the pack's step phrases fail to load: {what}") from None
