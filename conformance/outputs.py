"""Writing what a run leaves behind: checked before the engine starts, strict, never half-written.

Every output a run writes (the JSON report, the Markdown summary, a baseline) goes through here:

- :func:`check_outputs` runs before any engine is contacted, so a typo in a path costs nothing: a
  folder that does not exist, a path that is a folder, a file that cannot be written, or a report
  that would overwrite the baseline the run reads are usage errors.
- :func:`write_text` never leaves half a file where the user asked for one. A regular file (or a
  name not yet taken) is written beside itself and renamed over; a symlink is written through, so
  the link stays and its target gets the text; a special file (``/dev/stdout``, a FIFO) is written
  in place, because a rename would replace the device instead of writing to it.
- :func:`write_text` raises :class:`OutputError` (a one-line :class:`KitError` naming the path)
  when the device is full or the file cannot be written; :func:`deliver` then keeps the text in
  a file of the temporary folder and says where in one line, so a run's results are never lost.
- :func:`strict_json` writes JSON any parser reads: an engine's NaN or Infinity becomes a string,
  and text that cannot be encoded (a lone surrogate) is escaped.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import KitError

__all__ = [
    "OutputError",
    "check_outputs",
    "deliver",
    "partial_path",
    "strict_json",
    "strict_text",
    "write_text",
]


class OutputError(KitError, OSError):
    """A file the kit was asked to write cannot be written: one line naming it and why."""


def partial_path(path: Path) -> Path:
    """Where a run's report stands while the run is unfinished: beside the finished one."""
    return path.with_name(path.name + ".partial")


def check_outputs(outputs: Iterable[tuple[str, Path | None]], reads: Iterable[Path | None]) -> None:
    """Refuse, with a :class:`KitError` naming the option, any output a run could not write.

    ``outputs`` pairs each output option with its path (``None`` when not asked for); ``reads``
    are the files the run reads (the baseline), which no output may overwrite.
    """
    read = [p for p in reads if p is not None]
    seen: dict[Path, str] = {}
    for option, path in outputs:
        if path is None:
            continue
        target = _real(path)
        if target in seen:
            raise KitError(f"{option}: {path} is also the path of {seen[target]}")
        seen[target] = option
        for source in read:
            if _real(source) == target:
                raise KitError(f"{option}: {path} is the baseline this run reads; choose another")
        if target.is_dir():
            raise KitError(f"{option}: {path} is a folder; give a file name")
        if not target.parent.is_dir():
            raise KitError(f"{option}: folder {target.parent} does not exist")
        if target.exists() and not os.access(target, os.W_OK):
            raise KitError(f"{option}: {path} cannot be written (permission denied)")
        if not target.exists() and not os.access(target.parent, os.W_OK | os.X_OK):
            raise KitError(f"{option}: cannot create files in {target.parent}")
        if not _special(target):
            _probe(option, path, target)


def _special(target: Path) -> bool:
    try:
        return not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        return False


def _probe(option: str, path: Path, target: Path) -> None:
    # A regular file is written beside itself and renamed over: make sure both can happen now,
    # not once the whole run is done (``/proc/version`` passes every permission check as root).
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise KitError(
            f"{option}: cannot create files in {target.parent} ({exc.strerror})"
        ) from None
    os.close(descriptor)
    try:
        if target.exists():
            with target.open("ab"):
                pass
    except OSError as exc:
        raise KitError(f"{option}: {path} cannot be written ({exc.strerror})") from None
    finally:
        Path(name).unlink(missing_ok=True)


def _real(path: Path) -> Path:
    # Follow links: two names for one file are one output, and a link's target is what is written.
    return Path(os.path.realpath(path))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as the user meant it (see the module's docstring).

    Raises :class:`OutputError` when it cannot.
    """
    try:
        _write_text(path, text)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{path} cannot be written: {exc.strerror or exc}") from None


def _write_text(path: Path, text: str) -> None:
    target = _real(path)
    data = strict_text(text).encode("utf-8")
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with target.open("wb") as stream:  # a device or a FIFO: write to it, never replace it
            stream.write(data)
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def deliver(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``; when that fails, keep it in the temporary folder instead.

    Returns where the text is. The failure is one line on stderr naming both paths.
    """
    try:
        write_text(path, text)
        return path
    except OutputError as exc:
        problem = str(exc)
    descriptor, name = tempfile.mkstemp(prefix="conformance-", suffix=f"-{Path(path).name}")
    kept = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(strict_text(text).encode("utf-8"))
    except OSError as exc:
        kept.unlink(missing_ok=True)
        print(
            f"conformance: error: {problem}; nor could it be kept ({exc.strerror})", file=sys.stderr
        )
        return path
    print(f"conformance: error: {problem}; kept in {kept} instead", file=sys.stderr)
    return kept


def strict_text(text: str) -> str:
    """``text`` with anything UTF-8 cannot carry (lone surrogates) written as an escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def strict_json(document: Any) -> str:
    """``document`` as strict JSON: non-finite numbers as strings, every character escaped."""
    return json.dumps(_finite(document), indent=2, ensure_ascii=True, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    # Reports echo engine metadata and decisions; an engine may put NaN where JSON has none.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
