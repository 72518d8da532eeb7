"""policy-conformance: checks that an engine decides as a medical policy says, clause by clause.

Everything the kit installs lives in this one package: the runner and the pytest plugin here,
and the subpackages ``adapters``, ``contract``, ``reference``, ``steps``, ``features`` and
``fixtures``. ``conformance run`` (:mod:`policy_conformance.cli`) runs pytest with the kit's
plugin over every scenario of every policy pack and reports a verdict per clause.

Importing the package costs nothing: pytest loads it in every run of an environment the kit is
installed in, so it imports no submodule and reads its version only when asked.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("policy-conformance")
        except PackageNotFoundError:  # a checkout that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
