"""The pytest plugin: drives an engine through the policy packs' scenarios, reports per clause.

Registered through the ``pytest11`` entry point. It adds ``--adapter`` and its options, turns the
``@clause:``/``@reading:`` tags of the features into markers, opens the engine once before the
first scenario, keeps one result a scenario and prints the per-clause table at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from policy_conformance import contract
from policy_conformance.adapters import (
    Adapter,
    AdapterError,
    AdapterOptions,
    AdapterSpecError,
    EngineError,
    EngineUnreachable,
    open_adapter,
)

from . import paths
from .baseline import Baseline, load_baseline, write_baseline
from .boundary import CheckedEngine, ContractViolation
from .errors import KitError
from .packs import Pack, check_clause_ids, display, load_packs
from .results import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    RunResults,
    ScenarioResult,
    clause_table,
    write_atomically,
)
from .summary import render_summary

__all__ = [
    "DEFAULT_ADAPTER",
    "EngineSession",
    "PreopenedEngine",
    "check_metadata",
    "open_engine",
]

#: The reference engine through the Python adapter: the target when no adapter is named.
DEFAULT_ADAPTER = "python:policy_conformance.reference:ReferenceEngine"

CLAUSE_TAG = "clause:"
READING_TAG = "reading:"
PACK_TAG = "pack:"
POLARITIES = ("applies", "near-miss")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "policy conformance")
    group.addoption(
        "--adapter",
        default=os.environ.get("CONFORMANCE_ADAPTER") or DEFAULT_ADAPTER,
        help="the engine to check, as KIND:TARGET (default: the reference engine, "
        f"{DEFAULT_ADAPTER}; or $CONFORMANCE_ADAPTER)",
    )
    group.addoption(
        "--engine-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long an engine may take over one case (default 30)",
    )
    group.addoption(
        "--connect-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for an engine to be reachable (default 5)",
    )
    group.addoption(
        "--ca-bundle", metavar="PEM", help="private CA certificates for an HTTPS engine"
    )
    group.addoption(
        "--token-env",
        metavar="VARIABLE",
        help="environment variable holding a bearer token for an HTTP engine",
    )
    group.addoption(
        "--clause",
        action="append",
        default=[],
        metavar="ID",
        help="run only the scenarios of this clause (repeatable)",
    )
    group.addoption(
        "--scenario",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only scenarios whose name contains TEXT (repeatable)",
    )
    group.addoption(
        "--baseline",
        metavar="PATH",
        help="known failures: still run and reported, but they do not decide the exit code",
    )
    group.addoption(
        "--write-baseline",
        metavar="PATH",
        help="record this run's failed and errored scenarios as a baseline",
    )
    group.addoption(
        "--conformance-summary",
        metavar="PATH",
        help="write a Markdown summary of the run, to hand to a payer",
    )
    group.addoption(
        "--conformance-report", metavar="PATH", help="write the machine-readable JSON report here"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(id): the catalogue clause a scenario checks")
    config.addinivalue_line("markers", "reading(id): the reading of ambiguous text it confirms")
    config.addinivalue_line("markers", "pack(id): the policy pack a scenario belongs to")
    config.addinivalue_line("markers", "applies: a scenario where its clause applies")
    config.addinivalue_line("markers", "near-miss: a scenario where its clause just does not apply")
    config.pluginmanager.register(EngineSession(config), "conformance-session")


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Callable[..., object]) -> bool | None:
    # Clause and reading ids carry characters a marker name cannot; keep them as arguments.
    marks = (
        (CLAUSE_TAG, pytest.mark.clause),
        (READING_TAG, pytest.mark.reading),
        (PACK_TAG, pytest.mark.pack),
    )
    for prefix, mark in marks:
        if tag.startswith(prefix):
            mark(tag[len(prefix) :])(function)
            return True
    return None


def scenario_of(item: pytest.Item) -> Any | None:
    """The pytest-bdd scenario template behind a collected item, or None for a plain test."""
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:
        return None


def open_engine(spec: str, options: AdapterOptions) -> tuple[Adapter, dict[str, Any]]:
    """Open an adapter and check the engine before any case: reachable, well described, compatible.

    Raises :class:`AdapterSpecError` for a bad adapter string, :class:`EngineUnreachable` when the
    engine cannot be reached, and :class:`KitError` for an incompatible engine.
    """
    adapter = open_adapter(spec, options)
    try:
        metadata = adapter.metadata()
        check_metadata(spec, metadata)
    except BaseException:
        adapter.close()
        raise
    return adapter, metadata


def check_metadata(spec: str, metadata: dict[str, Any]) -> None:
    violations = contract.violations("metadata", metadata)
    if violations:
        raise EngineUnreachable(
            spec,
            "its metadata breaks contract/metadata.schema.json: " + "; ".join(map(str, violations)),
        )
    version = metadata["contract_version"]
    if not contract.compatible(version):
        raise KitError(
            f"{spec}: the engine speaks contract {version}; this kit speaks "
            f"{contract.CONTRACT_VERSION} (major versions must match)"
        )


def engine_header(spec: str, metadata: dict[str, Any]) -> str:
    name = metadata.get("name", "?")
    version = metadata.get("version")
    policies = ", ".join(metadata.get("policies", [])) or "not stated"
    described = f"{name} {version}" if version else name
    return (
        f"engine: {described} via {spec} (contract {metadata.get('contract_version')}; "
        f"policies: {policies})"
    )


class PreopenedEngine:
    """An engine opened and checked by `conformance run` before pytest starts.

    Handed to pytest as a plugin object; the session fills in ``results`` for the runner.
    """

    def __init__(self, adapter: Adapter, metadata: dict[str, Any]) -> None:
        self.adapter = adapter
        self.metadata = metadata
        self.results: RunResults | None = None


def _preopened(config: pytest.Config) -> PreopenedEngine | None:
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, PreopenedEngine):
            return plugin
    return None


class EngineSession:
    """Per-run state: the engine, the packs and the scenario results."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results = RunResults(adapter=config.getoption("adapter"))
        self.packs: list[Pack] = []
        self.adapter: Adapter | None = None
        self._checked: CheckedEngine | None = None
        self.baseline: Baseline | None = None
        self._selected: list[pytest.Item] = []
        baseline = config.getoption("baseline")
        if baseline:
            try:
                self.baseline = load_baseline(Path(baseline))
            except KitError as exc:
                raise pytest.UsageError(str(exc)) from None
        # Plain failure text unless the user asked pytest for a particular traceback style.
        self._plain_failures = config.getoption("tbstyle", "auto") == "auto"

    # -- collection --------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        wanted_clauses = set(config.getoption("clause"))
        wanted_names = [t.lower() for t in config.getoption("scenario")]
        if not wanted_clauses and not wanted_names:
            return
        try:
            check_clause_ids(wanted_clauses)
        except KitError as exc:
            raise pytest.UsageError(str(exc)) from None
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            template = scenario_of(item)
            if template is None:
                keep.append(item)
                continue
            clauses = {m.args[0] for m in item.iter_markers("clause")}
            name = template.name.lower()
            ok = (not wanted_clauses or clauses & wanted_clauses) and (
                not wanted_names or any(t in name for t in wanted_names)
            )
            (keep if ok else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._selected = [item for item in session.items if scenario_of(item)]
        if not self._selected:
            return
        try:
            self.packs = load_packs()
        except KitError as exc:
            pytest.exit(str(exc), returncode=EXIT_USAGE)
        runner = _preopened(self.config)
        if runner is not None:
            # `conformance run` opened and checked the engine already, before pytest started.
            self.adapter, self.results.engine = runner.adapter, runner.metadata
            runner.results = self.results
        else:
            options = options_from(self.config)
            try:
                self.adapter, self.results.engine = open_engine(self.results.adapter, options)
            except AdapterSpecError as exc:
                pytest.exit(str(exc), returncode=EXIT_USAGE)
            except EngineError as exc:
                pytest.exit(f"the engine cannot be reached: {exc}", returncode=EXIT_UNREACHABLE)
            except KitError as exc:
                pytest.exit(str(exc), returncode=EXIT_USAGE)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(engine_header(self.results.adapter, self.results.engine))

    # -- running -----------------------------------------------------------------------------

    def engine(self) -> CheckedEngine:
        if self.adapter is None:
            raise KitError(
                "no engine is open: scenarios must be collected by the conformance plugin"
            )
        if self._checked is None:
            self._checked = CheckedEngine(self.adapter)
        return self._checked

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        template = scenario_of(item)
        if template is None:
            return
        errored = call.excinfo is not None and call.excinfo.errisinstance((AdapterError, KitError))
        if errored:
            report.conformance_errored = True  # type: ignore[attr-defined]
        error = call.excinfo.value if call.excinfo is not None else None
        if report.failed and error is not None and self._plain_failures and _kind(error):
            # What a vendor needs is the scenario, its clause and what went wrong; the
            # traceback through pytest-bdd and the kit says nothing about their engine.
            report.longrepr = _plain_failure(item, template, error)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            result = self._result(item, template, report, errored, error)
            self.results.scenarios.append(result)
            # JUnit has no "errored in the call": these properties keep the kit's three results
            # and the clauses apart for a CI system reading junit.xml.
            report.user_properties.append(("conformance.outcome", result.outcome))
            report.user_properties.append(("conformance.clauses", " ".join(result.clauses)))

    def _result(
        self,
        item: pytest.Item,
        template: Any,
        report: pytest.TestReport,
        errored: bool,
        error: BaseException | None,
    ) -> ScenarioResult:
        if report.skipped:
            outcome = "skipped"
        elif report.passed:
            outcome = "passed"
        else:
            outcome = "errored" if errored else "failed"
        message = ""
        if outcome in ("failed", "errored"):
            message = _describe(error) if error is not None else str(report.longrepr)
        polarity = next((p for p in POLARITIES if item.get_closest_marker(p)), None)
        name = _scenario_name(item, template)
        key = f"{_feature_key(template)}::{name}"
        known = (
            outcome in ("failed", "errored")
            and self.baseline is not None
            and key in self.baseline.known
        )
        return ScenarioResult(
            nodeid=item.nodeid,
            key=key,
            known=known,
            name=name,
            feature=display(Path(template.feature.filename)),
            line=template.line_number,
            clauses=sorted({m.args[0] for m in item.iter_markers("clause")}),
            readings=sorted({m.args[0] for m in item.iter_markers("reading")}),
            polarity=polarity,
            outcome=outcome,  # type: ignore[arg-type]
            message=message,
            duration=round(report.duration, 6),
        )

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        # pytest's own "error" category: shown in the ERRORS section with the engine's output,
        # and counted apart from failures in the closing line.
        if getattr(report, "conformance_errored", False) and report.failed:
            return "error", "E", ("ERROR", {"red": True})
        return None

    # -- reporting ---------------------------------------------------------------------------

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.results.scenarios or not self.packs:
            return
        verdicts = self.results.verdicts(self.packs)
        terminalreporter.section("conformance by clause")
        terminalreporter.write_line(engine_header(self.results.adapter, self.results.engine))
        for line in clause_table(verdicts):
            terminalreporter.write_line(line)
        totals = ", ".join(
            f"{self.results.count(o)} {o}" for o in ("passed", "failed", "errored", "skipped")
        )
        terminalreporter.write_line(f"scenarios: {totals}")
        if self.baseline is not None:
            self._baseline_summary(terminalreporter)

    def _settle_baseline(self) -> None:
        """Which known failures passed, and which name no scenario that was selected."""
        if self.baseline is None:
            return
        ran = {s.key: s for s in self.results.scenarios}
        self.results.fixed = sorted(
            k for k in self.baseline.known if k in ran and ran[k].outcome == "passed"
        )
        selected = {_scenario_key(item) for item in self._selected}
        self.results.unmatched = sorted(k for k in self.baseline.known if k not in selected)

    def _baseline_summary(self, terminalreporter: Any) -> None:
        assert self.baseline is not None
        known = sum(s.known for s in self.results.scenarios)
        terminalreporter.write_line(
            f"baseline {self.baseline.path}: {known} known failure(s) did not decide the exit code"
        )
        for key in self.results.fixed:
            terminalreporter.write_line(f"  now passes, remove it from the baseline: {key}")
        for key in self.results.unmatched:
            terminalreporter.write_line(f"  names no scenario of this run: {key}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Runs before pytest's terminal summary, which prints what is settled here.
        self._settle_baseline()
        write_to = self.config.getoption("write_baseline")
        if write_to and self.packs:
            write_baseline(Path(write_to), self.results)
        report_path = self.config.getoption("conformance_report")
        summary_path = self.config.getoption("conformance_summary")
        if (report_path or summary_path) and self.packs:
            from . import __version__

            report = self.results.report(self.packs, __version__, contract.CONTRACT_VERSION)
            if report_path:
                write_atomically(Path(report_path), json.dumps(report, indent=2) + "\n")
            if summary_path:
                write_atomically(Path(summary_path), render_summary(report))
        if self.adapter is not None and _preopened(self.config) is None:
            self.adapter.close()


def _feature_key(template: Any) -> str:
    path = Path(template.feature.filename)
    try:
        return path.resolve().relative_to(paths.FEATURES.resolve()).as_posix()
    except ValueError:
        return path.name


def _scenario_key(item: pytest.Item) -> str:
    template = scenario_of(item)
    return f"{_feature_key(template)}::{_scenario_name(item, template)}"


def _scenario_name(item: pytest.Item, template: Any) -> str:
    example = getattr(item, "callspec", None)
    return str(template.name) + (f" [{example.id}]" if example is not None else "")


def _kind(error: BaseException) -> str:
    """How the kit names an exception from a scenario; empty for an unexpected one."""
    if isinstance(error, ContractViolation):
        return "contract violation"
    if isinstance(error, AssertionError):
        return "wrong decision"
    if isinstance(error, AdapterError):
        return "engine error"
    if isinstance(error, KitError):
        return "kit error"
    return ""


def _describe(error: BaseException) -> str:
    return f"{_kind(error) or type(error).__name__}: {error}"


def _plain_failure(item: pytest.Item, template: Any, error: BaseException) -> str:
    clauses = ", ".join(sorted({m.args[0] for m in item.iter_markers("clause")}))
    where = f"{display(Path(template.feature.filename))}:{template.line_number}"
    scenario = _scenario_name(item, template)
    return f"Scenario: {scenario} ({where})\nClause: {clauses}\n{_describe(error)}"


def options_from(config: pytest.Config) -> AdapterOptions:
    return AdapterOptions(
        timeout=config.getoption("engine_timeout"),
        connect_timeout=config.getoption("connect_timeout"),
        ca_bundle=config.getoption("ca_bundle"),
        token_env=config.getoption("token_env"),
    )


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> Iterator[CheckedEngine]:
    """The engine under test, checked against the contract in both directions."""
    session = request.config.pluginmanager.get_plugin("conformance-session")
    assert isinstance(session, EngineSession)
    yield session.engine()


@pytest.fixture
def case_id(request: pytest.FixtureRequest) -> str:
    """A case id unique to this scenario run, stable from run to run."""
    import hashlib

    digest = hashlib.sha1(request.node.nodeid.encode(), usedforsecurity=False).hexdigest()
    return f"case-{digest[:12]}"
