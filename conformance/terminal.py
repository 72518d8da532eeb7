"""What ``conformance run`` prints: the kit's own header, progress, failures and verdict.

pytest's terminal reporter, taught to speak for the kit. It replaces pytest's reporter in
``conformance run`` only (a vendor's own pytest keeps pytest's). The header names the kit, the
contract, the adapter and the packs; ``-v`` prints one line per scenario, otherwise a progress
indicator; the failure section names each scenario by pack, clause, title and stable id, once,
in one pass over the failures; the last line is the verdict, so that ``conformance run | tail
-1`` is the verdict and ``| head -3`` the header. pytest's banner, plugin list, per-test lines,
tracebacks of the kit's own stops and closing counts come back with ``--debug`` or ``-v -v``.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

import pytest
from _pytest.terminal import TerminalReporter

__all__ = ["SCENARIO_ATTRIBUTE", "KitTerminal", "install"]

#: The report attribute on which the kit's session leaves the scenario a report is about: a
#: dict of plain strings (``id``, ``pack``, ``clause``, ``name``, ``outcome``).
SCENARIO_ATTRIBUTE = "conformance_scenario"
#: The least time between two redraws of the progress line on a terminal.
REDRAW_INTERVAL = 0.1
#: The kit's session plugin, by the name it is registered under.
SESSION = "policy-conformance-session"


def install(config: pytest.Config) -> None:
    """Put the kit's terminal in the place of pytest's, under the same plugin name."""
    standard = config.pluginmanager.get_plugin("terminalreporter")
    if standard is None or isinstance(standard, KitTerminal):
        return
    config.pluginmanager.unregister(standard)
    config.pluginmanager.register(KitTerminal(config), "terminalreporter")


# pytest marks its reporter final for type checkers only; the kit overrides the methods that
# print (header, progress, failures, closing line) and keeps everything else pytest's, so that
# every plugin that writes through the "terminalreporter" finds the object it expects.
class KitTerminal(TerminalReporter):  # type: ignore[misc]
    """pytest's terminal reporter, speaking for the kit."""

    def __init__(self, config: pytest.Config) -> None:
        super().__init__(config)
        #: ``--debug`` or ``-v -v``: pytest's own output, as pytest prints it.
        self.pytest_speaks = bool(config.option.debug) or config.option.verbose >= 2
        self._scenarios_done = 0
        self._counts = {"passed": 0, "failed": 0, "errored": 0, "skipped": 0}
        self._last_redraw = 0.0
        self._interrupted = False
        self._kit_failures: list[pytest.TestReport] = []

    # -- the header ------------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        super().pytest_sessionstart(session) if self.pytest_speaks else self._quiet_start(session)
        for line in header_lines(self.config):
            self.write_line(line)
        self.flush()

    def _quiet_start(self, session: pytest.Session) -> None:
        from _pytest import timing

        self._session = session
        self._session_start = timing.Instant()

    def pytest_collection(self) -> None:
        if self.pytest_speaks:
            super().pytest_collection()

    def report_collect(self, final: bool = False) -> None:
        if self.pytest_speaks:
            super().report_collect(final)

    # -- running -----------------------------------------------------------------------------

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        if self.pytest_speaks:
            super().pytest_runtest_logstart(nodeid, location)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario = getattr(report, SCENARIO_ATTRIBUTE, None)
        if self.pytest_speaks or scenario is None:
            super().pytest_runtest_logreport(report)
            return
        self._tests_ran = True
        category, *_ = self.config.hook.pytest_report_teststatus(report=report, config=self.config)
        self._add_stats(category, [report])
        # pytest types this set by its own NodeId from 9.2 on, by str before: held as Any.
        reported: set[Any] = self._progress_nodeids_reported
        reported.add(report.nodeid)
        outcome = scenario["outcome"]
        self._counts[outcome] = self._counts.get(outcome, 0) + 1
        self._scenarios_done += 1
        if outcome in ("failed", "errored"):
            self._kit_failures.append(report)
        if self.verbosity >= 1:
            self.write_line(scenario_line(scenario), **_markup(outcome))
        elif self.isatty():
            self._redraw()
        else:
            letter = {"passed": ".", "failed": "F", "errored": "E"}.get(outcome, "s")
            self.write(letter, **_markup(outcome))
            if self._scenarios_done % 72 == 0:
                self.write(f" {self._progress()}\n")
        self.flush()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self) -> Generator[None, object, object]:
        if self.pytest_speaks:
            return (yield from super().pytest_runtestloop())
        result = yield
        self._end_progress()
        return result

    def _progress(self) -> str:
        total = self._session.testscollected if self._session is not None else 0
        return f"[{self._scenarios_done}/{total}]"

    def _redraw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_redraw < REDRAW_INTERVAL:
            return
        self._last_redraw = now
        counts = ", ".join(f"{n} {o}" for o, n in self._counts.items() if n or o == "passed")
        self.rewrite(f"running {self._progress()}: {counts}", erase=True)

    def _end_progress(self) -> None:
        if not self._scenarios_done or self.verbosity >= 1:
            return
        if self.isatty():
            self._redraw(force=True)
            self.write("\n")
        elif self._scenarios_done % 72:
            self.write(f" {self._progress()}\n")

    # -- the end -----------------------------------------------------------------------------

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        if self.pytest_speaks:
            super().pytest_keyboard_interrupt(excinfo)
            return
        # The kit's own stop (pytest.exit) was printed once already, as one line on stderr.
        self._interrupted = not isinstance(excinfo.value, pytest.exit.Exception)

    def summary_failures(self) -> None:
        if self.pytest_speaks:
            super().summary_failures()
            return
        kit = {id(report) for report in self._kit_failures}
        others = [r for r in self.getreports("failed") if id(r) not in kit]
        if self._kit_failures:
            self.write_sep("=", "failures")
            # One pass over the failures: nothing here looks through every report again.
            for report in self._kit_failures:
                self._kit_failure(report)
        if others:
            self.write_sep("=", "failures of other tests")
            for report in others:
                self.write_sep("_", report.head_line or report.nodeid, red=True, bold=True)
                self._outrep_summary(report)

    def summary_errors(self) -> None:
        if self.pytest_speaks:
            super().summary_errors()
            return
        kit = {id(report) for report in self._kit_failures}
        others = [r for r in self.getreports("error") if id(r) not in kit]
        if others:
            self.write_sep("=", "errors of other tests")
            for report in others:
                self.write_sep("_", report.head_line or report.nodeid, red=True, bold=True)
                self._outrep_summary(report)

    def _kit_failure(self, report: pytest.TestReport) -> None:
        scenario = getattr(report, SCENARIO_ATTRIBUTE)
        self.write_line(failure_header(scenario), red=True, bold=True)
        self._outrep_summary(report)
        self.write_line("")

    def short_test_summary(self) -> None:
        if self.pytest_speaks:
            super().short_test_summary()

    def summary_stats(self) -> None:
        if self.pytest_speaks:
            super().summary_stats()
        if self.verbosity < -1:
            return
        code = int(self._session.exitstatus) if self._session is not None else 0
        if self.config.option.collectonly and self._session is not None:
            line = (
                f"no verdict: {len(self._session.items)} of {self._numcollected} scenarios "
                "listed, no engine run"
            )
            self.write_line(line)
            return
        line, outcome = verdict_line(self.config, self._interrupted, code)
        if line.startswith("verdict: "):
            line += f" in {self._session_start.elapsed().seconds:.2f}s"
        self.write_line(line + report_seal(self.config), **_markup(outcome))

    def _report_keyboardinterrupt(self) -> None:
        if self.pytest_speaks:
            super()._report_keyboardinterrupt()


