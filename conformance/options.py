"""The options of a run, declared once for every entrance.

``conformance run`` spells them ``--adapter``; inside any pytest they are ``--conformance-adapter``
so that they never collide with another project's options. Both spellings store into the same
destination, take the same values and read the same environment variable,
``CONFORMANCE_<NAME>``. This module imports nothing heavy: pytest loads it in every run of an
environment the kit is installed in.

``conformance run`` reads the environment when it parses its arguments, and refuses a bad value
before pytest starts. Inside another pytest the options are declared without it (every default
unset), and :func:`fill_from_environment` reads and checks the variables only once the kit's
suite is collected: a project that collects no scenario of the kit is never affected by them.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "ADAPTER_ALIASES",
    "DEFAULT_ADAPTER",
    "OPTIONS",
    "PREFIX",
    "EnvironmentValueError",
    "Option",
    "UnknownArgument",
    "declare",
    "fill_from_environment",
    "flags",
    "parallel_output",
    "parallel_workers",
    "seconds",
]

#: The kit's own output files: a run split over processes could write none of them whole.
OUTPUTS = ("report", "summary", "write-baseline")

#: The reference engine through the Python adapter: the target when no adapter is named.
DEFAULT_ADAPTER = "python:policy_conformance.reference:ReferenceEngine"

#: Short names for adapter strings a user types often.
ADAPTER_ALIASES = {"reference": DEFAULT_ADAPTER}

#: What every option is called inside someone else's pytest.
PREFIX = "conformance-"


class EnvironmentValueError(ValueError):
    """A ``CONFORMANCE_<NAME>`` variable whose value the option would refuse on the command line."""


class UnknownArgument(Exception):
    """An argument of ``conformance run`` that neither the kit nor pytest takes: answered with
    the usage of ``conformance run``, as argparse answers its own."""


def seconds(text: str) -> float:
    """A duration on the command line: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of seconds above 0")
    return value


@dataclass(frozen=True)
class Option:
    """One option of a run, as both entrances declare it."""

    name: str
    help: str
    metavar: str
    type: Callable[[str], Any] = str
    default: Any = None
    repeatable: bool = False
    #: An on/off switch: takes no value; its environment variable is on when set to 1, true or yes.
    switch: bool = False

    @property
    def flag(self) -> str:
        """The spelling under ``conformance run``."""
        return f"--{self.name}"

    @property
    def prefixed_flag(self) -> str:
        """The spelling inside any pytest run."""
        return f"--{PREFIX}{self.name}"

    @property
    def dest(self) -> str:
        return "conformance_" + self.name.replace("-", "_")

    @property
    def environment_variable(self) -> str:
        return "CONFORMANCE_" + self.name.replace("-", "_").upper()

    def default_from(self, environ: Mapping[str, str]) -> Any:
        """The default, or the environment variable's value when it is set and not empty.

        A value from the environment is a string: argparse converts and checks it exactly as it
        does a value typed on the command line. A repeatable option takes a comma-separated list.
        """
        value = environ.get(self.environment_variable)
        if self.switch:
            return (value or "").strip().lower() in ("1", "true", "yes")
        if not value:
            return [] if self.repeatable else self.default
        if self.repeatable:
            return [self.type(part.strip()) for part in value.split(",") if part.strip()]
        return value

    def value_from(self, environ: Mapping[str, str]) -> Any:
        """The option's value when the command line left it unset: from its environment
        variable, converted and checked as the command line's would be, or its default.

        Raises :class:`EnvironmentValueError` naming the variable for a value that does not do.
        """
        value = self.default_from(environ)
        if self.switch or self.repeatable or value is None or value == self.default:
            return value
        try:
            return self.type(value)
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise EnvironmentValueError(f"${self.environment_variable}: {exc}") from None

    def arguments(self, environ: Mapping[str, str], *, unset: bool = False) -> dict[str, Any]:
        """Keyword arguments for ``add_argument``/``addoption``, shared by both entrances.

        ``unset``: every default left unset (``None``, ``[]``, off), to be filled in by
        :func:`fill_from_environment` once the kit's suite is collected.
        """
        shown_default = f" (default {self.default})" if self.default is not None else ""
        if unset:
            default: Any = False if self.switch else ([] if self.repeatable else None)
        else:
            default = self.default_from(environ)
        if self.switch:
            return {
                "dest": self.dest,
                "default": default,
                "action": "store_true",
                "help": f"{self.help}; or ${self.environment_variable}=1",
            }
        return {
            "dest": self.dest,
            "metavar": self.metavar,
            "type": self.type,
            "default": default,
            "action": "append" if self.repeatable else "store",
            "help": f"{self.help}{shown_default}; or ${self.environment_variable}",
        }


