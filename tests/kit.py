"""Helpers for the kit's own tests: run the `conformance` command as a user would."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from policy_conformance.mutants import child_environment

KIT_ROOT = Path(__file__).resolve().parent.parent

#: How long one ``conformance`` command may take, at most one run of the kit's packs (a few
#: seconds on an idle machine): room for a machine many times slower, and a hang still ends.
LIMIT = 600.0
#: A command that runs the kit's packs once a scenario or more (the one-shot adapter starts a
#: process per case, the mutant matrix a run per mutant): its limit grows with its work.
LIMIT_PER_SCENARIO = 10.0


@cache
def run_environment() -> dict[str, str]:
    """The environment of a child run: only the kit's own pytest plugins, named explicitly."""
    environment = child_environment()
    assert len(environment["PYTEST_ADDOPTS"].split(" -p ")) == 2, environment["PYTEST_ADDOPTS"]
    return environment


@dataclass
class Run:
    code: int
    out: str
    err: str
    report: dict[str, Any] | None

    def verdict(self, clause: str) -> str:
        assert self.report is not None, self.err
        for entry in self.report["clauses"]:
            if entry["id"] == clause:
                return str(entry["verdict"])
        raise KeyError(clause)


def conformance(
    *args: str,
    report: Path | None = None,
    kit_root: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = LIMIT,
) -> Run:
    """Run `python -m policy_conformance ARGS` in a subprocess, from the kit's root.

    A command that outlives ``timeout`` is killed, with every process it started, and fails the
    test that ran it, never another one.
    """
    command = [sys.executable, "-m", "policy_conformance", *args]
    if report is not None:
        command += ["--report", str(report)]
    environment = {**run_environment(), **(env or {})}
    if kit_root is not None:
        environment["CONFORMANCE_KIT_ROOT"] = str(kit_root)
    code, out, err = finished(command, environment, timeout)
    loaded = json.loads(report.read_text()) if report is not None and report.exists() else None
    return Run(code, out, err, loaded)


def finished(
    command: list[str], environment: dict[str, str], timeout: float
) -> tuple[int, str, str]:
    """Run ``command`` from the kit's root to its end: its exit code, stdout and stderr.

    Past ``timeout`` seconds its whole process group is killed and the calling test fails.
    """
    child = subprocess.Popen(
        command,
        cwd=KIT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        pytest.fail(
            f"{' '.join(command[2:])}: still running after {timeout:g} s, killed\n"
            f"{out[-2000:]}{err[-2000:]}",
            pytrace=False,
        )
    return child.returncode, out, err


@cache
def scenario_count() -> int:
    """How many scenarios a run of every pack holds (an outline counts each of its rows)."""
    from policy_conformance.lint import parse_feature
    from policy_conformance.packs import load_packs

    return sum(
        len(scenario.renderings)
        for pack in load_packs()
        for path in pack.features
        for scenario in parse_feature(path)[0]
    )


def own_pytest(
    folder: Path, *arguments: str, path: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A vendor's own `python -m pytest ARGUMENTS` in ``folder``, the kit installed beside it;
    ``env``: further variables of its environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    environment |= env or {}
    if path is not None:
        environment["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


#: The installed package's subpackages, by the checkout folder each is built from.
SUBPACKAGES = {
    "adapters": "adapters",
    "contract": "contract",
    "reference": "reference",
    "steps": "steps",
    "features": "features",
    "fixtures": "fixtures",
}


def package_view(destination: Path) -> Path:
    """Lay ``policy_conformance`` out below ``destination`` as a wheel installs it, by symlinks.

    Tools that read source files instead of importing (mypy) cannot see through setuptools'
    editable finder; this view gives them the package under its installed name.
    """
    package = destination / "policy_conformance"
    package.mkdir(parents=True)
    for entry in (KIT_ROOT / "conformance").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, folder in SUBPACKAGES.items():
        (package / name).symlink_to(KIT_ROOT / folder, target_is_directory=True)
    return destination


def example(name: str) -> dict[str, Any]:
    """A fresh copy of one of the contract's example files, e.g. ``case-primary-indication``."""
    loaded: dict[str, Any] = json.loads(
        (KIT_ROOT / "contract" / "examples" / f"{name}.json").read_text()
    )
    return loaded


def copy_of_packs(tmp_path: Path) -> Path:
    """A scratch copy of the kit's features and fixtures, to break on purpose."""
    root = tmp_path / "kit"
    shutil.copytree(KIT_ROOT / "features", root / "features")
    shutil.copytree(KIT_ROOT / "fixtures", root / "fixtures")
    return root


def edit(root: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in one file of a scratch copy (``count=-1``: everywhere)."""
    path = root / relative
    text = path.read_text()
    assert old in text, f"{relative} does not contain {old!r}"
    path.write_text(text.replace(old, new, count))


def variant(
    case: dict[str, Any], clinical: dict[str, Any], evidence: dict[str, Any] | None, **drug: Any
) -> dict[str, Any]:
    """A copy of ``case`` with some clinical facts and drug fields changed, and its evidence
    replaced when ``evidence`` is given."""
    changed = copy.deepcopy(case)
    changed["clinical"].update(clinical)
    changed["drug"].update(drug)
    if evidence is not None:
        changed["evidence"] = evidence
    return changed
