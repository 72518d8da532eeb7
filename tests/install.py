"""The kit as a user gets it: a wheel built from the checkout, installed in a fresh environment.

Used by ``tests/test_install.py`` and ``benchmarks/bench_vendor_startup.py``; ``.ci/run`` does the
same in shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.kit import KIT_ROOT

__all__ = [
    "VENDOR_PROJECT",
    "build_wheel",
    "clean_environment",
    "fresh_environment",
    "installed_top_level",
    "run_clean",
    "vendor_project",
]

#: What a checkout holds that is not source: build output, caches, editable-install metadata.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", ".benchmarks"
)


def clean_environment() -> dict[str, str]:
    """This process's environment without what would point a child at the checkout or pytest."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CONFORMANCE_"))
        and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }


def run_clean(
    command: list[str], cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with its output captured, in :func:`clean_environment`."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = run_clean(command, cwd)
    assert done.returncode == 0, f"{command}: {done.stdout[-3000:]}{done.stderr[-3000:]}"


def build_wheel(destination: Path) -> Path:
    """Build the kit's wheel into ``destination``, from a copy of the checkout's sources.

    A copy, so that build output left in the checkout by an earlier build never reaches the wheel.
    """
    source = destination / "source"
    shutil.copytree(KIT_ROOT, source, ignore=_NOT_SOURCE)
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(destination), str(source)])
    (wheel,) = destination.glob("policy_conformance-*.whl")
    return wheel


def fresh_environment(folder: Path, *requirements: str) -> Path:
    """A new virtual environment in ``folder`` with ``requirements`` installed; its python."""
    _run([sys.executable, "-m", "venv", str(folder)])
    python = folder / "bin" / "python"
    if requirements:
        _run([str(python), "-m", "pip", "install", "-q", *requirements])
    return python


def installed_top_level(python: Path, distribution: str) -> set[str]:
    """The top-level names in site-packages that ``distribution`` installed (from its RECORD)."""
    done = run_clean(
        [
            str(python),
            "-I",  # isolated: the working folder (a checkout's egg-info) is not on the path
            "-c",
            "import sys; from importlib.metadata import distribution as d; "
            "print('\\n'.join(str(f) for f in d(sys.argv[1]).files))",
            distribution,
        ],
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    names = {Path(line).parts[0] for line in done.stdout.splitlines() if line}
    # Scripts land outside site-packages (``../../bin``); the metadata folder is not a package.
    return {n for n in names if n != ".." and not n.endswith(".dist-info")}


#: A vendor's own project: packages named like the kit's folders, and a test that uses them.
VENDOR_PROJECT = {
    "pyproject.toml": (
        '[tool.pytest.ini_options]\npythonpath = ["."]\naddopts = ["-p", "no:cacheprovider"]\n'
    ),
    "contract/__init__.py": 'CONTRACT_VERSION = "vendor-7"\n',
    "steps/__init__.py": "def double(value):\n    return 2 * value\n",
    "tests/test_vendor.py": (
        "from contract import CONTRACT_VERSION\n"
        "from steps import double\n\n\n"
        "def test_own_contract():\n"
        '    assert CONTRACT_VERSION == "vendor-7"\n\n\n'
        "def test_own_steps():\n"
        "    assert double(2) == 4\n"
    ),
}


def vendor_project(folder: Path) -> Path:
    """Write :data:`VENDOR_PROJECT` into ``folder``."""
    for relative, text in VENDOR_PROJECT.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder
