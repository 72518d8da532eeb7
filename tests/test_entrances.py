"""The two ways into a run, `conformance run` and a vendor's own pytest, and their conventions."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from policy_conformance import cli, contract, options, pytest_entry
from policy_conformance.run import RunEntrance
from tests.kit import KIT_ROOT, conformance, own_pytest, run_environment


class _Recorder:
    """Stands in for pytest's parser and option group: keeps what was declared."""

    def __init__(self) -> None:
        self.declared: dict[str, dict[str, Any]] = {}

    def getgroup(self, *_: str) -> _Recorder:
        return self

    def addoption(self, *flags: str, **arguments: Any) -> None:
        for flag in flags:
            self.declared[flag] = arguments


def _run_parser_flags() -> dict[str, str]:
    parser = cli._parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    run = commands.choices["run"]  # type: ignore[index]
    return {flag: a.dest for a in run._actions for flag in a.option_strings}


def test_both_entrances_declare_every_option_of_the_table_to_the_same_destination() -> None:
    in_pytest, in_run = _Recorder(), _Recorder()
    pytest_entry.pytest_addoption(in_pytest)
    RunEntrance().pytest_addoption(in_run)  # type: ignore[arg-type]
    command = _run_parser_flags()
    for option in options.OPTIONS:
        assert in_pytest.declared[option.prefixed_flag]["dest"] == option.dest
        assert in_run.declared[option.flag]["dest"] == option.dest
        assert command[option.flag] == option.dest
        assert option.environment_variable in in_pytest.declared[option.prefixed_flag]["help"]
    # Inside someone else's pytest, every option carries the prefix.
    assert all(flag.startswith("--conformance-") for flag in in_pytest.declared)
    kit_flags = {f for f in command if f not in ("-h", "--help", "--version")}
    assert kit_flags == {o.flag for o in options.OPTIONS}


@pytest.mark.parametrize("text", ["nan", "inf", "-1", "0", "1e309", "soon"])
def test_a_timeout_must_be_finite_and_positive(text: str) -> None:
    with pytest.raises(options.argparse.ArgumentTypeError):
        options.seconds(text)


def test_the_environment_gives_a_default_checked_like_the_command_line() -> None:
    [adapter] = [o for o in options.OPTIONS if o.name == "adapter"]
    [clause] = [o for o in options.OPTIONS if o.name == "clause"]
    assert adapter.default_from({}) == "reference"
    assert adapter.default_from({"CONFORMANCE_ADAPTER": "http:x"}) == "http:x"
    assert clause.default_from({"CONFORMANCE_CLAUSE": "A, B"}) == ["A", "B"]


def test_the_readme_lists_every_option_of_the_table() -> None:
    readme = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Options of `conformance run`", 1)[1].split("\n### ", 1)[0]
    row = r"^\| `(--[a-z-]+) ?([A-Z]*)` \| (.+) \| `(CONFORMANCE_[A-Z_]+)` \|$"
    rows = re.findall(row, section, re.M)
    assert [(flag, metavar, env) for flag, metavar, _, env in rows] == [
        (o.flag, o.metavar, o.environment_variable) for o in options.OPTIONS
    ]


def test_the_readme_lists_every_exit_code() -> None:
    readme = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n### ", 1)[0]
    assert [int(c) for c in re.findall(r"^\| (\d+) \|", section, re.M)] == list(cli.EXIT_CODES)


# -- in a subprocess -------------------------------------------------------------------------


@pytest.mark.slow
def test_version_is_the_kits_after_run_too() -> None:
    for arguments in (["--version"], ["run", "--version"]):
        run = conformance(*arguments)
        assert run.code == 0
        assert re.fullmatch(
            rf"conformance \S+ \(contract {re.escape(contract.CONTRACT_VERSION)}\)\n", run.out
        ), run.out
        assert "pytest" not in run.out


@pytest.mark.slow
def test_help_lists_the_adapter_kinds_and_the_exit_codes() -> None:
    run = conformance("run", "--help")
    assert run.code == 0
    for kind in ("python:", "http:", "jsonl:", "cli:"):
        assert kind in run.out
    for code in ("130", "70"):
        assert f"  {code}  " in run.out
    assert "CONFORMANCE_<NAME>" in run.out


