"""Reading the JSON files a user hands the kit (a baseline, a saved report), bounded.

A file may be huge or nested to break a parser; both are refused with one line naming the
file, before anything else reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policy_conformance.adapters.limits import MAX_NESTING, TooDeeplyNested, load_json

from .errors import KitError

__all__ = ["read_json"]


def read_json(path: Path, max_bytes: int, *, option: str = "") -> Any:
    """The JSON in ``path``, or a :class:`KitError` that starts with ``option`` (when given)."""
    named = f"{option}: {path}" if option else str(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise KitError(f"{named} cannot be read: {exc.strerror}") from None
    if len(raw) > max_bytes:
        raise KitError(f"{named} is larger than {max_bytes} bytes")
    try:
        return load_json(raw.decode("utf-8"), MAX_NESTING)
    except TooDeeplyNested as exc:
        raise KitError(f"{named} is refused: {exc}") from None
    except ValueError as exc:
        raise KitError(f"{named} is not JSON: {exc}") from None
