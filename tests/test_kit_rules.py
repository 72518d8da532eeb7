"""Rules of the kit's architecture that a refactor must not quietly break."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.kit import KIT_ROOT

POLICY = KIT_ROOT.parent / "shared" / "policy" / "inotuzumab_besponsa.md"


PACKAGE = "policy_conformance"
#: The kit's subpackages, as the installed package names them; the runner is the package itself.
SUBPACKAGES = {"adapters", "contract", "reference", "steps", "features", "fixtures"}


def _module_of(path: Path) -> str:
    """The installed module name of a file of the checkout, e.g. steps/requests.py."""
    relative = path.relative_to(KIT_ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[0] == "conformance":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def _imports(path: Path) -> set[str]:
    """Every module a file imports, by its full installed name (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _within(modules: set[str], subpackage: str) -> set[str]:
    name = f"{PACKAGE}.{subpackage}"
    return {m for m in modules if m == name or m.startswith(name + ".")}


def _sources(folder: str) -> list[Path]:
    return sorted((KIT_ROOT / folder).rglob("*.py"))


def test_every_import_of_the_kit_names_the_installed_package() -> None:
    # A bare `import contract` works from a checkout and breaks an installed kit, or worse,
    # imports a vendor's own package of that name.
    for folder in ["conformance", *sorted(SUBPACKAGES)]:
        for path in _sources(folder):
            bare = {m for m in _imports(path) if m.split(".")[0] in SUBPACKAGES | {"conformance"}}
            assert not bare, f"{path.relative_to(KIT_ROOT)} imports {sorted(bare)}"


@pytest.mark.parametrize("package", ["steps", "adapters", "contract"])
def test_harness_packages_never_import_the_reference_engine(package: str) -> None:
    for path in _sources(package):
        assert not _within(_imports(path), "reference"), f"{path} imports the reference engine"


def test_the_runner_imports_the_reference_engine_only_to_serve_it() -> None:
    for path in _sources("conformance"):
        if _within(_imports(path), "reference"):
            assert path.name == "cli.py", f"{path} imports the reference engine"


def test_reference_engine_shares_no_code_with_the_harness() -> None:
    for path in _sources("reference"):
        imported = _imports(path)
        harness = {m for m in imported if m.startswith(PACKAGE)} - _within(imported, "reference")
        harness -= _within(imported, "contract") | {PACKAGE}
        assert not harness, f"{path} imports {sorted(harness)}"
        assert not any(m.split(".")[0] == "tests" for m in imported), path


def test_the_rules_see_the_real_module_paths() -> None:
    # The checks above must be able to fail: a step module importing the reference is caught.
    steps = KIT_ROOT / "steps" / "requests.py"
    assert _module_of(steps) == "policy_conformance.steps.requests"
    assert "policy_conformance.reference.engine" in _within(
        _imports(KIT_ROOT / "reference" / "__init__.py"), "reference"
    )


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