@pytest.mark.slow
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e309"])
def test_a_bad_timeout_is_refused_in_one_line(value: str) -> None:
    run = conformance("run", "--connect-timeout", value)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "--connect-timeout" in run.err, run.err
    assert "test session starts" not in run.out


@pytest.mark.slow
def test_a_misspelt_kit_option_is_refused_before_the_engine_opens() -> None:
    run = conformance("run", "--adaptor", "python:tests.engines.toy:BrokenMetadata")
    assert run.code == 2
    assert "did you mean --adapter?" in run.err
    assert "test session starts" not in run.out and "licence server down" not in run.err


@pytest.mark.slow
def test_an_option_pytest_does_not_know_either_is_a_usage_error() -> None:
    run = conformance("run", "--no-such-option-anywhere")
    assert run.code == 2
    assert "unrecognized arguments: --no-such-option-anywhere" in run.err


@pytest.mark.slow
def test_co_reaches_pytest_and_opens_no_engine() -> None:
    run = conformance(
        "run", "--co", "--clause", "INO-CODE-DATES", "--adapter", "python:no_such_module:x"
    )
    assert run.code == 0, run.err
    assert re.fullmatch(
        r"no verdict: 12 of \d+ scenarios listed, no engine run", run.out.splitlines()[-1]
    )


@pytest.mark.slow
def test_the_environment_names_the_engine_for_run_too() -> None:
    gallery = "policy_conformance.reference.inotuzumab_besponsa.mutants"
    wrong = {"CONFORMANCE_ADAPTER": f"python:{gallery}:accepts_nccn_2b"}
    run = conformance("run", "--clause", "INO-COMPENDIA", env=wrong)
    assert run.code == 1, run.err
    assert (
        "via python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b"
        in run.out
    )
    # The command line still wins over the environment.
    run = conformance("run", "--clause", "INO-COMPENDIA", "--adapter", "reference", env=wrong)
    assert run.code == 0, run.err


@pytest.mark.slow
def test_an_engine_that_cannot_start_shows_its_own_error() -> None:
    program = f"{sys.executable} -c 'import no_such_module_of_the_engine'"
    run = conformance("run", "--adapter", f"jsonl:{program}")
    assert run.code == 3
    assert "No module named 'no_such_module_of_the_engine'" in run.err, run.err
    assert "Traceback (most recent call last)" not in run.out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _kit(*arguments: str, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "policy_conformance", *arguments],
        cwd=KIT_ROOT,
        env=run_environment(),
        text=True,
        **popen,
    )


