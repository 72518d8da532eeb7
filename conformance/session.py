"""One run of the kit inside pytest: the engine it opens, the results it keeps, the code it exits.

Active only once the kit's suite is collected (see :mod:`policy_conformance.plugin`). Each hook
hands off to the module that owns the job: :mod:`.collection` filters, :mod:`.engine` opens the
engine, :mod:`.outcomes` classifies, :mod:`.reporting` prints and writes.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from policy_conformance.adapters import (
    Adapter,
    AdapterOptions,
    AdapterSpecError,
    EngineError,
)

from .baseline import Baseline, load_baseline, stale_entries
from .boundary import CheckedEngine
from .carried import header_lines
from .collection import pack_of, requests_pack_of, select, template_of
from .cucumber import rewrite_cucumber
from .engine import engine_header, open_engine, resolve_adapter
from .errors import KitError
from .junit import check_parallel, junit_properties, output_paths, rewrite_junit
from .outcomes import identify, is_engine_fault, kind, plain_failure, scenario_result
from .outputs import check_outputs
from .packs import (
    Pack,
    check_clause_ids,
    check_pack_ids,
    checked_requests,
    load_packs,
    unchecked_packs,
)
from .provenance import provenance_lines
from .reporting import ReportFiles, print_clause_table, settle_baseline
from .results import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    RunResults,
    exit_code,
)

__all__ = ["EngineSession"]


class EngineSession:
    """Per-run state: the engine, the packs, the scenario results and the exit code they make."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results = RunResults(adapter=resolve_adapter(self._option("adapter")))
        self.packs: list[Pack] = []
        self.adapter: Adapter | None = None
        self.baseline: Baseline | None = None
        self._checked: CheckedEngine | None = None
        self._selected: set[str] = set()
        # Each scenario's stable id and expectations, computed once at collection.
        self._identity: dict[str, tuple[str, list[str]]] = {}
        # Each scenario's stable id by its test's name, which names it in Cucumber JSON.
        self._ids_by_test_name: dict[str, str] = {}
        self.files: ReportFiles | None = None
        self._previous_sigterm: Any = None
        self._previous_sigint: Any = None
        # Set by the kit's own SIGINT and SIGTERM handler: however pytest ends afterwards (a
        # second Ctrl-C can cut its own handling short), the run counts as interrupted.
        self._signalled = False
        # Once the run's end is settled (sessionfinish), a signal is noted rather than raised.
        self._settled = False
        self._interrupted = False
        self._stopped_with: int | None = None
        self._user_interrupted = False
        # Tests of the environment that are no scenario of the kit (a vendor's own, the kit's).
        self._other_failures = False
        # Plain failure text unless the user asked pytest for a particular traceback style.
        self._plain_failures = config.getoption("tbstyle", "auto") == "auto"
        # From the start: an interrupt during collection is the kit's to record too.
        self._interrupt_on_sigterm()

    def _option(self, name: str) -> Any:
        return self.config.getoption("conformance_" + name.replace("-", "_"))

    def _stop(self, message: str, code: int) -> None:
        """End the run before any scenario: one line on stderr, the kit's exit code."""
        self._stopped_with = code
        print(f"conformance: error: {message}", file=sys.stderr)
        pytest.exit(message.splitlines()[0], returncode=code)

    # -- collection --------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        clauses = set(self._option("clause") or ())
        names = list(self._option("scenario") or ())
        wanted = set(self._option("pack") or ())
        if not clauses and not names and not wanted:
            return
        try:
            check_clause_ids(clauses)
            check_pack_ids(wanted)
            runs = checked_requests(load_packs(), None, wanted)
        except KitError as exc:
            self._stop(str(exc), EXIT_USAGE)
        keep, drop = select(items, clauses, names, runs)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        seen: dict[str, int] = {}
        for item in session.items:
            template = template_of(item)
            if template is None:
                continue
            identifier, expected = identify(item, template)
            # Two scenarios of one clause with the very same steps: told apart by their order.
            seen[identifier] = seen.get(identifier, 0) + 1
            if seen[identifier] > 1:
                identifier = f"{identifier}-{seen[identifier]}"
            self._identity[item.nodeid] = (identifier, expected)
        self._selected = {identifier for identifier, _ in self._identity.values()}
        # Listing the scenarios (--co) needs no engine.
        if not self._selected or self.config.option.collectonly:
            return
        try:
            check_parallel(self.config)
            check_outputs(output_paths(self.config), [self._option("baseline")])
            self.packs = load_packs()
            if self._option("baseline"):
                self.baseline = load_baseline(self._option("baseline"))
            self.files = ReportFiles(
                self.packs,
                report=self._option("report"),
                summary=self._option("summary"),
                html=self._option("html"),
                write_baseline_to=self._option("write-baseline"),
            )
            self.adapter, self.results.engine = open_engine(
                self.results.adapter, self._adapter_options()
            )
        except AdapterSpecError as exc:
            self._stop(str(exc), EXIT_USAGE)
        except EngineError as exc:
            self._stop(_unreachable(exc), EXIT_UNREACHABLE)
        except KitError as exc:
            self._stop(str(exc), EXIT_USAGE)
        self._check_declared_packs(session)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(engine_header(self.results.adapter, self.results.engine))
            for line in provenance_lines(self.packs):
                reporter.write_line(line)
            for pack_id, why in self.results.not_checked.items():
                reporter.write_line(f"not checked: {pack_id}: {why}")
            for line in header_lines(self.adapter, self.results.engine):
                reporter.write_line(line)

    def _check_declared_packs(self, session: pytest.Session) -> None:
        """Leave out the scenarios of packs the engine does not implement, and say why."""
        declared = self.results.engine.get("policies")
        wanted = set(self._option("pack") or ())
        self.results.not_checked = unchecked_packs(self.packs, declared, wanted)
        runs = checked_requests(self.packs, declared, wanted)
        if not any(runs.values()):
            self._stop(
                "the engine implements none of the packs to check: "
                + "; ".join(f"{k}: {v}" for k, v in self.results.not_checked.items()),
                EXIT_USAGE,
            )
        drop = [
            item
            for item in session.items
            if (template := template_of(item)) is not None
            and requests_pack_of(item, template) not in runs.get(pack_of(template), ())
        ]
        if not drop:
            return
        dropped = {item.nodeid for item in drop}
        self.config.hook.pytest_deselected(items=drop)
        session.items[:] = [item for item in session.items if item.nodeid not in dropped]
        for nodeid in dropped:
            self._identity.pop(nodeid, None)
        self._selected = {identifier for identifier, _ in self._identity.values()}

    def _adapter_options(self) -> AdapterOptions:
        return AdapterOptions(
            timeout=self._option("engine-timeout"),
            connect_timeout=self._option("connect-timeout"),
            ca_bundle=self._option("ca-bundle"),
            token_env=self._option("token-env"),
            extra={"crd_version": self._option("crd-version")}
            if self._option("crd-version")
            else {},
        )

    def _interrupt_on_sigterm(self) -> None:
        # SIGTERM (a CI job cancelled) ends the run as Ctrl-C does: the results so far are
        # written as interrupted, never as a finished run. Installed before the engine starts,
        # so that the adapters' own handler (which ends engine processes) runs first and then
        # this one. Ctrl-C goes through the same handler, so that any number of them, at any
        # moment, is remembered even where pytest's own handling of the first is cut short.
        if threading.current_thread() is threading.main_thread() and self._previous_sigint is None:
            self._previous_sigterm = signal.signal(signal.SIGTERM, self._interrupt)
            self._previous_sigint = signal.signal(signal.SIGINT, self._interrupt)

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        # Only the first signal stops the run; the next ones, and any once the run's end is
        # settled, are noted: raised again, they would cut short the writing of the partial
        # files, or leave a finished run's files half complete or its exit code at odds with them.
        first = not self._signalled
        self._signalled = True
        if first and not self._settled:
            raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    # -- running -----------------------------------------------------------------------------

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self._checked is not None:
            self._checked.forget()

    def engine(self) -> CheckedEngine:
        if self.adapter is None:
            raise KitError("no engine is open: no scenario of the kit was selected")
        if self._checked is None:
            self._checked = CheckedEngine(self.adapter)
        return self._checked

    # Two implementations of one hook: pytest takes a method as a hook by its "pytest_" name.
    @pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_plainly(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        # A wrong answer or a broken engine is reported in the kit's words; formatting the
        # traceback through pytest-bdd first would cost more than the scenario did.
        if not self._plain_failures or call.excinfo is None or call.when != "call":
            return None
        template = template_of(item)
        if template is None or not kind(call.excinfo.value):
            return None
        return pytest.TestReport(
            item.nodeid,
            item.location,
            dict.fromkeys(item.keywords, 1),
            "failed",
            plain_failure(item, template, call.excinfo.value),
            call.when,
            # Whatever the engine printed while it decided stays with its scenario.
            [(f"Captured {key} {when}", text) for when, key, text in item._report_sections],
            call.duration,
            call.start,
            call.stop,
            user_properties=item.user_properties,
        )

    @pytest.hookimpl(wrapper=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_recorded(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        template = template_of(item)
        if template is None:
            self._other_failures |= report.failed
            return report
        error = call.excinfo.value if call.excinfo is not None else None
        if is_engine_fault(error):
            report.conformance_errored = True  # type: ignore[attr-defined]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            known = set(self.baseline.known) if self.baseline is not None else set()
            identity = self._identity.get(item.nodeid) or identify(item, template)
            result = scenario_result(item, template, report, error, known, self._checked, identity)
            self.results.scenarios.append(result)
            self._ids_by_test_name[item.name] = result.id
            # What the kit's terminal prints of the scenario: plain strings.
            report.conformance_scenario = {  # type: ignore[attr-defined]
                "id": result.id,
                "pack": result.pack,
                "clause": result.clause,
                "name": result.name,
                "outcome": result.outcome,
            }
            # pytest's JUnit XML writes the properties of the teardown's report, which copies
            # the item's: recorded on the item, they reach junit.xml.
            item.user_properties.extend(junit_properties(result))
            if self.files is not None:
                self.files.progress(self.results)
        return report

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        # pytest's own "error" category: shown in the ERRORS section with the engine's output,
        # and counted apart from failures in the closing line.
        if getattr(report, "conformance_errored", False) and report.failed:
            return "error", "E", ("ERROR", {"red": True})
        return None

    # -- the end -----------------------------------------------------------------------------

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        # pytest ends a run that could not collect with an "interruption" too; only Ctrl-C is one.
        self._user_interrupted = not isinstance(
            excinfo.value, pytest.Session.Interrupted | pytest.exit.Exception
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.results.scenarios and self.packs:
            print_clause_table(
                terminalreporter,
                self.results,
                self.packs,
                self.baseline,
                interrupted=self._user_interrupted,
            )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Runs before pytest's terminal summary, which prints what is settled here.
        self._settled = True
        if self.baseline is not None:
            settle_baseline(self.results, self.baseline, self._selected)
        self.results.strict_baseline = bool(self._option("strict-baseline"))
        signalled = self._signalled
        interrupted = signalled or int(session.exitstatus) == pytest.ExitCode.INTERRUPTED
        # The engine is ended (and all it started) before the files are written, so that
        # nothing of it is left to rewrite them.
        if self.adapter is not None:
            try:
                self.adapter.close()
            except Exception as exc:
                # An engine that breaks on the way out costs a line; its results stand.
                first = (str(exc).splitlines() or [type(exc).__name__])[0]
                print(f"conformance: error: the engine failed to close: {first}", file=sys.stderr)
        if self.files is not None and self._stopped_with is None:
            self.files.finish(self.results, interrupted=interrupted, previous=self.baseline)
        self._interrupted = signalled
        session.exitstatus = self._exit_status(int(session.exitstatus))
        if self._signalled and not signalled:
            print(
                "conformance: interrupted once the run had ended: its results stand",
                file=sys.stderr,
            )
        if self.results.strict_baseline and not interrupted:
            # One line per stale entry, for the exit code of 1 they made.
            for line in stale_entries(self.results):
                print(f"conformance: stale baseline entry: {line}", file=sys.stderr)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # In a vendor's own pytest the last line is the digest of the report as written, so that
        # a later rewrite shows; ``conformance run`` puts it on its verdict line instead.
        from .terminal import KitTerminal, report_seal

        terminal = config.pluginmanager.get_plugin("terminalreporter")
        seal = report_seal(config)
        if seal and terminal is not None and not isinstance(terminal, KitTerminal):
            terminal.write_line(seal.removeprefix("; "))
        # The run is over: the process (an export, a vendor's script) gets its handlers back.
        for signum, previous in (
            (signal.SIGTERM, self._previous_sigterm),
            (signal.SIGINT, self._previous_sigint),
        ):
            if previous is not None:
                signal.signal(signum, previous)
        self._previous_sigterm = self._previous_sigint = None

    @pytest.hookimpl(trylast=True, specname="pytest_sessionfinish")
    def pytest_sessionfinish_junit(self, session: pytest.Session) -> None:
        # After pytest's own JUnit writer, which writes the file in its sessionfinish.
        junit = self.config.getoption("xmlpath", None)
        # A parallel run's worker writes no JUnit file: its controller does (see pytest_entry).
        if junit and self.results.scenarios and not hasattr(self.config, "workerinput"):
            rewrite_junit(Path(junit), self.results, self.packs)
        # After pytest-bdd's writer, which writes the file in its sessionfinish.
        cucumber = self.config.getoption("cucumber_json_path", None)
        if cucumber and self.results.scenarios:
            rewrite_cucumber(Path(cucumber), self.results, self._ids_by_test_name)

    def _exit_status(self, status: int) -> int:
        """The kit's documented exit code for the way pytest ended and the results it kept."""
        if self._stopped_with is not None:
            return self._stopped_with
        if self._interrupted:
            return EXIT_INTERRUPTED
        if status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return EXIT_FAILED if self._other_failures else exit_code(self.results)
        if status == pytest.ExitCode.NO_TESTS_COLLECTED:
            print("conformance: error: no scenario matches the filters given", file=sys.stderr)
            return EXIT_USAGE
        if status == pytest.ExitCode.INTERRUPTED:
            return EXIT_INTERRUPTED if self._user_interrupted else EXIT_USAGE
        if status == pytest.ExitCode.INTERNAL_ERROR:
            return EXIT_INTERNAL
        return EXIT_USAGE


def _unreachable(exc: EngineError) -> str:
    """The engine cannot be reached: why, and the last lines it printed (a start-up error)."""
    message = f"the engine cannot be reached: {exc.adapter}: {exc.reason}"
    tail = [line for line in exc.detail.splitlines() if line.strip()][-5:]
    return "\n".join([message, *(f"  {line}" for line in tail)])