def header_lines(config: pytest.Config) -> list[str]:
    """The kit's header: kit and contract, adapter, packs (the engine follows once opened)."""
    from policy_conformance import contract

    from . import __version__
    from .engine import resolve_adapter
    from .packs import load_packs

    adapter = resolve_adapter(config.getoption("conformance_adapter") or "reference")
    wanted = set(config.getoption("conformance_pack") or ())
    packs = [p.id for p in load_packs() if not wanted or p.id in wanted or p.kind != "policy"]
    return [
        f"policy-conformance {__version__} (contract {contract.CONTRACT_VERSION})",
        f"adapter: {adapter}",
        f"packs: {', '.join(packs)}",
    ]


def scenario_line(scenario: dict[str, str]) -> str:
    """One scenario as ``-v`` prints it."""
    return f"{scenario['outcome']:<8} {scenario['clause']:<20} {scenario['name']}"


def failure_header(scenario: dict[str, str]) -> str:
    """The header of one failure: pack, clause, title, stable id."""
    word = "FAILED" if scenario["outcome"] == "failed" else "ERRORED"
    return f"{word} {scenario['pack']} {scenario['clause']}: {scenario['name']} ({scenario['id']})"


def verdict_line(config: pytest.Config, interrupted: bool, code: int) -> tuple[str, str]:
    """The run's last line, and the outcome that colours it."""
    from .reporting import verdict_of
    from .results import EXIT_INTERRUPTED

    session = config.pluginmanager.get_plugin(SESSION)
    if interrupted or code == EXIT_INTERRUPTED:
        return "interrupted: no verdict", "errored"
    if session is None:
        return f"no verdict: no scenario of the kit was collected (exit {code})", "errored"
    stopped = getattr(session, "_stopped_with", None) is not None
    return verdict_of(session.results, session.packs, code, stopped=stopped)


def report_seal(config: pytest.Config) -> str:
    """What the last line adds for a run that wrote a report: its path and the digest of what was
    written, so that a rewrite of the report after the run shows (empty without a report)."""
    session = config.pluginmanager.get_plugin(SESSION)
    files = getattr(session, "files", None)
    written = getattr(files, "written", None)
    if written is None:
        return ""
    path, digest = written
    return f"; report {path}: {digest}"


def _markup(outcome: str) -> dict[str, bool]:
    colour = {"passed": "green", "failed": "red", "errored": "red", "skipped": "yellow"}
    return {colour.get(outcome, "yellow"): True}
