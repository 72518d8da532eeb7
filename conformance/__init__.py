"""policy-conformance: checks that an engine decides as a medical policy says, clause by clause.

``conformance run`` (see :mod:`conformance.cli`) wraps pytest with the kit's plugin
(:mod:`conformance.plugin`), which drives an engine through an adapter over every scenario of
every policy pack and reports a verdict per clause.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policy-conformance")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
