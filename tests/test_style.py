"""The kit's own code passes its lint and type gates (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.kit import KIT_ROOT, package_view

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    ids=["ruff", "ruff-format"],
)
def test_lint_gate_passes(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_types_check_under_the_installed_layout(tmp_path: Path) -> None:
    view = package_view(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(KIT_ROOT / "pyproject.toml")],
        cwd=view,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
