"""The code the documentation shows works as the documentation says."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from policy_conformance import contract
from tests.kit import KIT_ROOT, conformance

pytestmark = pytest.mark.slow


def _python_blocks(document: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", document.read_text(), re.DOTALL)


def test_readme_example_engine_answers_in_the_contract(tmp_path: Path) -> None:
    [engine] = _python_blocks(KIT_ROOT / "README.md")
    namespace: dict[str, object] = {}
    exec(compile(engine, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    decide = namespace["decide"]
    assert callable(decide)
    assert contract.violations("decision", decide({"case_id": "x"})) == []


def test_protocols_minimal_engine_is_conformant_with_the_reference_inside(tmp_path: Path) -> None:
    [loop] = _python_blocks(KIT_ROOT / "contract" / "PROTOCOLS.md")
    (tmp_path / "minimal_engine.py").write_text(loop)
    (tmp_path / "my_engine.py").write_text(
        "from policy_conformance.reference import decide, metadata\n"
    )
    command = shlex.join([sys.executable, str(tmp_path / "minimal_engine.py")])
    run = conformance("run", "--adapter", f"jsonl:{command}", env={"PYTHONPATH": str(tmp_path)})
    assert run.code == 0, run.out[-3000:] + run.err