OPTIONS: tuple[Option, ...] = (
    Option(
        "adapter",
        "the engine, as KIND:TARGET, or 'reference' for the kit's reference engine",
        "SPEC",
        default="reference",
    ),
    Option(
        "pack",
        "check only this pack (repeatable); by default every pack the engine implements",
        "ID",
        repeatable=True,
    ),
    Option(
        "packs",
        "also check the packs in DIR, a folder laid out as the kit's (features/, fixtures/)",
        "DIR",
    ),
    Option("clause", "run only this clause's scenarios (repeatable)", "ID", repeatable=True),
    Option(
        "scenario",
        "run only scenarios whose name contains TEXT (repeatable)",
        "TEXT",
        repeatable=True,
    ),
    Option(
        "report",
        "write the JSON report: engine, verdict per clause, result per scenario",
        "PATH",
        type=Path,
    ),
    Option(
        "summary",
        "write a Markdown summary to hand to the payer: verdicts, readings, failures",
        "PATH",
        type=Path,
    ),
    Option(
        "html",
        "write the HTML report, one self-contained page: verdicts, failures, every scenario",
        "PATH",
        type=Path,
    ),
    Option(
        "baseline",
        "known failures: still run and reported, but they do not decide the exit code",
        "PATH",
        type=Path,
    ),
    Option(
        "write-baseline",
        "record this run's failed and errored scenarios as known failures",
        "PATH",
        type=Path,
    ),
    Option(
        "strict-baseline",
        "fail the run on a stale baseline entry: one that passes now or names no scenario",
        "",
        switch=True,
    ),
    Option(
        "engine-timeout",
        "how long the engine may take over one case, in seconds",
        "S",
        type=seconds,
        default=30.0,
    ),
    Option(
        "connect-timeout",
        "how long to wait and retry until the engine is reachable, in seconds",
        "S",
        type=seconds,
        default=5.0,
    ),
    Option("ca-bundle", "private CA certificates for an HTTPS engine", "PEM"),
    Option("token-env", "environment variable holding the HTTP engine's bearer token", "NAME"),
    Option(
        "crd-version",
        "the Da Vinci CRD version a crd: engine is held to: 2.0.1, 2.1 or 2.2 (default 2.2)",
        "V",
    ),
)


class _Declares(Protocol):
    def __call__(self, *flags: str, **arguments: Any) -> Any: ...


def declare(add: _Declares, *, prefixed: bool, environ: Mapping[str, str] | None = None) -> None:
    """Declare every option through ``add``: argparse's add_argument or pytest's addoption.

    The prefixed spellings (someone else's pytest) are declared unset: the environment is read
    only by :func:`fill_from_environment`, when the kit's suite is collected.
    """
    environment = os.environ if environ is None else environ
    for option in OPTIONS:
        add(
            option.prefixed_flag if prefixed else option.flag,
            **option.arguments(environment, unset=prefixed),
        )


def fill_from_environment(namespace: Any, environ: Mapping[str, str] | None = None) -> None:
    """Give every option the command line left unset its value from ``CONFORMANCE_<NAME>``, or
    its default; :class:`EnvironmentValueError` names the first variable whose value does not do.
    """
    environment = os.environ if environ is None else environ
    for option in OPTIONS:
        current = getattr(namespace, option.dest, None)
        if current is None or current is False or current == []:
            setattr(namespace, option.dest, option.value_from(environment))


def parallel_output(config: Any) -> str | None:
    """The first of the kit's output options asked for in a parallel (pytest-xdist) run.

    Each worker process sees only its share of the scenarios: a report, summary or baseline
    written by one would hold part of the run, and a verdict that is not the run's.
    """
    if not parallel_workers(config):
        return None
    for name in (*OUTPUTS, "html"):
        if config.getoption("conformance_" + name.replace("-", "_"), None):
            return f"--{PREFIX}{name}"
    return None


def parallel_workers(config: Any) -> bool:
    """Whether pytest-xdist is asked to start workers, however it was asked.

    Read from the parsed options, so that ``-n`` on the command line, in an ``@file``, in an ini
    file's ``addopts``, through ``-o addopts=`` or through ``PYTEST_ADDOPTS`` are all seen.
    """
    return bool(config.getoption("numprocesses", None) or config.getoption("tx", None))


def flags(*, prefixed: bool) -> Iterator[str]:
    """Every option's spelling under one entrance."""
    for option in OPTIONS:
        yield option.prefixed_flag if prefixed else option.flag
