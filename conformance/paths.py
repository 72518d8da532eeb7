"""Where the policy packs live: the kit's own, shipped as package data, and any added by the user.

A pack root is a folder laid out as the kit is: ``features/<pack>/`` (catalogue, facts schema,
features and the pack's own step phrases) beside ``fixtures/<pack>/``. The kit's own root comes
first; ``CONFORMANCE_PACKS`` (``--packs``) names more, separated as ``PATH`` is.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = [
    "FEATURES",
    "FIXTURES",
    "KIT_ROOT",
    "PACKAGE",
    "PACKS_VARIABLE",
    "pack_roots",
    "use_packs",
]

#: The installed package's own folder: the suite, the pytest settings of a run, the schemas.
PACKAGE = Path(__file__).resolve().parent


def _data(package: str) -> Path:
    # Installed from a wheel or from a checkout, the packs are a folder on disk: pytest-bdd reads
    # features by path, so a zipped install is not supported.
    return Path(str(files(package)))


#: CONFORMANCE_KIT_ROOT points the kit at another copy of its packs, laid out as a checkout
#: (``features/`` and ``fixtures/`` side by side); the kit's tests use it to break packs on purpose.
_override = os.environ.get("CONFORMANCE_KIT_ROOT")
FEATURES = Path(_override, "features") if _override else _data("policy_conformance.features")
FIXTURES = Path(_override, "fixtures") if _override else _data("policy_conformance.fixtures")
#: The folder that holds ``features/`` and ``fixtures/``; reports show paths relative to it.
KIT_ROOT = FEATURES.parent

#: The environment variable that names further pack roots; ``conformance run --packs`` sets it, so
#: that an engine the kit starts (the reference, a mutant) finds the same packs.
PACKS_VARIABLE = "CONFORMANCE_PACKS"


def pack_roots() -> tuple[Path, ...]:
    """The kit's own pack root, then each root named in ``CONFORMANCE_PACKS``, without repeats."""
    # Every case and reply asks (through the contract's validators): resolve each setting once.
    return _roots(os.environ.get(PACKS_VARIABLE, ""))


@cache
def _roots(setting: str) -> tuple[Path, ...]:
    roots = [KIT_ROOT]
    for part in setting.split(os.pathsep):
        if part.strip():
            root = Path(part.strip()).expanduser().resolve()
            if root not in roots:
                roots.append(root)
    return tuple(roots)


def use_packs(folders: str | os.PathLike[str] | None) -> None:
    """Add ``folders`` (``--packs``; several separated as in ``PATH``) to the pack roots of this
    process and of the engines it starts.

    Raises ``NotADirectoryError`` naming a folder that is no folder.
    """
    if not folders:
        return
    known = [part for part in os.environ.get(PACKS_VARIABLE, "").split(os.pathsep) if part]
    for folder in str(folders).split(os.pathsep):
        if not folder.strip():
            continue
        root = Path(folder.strip()).expanduser().resolve()
        if not root.is_dir():
            raise NotADirectoryError(f"--packs: {folder} is not a folder")
        if str(root) not in known:
            known.append(str(root))
    os.environ[PACKS_VARIABLE] = os.pathsep.join(known)
