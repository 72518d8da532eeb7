"""Where the kit's policy packs live: the features and fixtures shipped as package data."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

__all__ = ["FEATURES", "FIXTURES", "KIT_ROOT", "PACKAGE"]

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
