"""Where the kit's policy packs live: features, fixtures and catalogues, beside the packages."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FEATURES", "FIXTURES", "KIT_ROOT"]

#: The checkout the kit runs from. CONFORMANCE_KIT_ROOT points the kit at another copy of its
#: packs (the kit's own tests use it to check that malformed packs are reported).
KIT_ROOT = Path(os.environ.get("CONFORMANCE_KIT_ROOT") or Path(__file__).resolve().parent.parent)
FEATURES = KIT_ROOT / "features"
FIXTURES = KIT_ROOT / "fixtures"
