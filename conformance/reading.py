"""Reading the JSON files the kit is handed or ships (reports, baselines, corpora, schemas).

Every JSON file the kit reads goes through :func:`read_json`: only a regular file is opened (a
FIFO would block for ever, ``/dev/zero`` would never end), it is opened without blocking and
checked before a byte is read, at most ``max_bytes`` are read, and its nesting is measured
before it is parsed (a file nested a hundred thousand deep would exhaust the parser's stack).
Whatever is wrong is a :class:`KitError` of one line naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from policy_conformance.adapters.limits import MAX_NESTING, TooDeeplyNested, load_json

from .errors import KitError

__all__ = ["MAX_SCHEMA_BYTES", "read_json", "read_regular"]

#: The largest schema read: the kit's schemas are a few kilobytes.
MAX_SCHEMA_BYTES = 1 << 20


def read_regular(path: Path, max_bytes: int, *, option: str = "") -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``, or a one-line KitError."""
    named = f"{option}: {path}" if option else str(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise KitError(f"{named} cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise KitError(f"{named} cannot be read: not a regular file")
        if info.st_size > max_bytes:
            raise KitError(f"{named} is larger than {max_bytes} bytes")
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise KitError(f"{named} cannot be read: {exc.strerror}") from None
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise KitError(f"{named} is larger than {max_bytes} bytes")
    return raw


def read_json(path: Path, max_bytes: int, *, option: str = "", nesting: int = MAX_NESTING) -> Any:
    """The JSON in ``path``, or a :class:`KitError` that starts with ``option`` (when given)."""
    named = f"{option}: {path}" if option else str(path)
    raw = read_regular(path, max_bytes, option=option)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KitError(f"{named} is not JSON: not UTF-8 ({exc.reason})") from None
    try:
        return load_json(text, nesting)
    except TooDeeplyNested as exc:
        raise KitError(f"{named} is refused: {exc}") from None
    except RecursionError:
        raise KitError(f"{named} is refused: it nests too deep to read") from None
    except ValueError as exc:
        raise KitError(f"{named} is not JSON: {' '.join(str(exc).split())}") from None
