"""Rules of the kit's architecture that a refactor must not quietly break."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.kit import KIT_ROOT

POLICY = KIT_ROOT.parent / "shared" / "policy" / "inotuzumab_besponsa.md"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["steps", "adapters", "contract"])
def test_harness_packages_never_import_the_reference_engine(package: str) -> None:
    for path in (KIT_ROOT / package).rglob("*.py"):
        assert "reference" not in _imports(path), f"{path} imports reference"


def test_the_runner_imports_the_reference_engine_only_to_serve_it() -> None:
    for path in (KIT_ROOT / "conformance").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reference"):
                assert path.name == "cli.py", f"{path} imports reference"


def test_reference_engine_shares_no_code_with_the_harness() -> None:
    for path in (KIT_ROOT / "reference").rglob("*.py"):
        assert not _imports(path) & {"conformance", "steps", "adapters", "tests"}, path


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_policy_sentences_are_paraphrased_not_copied() -> None:
    if not POLICY.exists():
        pytest.skip("the policy text is not beside this checkout")
    words = _words(POLICY.read_text())
    size = 12
    policy_runs = {" ".join(words[i : i + size]) for i in range(len(words) - size)}
    texts = [
        *KIT_ROOT.glob("features/**/*.feature"),
        *KIT_ROOT.glob("features/**/*.yaml"),
        *KIT_ROOT.glob("*.md"),
        *KIT_ROOT.glob("contract/*.md"),
        *KIT_ROOT.glob("docs/*.md"),
    ]
    for path in texts:
        mine = _words(path.read_text())
        copied = {" ".join(mine[i : i + size]) for i in range(len(mine) - size)} & policy_runs
        assert not copied, f"{path.relative_to(KIT_ROOT)} copies the policy: {sorted(copied)[0]!r}"


def test_features_speak_the_policy_language_not_field_names() -> None:
    field_names = re.compile(
        r"\b(case_id|date_of_service|hcpcs_codes|disease_status|"
        r"within_label|missing_facts|[a-z]+_[a-z_]+)\b|\{\s*\"|\"\w+\"\s*:"
    )
    for path in KIT_ROOT.glob("features/**/*.feature"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip().startswith(("@", "#")):
                continue
            text = re.sub(r"\binotuzumab_besponsa\b", "", line)
            assert not field_names.search(text), f"{path.name}:{number}: {line.strip()}"
