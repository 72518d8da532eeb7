"""A baseline is JSON read from outside: nested or sized to break the kit, it is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_conformance.baseline import MAX_BASELINE_BYTES, load_baseline
from policy_conformance.errors import KitError


def test_a_baseline_nested_a_hundred_thousand_deep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(KitError, match="more than 64 deep"):
        load_baseline(path)


def test_a_baseline_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(b" " * (MAX_BASELINE_BYTES + 1))
    with pytest.raises(KitError, match="larger than"):
        load_baseline(path)