@pytest.mark.slow
def test_the_run_waits_for_an_engine_that_starts_late() -> None:
    port = _free_port()
    run = _kit(
        "run",
        "--adapter",
        f"http:http://127.0.0.1:{port}/v1",
        "--connect-timeout",
        "10",
        "--clause",
        "INO-CODE-DATES",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    server = _kit("serve-reference", "--port", str(port), stderr=subprocess.DEVNULL)
    try:
        out, err = run.communicate(timeout=60)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    assert run.returncode == 0, out[-2000:] + err
    assert "12 passed" in out


@pytest.mark.slow
def test_a_closed_output_ends_the_run_quietly() -> None:
    run = _kit("run", "-v", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    first = run.stdout.readline()
    run.stdout.close()
    err = run.stderr.read()
    run.stderr.close()
    run.wait(timeout=120)
    assert first.startswith("policy-conformance ")
    assert err == "", err
    assert run.returncode == 141


@pytest.mark.slow
def test_ctrl_c_has_its_own_exit_code() -> None:
    run = _kit(
        "run",
        "--adapter",
        "python:tests.engines.toy:sleeps",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None
    for line in run.stdout:
        if line.startswith("engine:"):
            break
    time.sleep(0.5)
    run.send_signal(signal.SIGINT)
    run.communicate(timeout=60)
    assert run.returncode == 130


@pytest.mark.slow
def test_ctrl_c_ends_the_verdict_block_with_no_verdict() -> None:
    run = _kit(
        "run",
        "--adapter",
        "python:tests.engines.toy:slow_reference",
        "-v",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None
    seen = []
    for line in run.stdout:
        seen.append(line)
        if line.startswith("passed "):
            break
    run.send_signal(signal.SIGINT)
    rest, _ = run.communicate(timeout=60)
    assert run.returncode == 130
    block = rest[rest.index("conformance by clause") :].splitlines()
    # What ran is counted, but no clause or pack is called conformant, and nothing "passed".
    assert "interrupted: no verdict" in block
    assert "verdict by pack:" not in block
    assert block[-1] == "interrupted: no verdict"
    assert not re.search(r"\d+ passed in", rest)


@pytest.mark.slow
def test_an_unrelated_pytest_bdd_project_is_left_alone(tmp_path: Path) -> None:
    """The kit installed beside a vendor's own pytest-bdd project changes nothing there."""
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "cart.feature").write_text(
        textwrap.dedent(
            """\
            @clause:checkout
            Feature: Cart
              Scenario: Adding an item
                Given an empty cart
                When an item is added
                Then the cart holds one item
            """
        )
    )
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """\
            def pytest_addoption(parser):
                parser.addoption("--baseline", default=None)
                parser.addoption("--adapter", default=None)
            """
        )
    )
    (tmp_path / "test_cart.py").write_text(
        textwrap.dedent(
            """\
            from pytest_bdd import given, scenarios, then, when

            scenarios("features")

            @given("an empty cart", target_fixture="cart")
            def _():
                return []

            @when("an item is added")
            def _(cart):
                cart.append("item")

            @then("the cart holds one item")
            def _(cart):
                assert cart == ["item"]
            """
        )
    )
    done = own_pytest(tmp_path, "--baseline", "b.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert "conformance" not in done.stdout.replace("policy-conformance-", "")
    assert "engine:" not in done.stdout
    # The kit's variables, even ones it would refuse, mean nothing to a run without its suite.
    for variables in (
        {"CONFORMANCE_ENGINE_TIMEOUT": "30s"},
        {"CONFORMANCE_CONNECT_TIMEOUT": "0", "CONFORMANCE_PACKS": str(tmp_path / "missing")},
    ):
        done = own_pytest(tmp_path, env=variables)
        assert done.returncode == 0, (variables, done.stdout + done.stderr)
        assert "1 passed" in done.stdout and "conformance" not in done.stderr


@pytest.mark.slow
def test_the_kit_s_variables_are_checked_when_its_suite_is_collected(tmp_path: Path) -> None:
    suite = str(KIT_ROOT / "conformance" / "suite.py")
    done = own_pytest(
        tmp_path, suite, "--co", "-q", env={"CONFORMANCE_ENGINE_TIMEOUT": "30s"}, path=KIT_ROOT
    )
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    assert (
        "conformance: error: $CONFORMANCE_ENGINE_TIMEOUT: '30s' is not a number of seconds"
        in done.stderr
    )
    # `conformance run` refuses the same value before pytest starts, in one line.
    run = conformance("run", env={"CONFORMANCE_ENGINE_TIMEOUT": "30s"})
    assert run.code == 2 and run.out == ""
    assert "--engine-timeout" in run.err and len(run.err.splitlines()) == 1, run.err


@pytest.mark.slow
def test_a_vendor_runs_the_scenarios_in_their_own_pytest(tmp_path: Path) -> None:
    done = own_pytest(
        tmp_path,
        "--pyargs",
        "policy_conformance.suite",
        "--conformance-adapter",
        "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b",
        "--conformance-clause",
        "INO-COMPENDIA",
        path=KIT_ROOT,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr
    assert "conformance by clause" in done.stdout
    assert re.search(r"INO-COMPENDIA .* nonconformant", done.stdout)


# -- the kit's own terminal ------------------------------------------------------------------


def test_the_kit_s_terminal_speaks_for_the_kit() -> None:
    from policy_conformance.terminal import failure_header, scenario_line

    scenario = {
        "id": "INO-COMPENDIA/9577872ce877ce9d",
        "pack": "inotuzumab_besponsa",
        "clause": "INO-COMPENDIA",
        "name": "A weaker rating is not strong support [NCCN-category 2B]",
        "outcome": "failed",
    }
    assert failure_header(scenario) == (
        "FAILED inotuzumab_besponsa INO-COMPENDIA: A weaker rating is not strong support "
        "[NCCN-category 2B] (INO-COMPENDIA/9577872ce877ce9d)"
    )
    assert scenario_line(scenario).split()[:2] == ["failed", "INO-COMPENDIA"]


@pytest.mark.slow
def test_the_last_line_is_the_verdict_and_the_first_three_the_kit_s_header() -> None:
    good = conformance("run", "--clause", "INO-CODE-DATES")
    assert good.code == 0, good.err
    lines = good.out.splitlines()
    assert lines[0] == f"policy-conformance {__import__('policy_conformance').__version__} " + (
        f"(contract {contract.CONTRACT_VERSION})"
    )
    assert lines[1] == "adapter: python:policy_conformance.reference:ReferenceEngine"
    assert lines[2].startswith("packs: ") and "inotuzumab_besponsa" in lines[2]
    assert re.fullmatch(
        r"verdict: conformant on every clause run \(12 passed\) in [\d.]+s", lines[-1]
    )
    # No banner, plugin list, test ids or pytest closing counts.
    for pytest_s in ("test session starts", "plugins:", "rootdir:", "suite.py", "===== 12 passed"):
        assert pytest_s not in good.out, pytest_s

    wrong = conformance("run", "--clause", "INO-COMPENDIA", "--adapter", WRONG)
    assert wrong.code == 1
    assert re.fullmatch(
        r"verdict: not conformant on INO-COMPENDIA \(\d+ passed, \d+ failed\) in [\d.]+s",
        wrong.out.splitlines()[-1],
    )
    # Each failure is headed by its pack, clause, title and stable id, once.
    headers = [line for line in wrong.out.splitlines() if line.startswith("FAILED ")]
    assert headers and all(
        re.fullmatch(
            r"FAILED inotuzumab_besponsa INO-COMPENDIA: .+ \(INO-COMPENDIA/[0-9a-f]{16}\)", h
        )
        for h in headers
    ), headers
    assert "short test summary" not in wrong.out and "conformance/suite.py::" not in wrong.out


WRONG = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:accepts_nccn_2b"


@pytest.mark.slow
def test_v_prints_one_line_a_scenario_and_v_v_gives_pytest_back() -> None:
    run = conformance("run", "--clause", "INO-CODE-DATES", "-v")
    lines = [line for line in run.out.splitlines() if line.startswith("passed ")]
    assert len(lines) == 12 and all("INO-CODE-DATES" in line for line in lines), run.out
    pytest_s = conformance("run", "--clause", "INO-CODE-DATES", "-v", "-v")
    assert "test session starts" in pytest_s.out and "PASSED" in pytest_s.out
    assert pytest_s.out.splitlines()[-1].startswith("verdict: conformant")


@pytest.mark.slow
def test_an_unreachable_engine_is_told_once() -> None:
    run = conformance("run", "--adapter", "http:http://127.0.0.1:9/v1", "--connect-timeout", "0.2")
    assert run.code == 3
    assert run.err.count("the engine cannot be reached") == 1, run.err
    assert "_pytest" not in run.out + run.err and "Exit" not in run.out + run.err
    assert run.out.splitlines()[-1].startswith("no verdict: the run stopped before the first")


@pytest.mark.slow
def test_a_misspelt_adapter_kind_is_refused_before_pytest_starts() -> None:
    run = conformance("run", "--adapter", "pyton:tests.engines.toy:decide")
    assert run.code == 2
    assert run.err == (
        "conformance: error: adapter 'pyton:tests.engines.toy:decide': unknown kind 'pyton'; "
        "known kinds: cli, crd, http, jsonl, pas, pyproc, python\n"
    )
    # Refused before the header: nothing was collected.
    assert run.out == ""


@pytest.mark.slow
def test_an_unknown_option_is_answered_with_the_kit_s_usage() -> None:
    run = conformance("run", "--frobnicate")
    assert run.code == 2
    assert run.err.startswith("usage: conformance run ")
    assert run.err.splitlines()[-1] == (
        "conformance run: error: unrecognized arguments: --frobnicate (see conformance run --help)"
    )
    assert "pytest" not in run.err and "inifile" not in run.err and "run.ini" not in run.err
