"""The CI workflows in docs/ci/ parse, hold the steps a vendor needs, and work as written.

Their own shell commands are run here, in a folder standing for the vendor's checkout, with the
placeholders replaced: the kit's reference engine served over HTTP stands for the vendor's
engine, and the kit under test for the pinned release. Each step is written to a script file and
run with ``bash`` (never through a shell string), under a timeout, its process group ended after.
The install step itself is run on a wheel built from the checkout, in an environment of its own.

Both files are checked against their CI's schema (check-jsonschema's copies of the GitHub
workflow and GitLab CI schemas), and every shell step under shellcheck with the checks actionlint
runs it with; where shellcheck is missing, under the rule it once reported here (SC2016).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from policy_conformance import __version__

from .kit import KIT_ROOT, run_environment

GITHUB = KIT_ROOT / "docs" / "ci" / "github-actions.yml"
GITLAB = KIT_ROOT / "docs" / "ci" / "gitlab-ci.yml"
INSTALL = 'python -m pip install "$KIT_SOURCE"'
VERSION_CHECK = 'conformance --version | grep -F "conformance ${KIT_VERSION} "'
START = './start-engine --port "$ENGINE_PORT"'
OPTIONS = ("--report", "--html", "--summary", "--junitxml=", "--baseline")
WRONG_ENGINE = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:adults_only"


def github() -> dict[Any, Any]:
    return dict(yaml.safe_load(GITHUB.read_text(encoding="utf-8")))


def gitlab() -> dict[str, Any]:
    return dict(yaml.safe_load(GITLAB.read_text(encoding="utf-8")))


def test_the_github_workflow_has_every_step_a_vendor_needs() -> None:
    workflow = github()
    # YAML 1.1 reads the key `on` as true; GitHub reads it as `on`.
    assert workflow.get("on", workflow.get(True)) is not None
    assert workflow["env"]["KIT_VERSION"] == __version__
    assert workflow["env"]["KIT_SOURCE"].startswith("git+https://")
    steps = workflow["jobs"]["conformance"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert INSTALL in runs and VERSION_CHECK in runs
    assert START in runs and "/dev/tcp/127.0.0.1/" in runs
    for option in OPTIONS:
        assert option in runs, option
    assert '>> "$GITHUB_STEP_SUMMARY"' in runs
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
    assert "conformance-out/" in upload["with"]["path"]
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "always()"


def test_the_gitlab_job_has_every_step_a_vendor_needs() -> None:
    job = gitlab()["conformance"]
    assert job["variables"]["KIT_VERSION"] == __version__
    assert job["variables"]["KIT_SOURCE"].startswith("git+https://")
    script = "\n".join(job["script"])
    assert INSTALL in script and VERSION_CHECK in script and START in script
    for option in OPTIONS:
        assert option in script, option
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "conformance-out/junit.xml"
    assert "conformance-out/" in job["artifacts"]["paths"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def substituted(command: str) -> str:
    """A workflow command with the vendor's placeholders replaced by the kit's own pieces."""
    # The pinned release stands for the kit under test, already installed here.
    command = command.replace(INSTALL, 'python -c "import policy_conformance"')
    return command.replace(START, 'conformance serve-reference --port "$ENGINE_PORT"')


class Checkout:
    """A folder standing for the vendor's checkout, where workflow steps run one by one."""

    def __init__(self, root: Path, adapter: str | None = None) -> None:
        self.root = root
        port = free_port()
        self.environment = run_environment() | {
            "KIT_VERSION": __version__,
            "ENGINE_PORT": str(port),
            "ENGINE_ADAPTER": adapter or f"http:http://127.0.0.1:{port}/v1",
            "GITHUB_STEP_SUMMARY": str(root / "step-summary.md"),
            # The kit's test engines are importable, as a vendor's own engine would be.
            "PYTHONPATH": str(KIT_ROOT),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.groups: list[int] = []
        self.steps = 0

    def run(self, commands: str) -> int:
        self.steps += 1
        script = self.root.parent / f"{self.root.name}-step-{self.steps}.sh"
        script.write_text(substituted(commands), encoding="utf-8")
        # As GitHub and GitLab run a step: bash, stopping at the first command that fails.
        process = subprocess.Popen(
            ["bash", "-e", str(script)],
            cwd=self.root,
            env=self.environment,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.groups.append(process.pid)
        return process.wait(timeout=240)

    def close(self) -> None:
        # The engine started in the background outlives its step, as on a CI runner; end it here.
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGTERM)


def run_github(root: Path, adapter: str | None = None) -> list[int]:
    """The workflow's steps as GitHub runs them: after a failure only ``always()`` steps run."""
    checkout = Checkout(root, adapter)
    codes = []
    failed = False
    try:
        for step in github()["jobs"]["conformance"]["steps"]:
            if "run" not in step or (failed and step.get("if") != "always()"):
                continue
            code = checkout.run(step["run"])
            codes.append(code)
            failed = failed or code != 0
    finally:
        checkout.close()
    return codes


def run_gitlab(root: Path, adapter: str | None = None) -> tuple[int, int]:
    """The job as GitLab runs it: the script in one shell, then the after_script in another."""
    job = gitlab()["conformance"]
    checkout = Checkout(root, adapter)
    try:
        script = checkout.run("\n".join(job["script"]))
        after = checkout.run("\n".join(job["after_script"]))
    finally:
        checkout.close()
    return script, after


@pytest.mark.slow
def test_the_github_workflow_runs_as_written_and_fails_on_a_regression(tmp_path: Path) -> None:
    conformant = tmp_path / "conformant"
    conformant.mkdir()
    assert run_github(conformant) == [0, 0, 0, 0]
    out = conformant / "conformance-out"
    for name in ("report.json", "report.html", "summary.md", "junit.xml"):
        assert (out / name).stat().st_size > 0, name
    assert "**Conformant** on all" in (conformant / "step-summary.md").read_text()

    regressed = tmp_path / "regressed"
    regressed.mkdir()
    codes = run_github(regressed, WRONG_ENGINE)
    assert codes[-2:] == [1, 0], "the run fails the job; the summary is still written"
    assert "**Not conformant**" in (regressed / "step-summary.md").read_text()
    assert (regressed / "conformance-out" / "report.html").exists()


@pytest.mark.slow
def test_the_gitlab_job_gates_on_new_failures_only(tmp_path: Path) -> None:
    checkout = tmp_path / "vendor"
    checkout.mkdir()
    assert run_gitlab(checkout, WRONG_ENGINE) == (1, 0)
    # The vendor records today's failures once and commits them: the same engine now passes.
    recorded = subprocess.run(
        [sys.executable, "-m", "policy_conformance", "run", "--adapter", WRONG_ENGINE,
         "--write-baseline", str(checkout / "known-failures.json")],
        cwd=KIT_ROOT, env=run_environment(), capture_output=True, timeout=240, check=False,
    )  # fmt: skip
    assert recorded.returncode == 1
    assert run_gitlab(checkout, WRONG_ENGINE) == (0, 0)
    assert (checkout / "conformance-out" / "junit.xml").exists()


@pytest.mark.parametrize(
    ("path", "schema"), [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")]
)
def test_each_workflow_is_valid_for_its_ci(path: Path, schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_ci_schema_check_has_teeth(tmp_path: Path) -> None:
    broken = tmp_path / "gitlab-ci.yml"
    broken.write_text("conformance:\n  script: 7\n  artifacts:\n    when: sometimes\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.gitlab-ci",
            str(broken),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1


def shell_steps() -> list[tuple[str, str]]:
    """Every shell step of both files, by where it stands."""
    steps = [
        (f"github-actions.yml: {step.get('name', index)}", step["run"])
        for index, step in enumerate(github()["jobs"]["conformance"]["steps"])
        if "run" in step
    ]
    job = gitlab()["conformance"]
    steps += [("gitlab-ci.yml: script", "\n".join(job["script"]))]
    steps += [("gitlab-ci.yml: after_script", "\n".join(job["after_script"]))]
    return steps


#: What actionlint leaves out when it runs shellcheck on a step (its own rules cover them).
ACTIONLINT_EXCLUDES = "SC1091,SC2194,SC2050,SC2154,SC2157"
#: A ``$`` inside single quotes: a variable that bash never expands (shellcheck's SC2016).
SINGLE_QUOTED_DOLLAR = re.compile(r"'[^'\n]*\$[^'\n]*'")


def unexpanded(script: str) -> list[str]:
    return [line for line in script.splitlines() if SINGLE_QUOTED_DOLLAR.search(line)]


def test_no_step_puts_a_variable_in_single_quotes() -> None:
    assert unexpanded("""timeout 60 bash -c 'until [ -e "/dev/tcp/$0" ]; do :; done' 1""")
    for where, script in shell_steps():
        assert unexpanded(script) == [], where


def test_every_shell_step_is_clean_under_shellcheck(tmp_path: Path) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (its SC2016 rule is checked above)")
    for index, (where, script) in enumerate(shell_steps()):
        path = tmp_path / f"step-{index}.sh"
        path.write_text(script, encoding="utf-8")
        done = subprocess.run(
            [shellcheck, "--norc", "-s", "bash", "-e", ACTIONLINT_EXCLUDES, str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{where}:\n{done.stdout}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.install import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"))


def install_step() -> str:
    (step,) = [
        s["run"] for s in github()["jobs"]["conformance"]["steps"] if INSTALL in s.get("run", "")
    ]
    return str(step)


def run_install_step(root: Path, wheel: Path, version: str) -> subprocess.CompletedProcess[str]:
    """The install step as written, in a new environment that has the kit's requirements."""
    venv = root / "venv"
    # Its requirements come from this environment, so that the step installs only the kit.
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=240
    )
    script = root / "install.sh"
    script.write_text(install_step(), encoding="utf-8")
    environment = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    environment |= {
        "KIT_SOURCE": str(wheel),
        "KIT_VERSION": version,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run(
        ["bash", "-e", str(script)],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_the_install_step_installs_the_kit_from_a_wheel(tmp_path: Path, wheel: Path) -> None:
    done = run_install_step(tmp_path, wheel, __version__)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "venv" / "bin" / "conformance").exists()
    other = tmp_path / "other"
    other.mkdir()
    # A kit of another release than the one pinned stops the job at its install step.
    assert run_install_step(other, wheel, "0.0.0-not-this-one").returncode == 1
