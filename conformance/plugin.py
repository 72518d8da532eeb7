"""The kit's pytest plugin: switched on by collecting the kit's suite, never by being installed.

:mod:`policy_conformance.suite` registers this module while pytest collects it; then it turns the
features' ``@clause:``/``@reading:``/``@pack:`` tags into markers and hands the run to an
:class:`~policy_conformance.session.EngineSession`, which opens the engine before the first
scenario, keeps one result a scenario, prints the per-clause table and sets the exit code.
"""

from __future__ import annotations

import gc
import hashlib
import sys
from collections.abc import Callable

import pytest

from .boundary import CheckedEngine
from .collection import apply_tag
from .options import EnvironmentValueError, fill_from_environment
from .results import EXIT_USAGE
from .session import EngineSession

__all__ = ["NAME", "case_id", "engine"]

#: The name the plugin and its session are registered under.
NAME = "policy-conformance-suite"
SESSION = "policy-conformance-session"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(id): the catalogue clause a scenario checks")
    config.addinivalue_line("markers", "reading(id): the reading of ambiguous text it confirms")
    config.addinivalue_line("markers", "pack(id): the policy pack a scenario belongs to")
    config.addinivalue_line("markers", "applies: a scenario where its clause applies")
    config.addinivalue_line("markers", "near-miss: a scenario where its clause just does not apply")
    if config.pluginmanager.get_plugin(SESSION) is None:
        # The kit's CONFORMANCE_* variables, read and checked now that its suite is collected.
        try:
            fill_from_environment(config.option)
        except EnvironmentValueError as exc:
            config.pluginmanager.register(_Refusal(str(exc)), SESSION)
            return
        config.pluginmanager.register(EngineSession(config), SESSION)


class _Refusal:
    """Ends the run once collection is over (a module being collected cannot end it cleanly)."""

    def __init__(self, message: str) -> None:
        self.message = message

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self) -> None:
        print(f"conformance: error: {self.message}", file=sys.stderr)
        pytest.exit(self.message, returncode=EXIT_USAGE)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # What collection built (features, items, fixtures) lives until the run ends: kept out of the
    # garbage collector's sweeps, which otherwise walk it again and again, and five times at exit.
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Callable[..., object]) -> bool | None:
    return apply_tag(tag, function)


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> CheckedEngine:
    """The engine under test, checked against the contract in both directions."""
    session = request.config.pluginmanager.get_plugin(SESSION)
    assert isinstance(session, EngineSession)
    return session.engine()


@pytest.fixture
def case_id(request: pytest.FixtureRequest) -> str:
    """A case id unique to this scenario run, stable from run to run."""
    digest = hashlib.sha1(request.node.nodeid.encode(), usedforsecurity=False).hexdigest()
    return f"case-{digest[:12]}"
