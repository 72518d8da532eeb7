"""The kit's own failures: the kit is misconfigured, not the engine.

A :class:`KitError` always carries a one-line message that names the file, line or field at
fault; the command line prints it without a traceback and exits 2.
"""

from __future__ import annotations

__all__ = ["KitError"]


class KitError(Exception):
    """A usage or configuration error: a bad option, a malformed feature, fixture or catalogue."""
