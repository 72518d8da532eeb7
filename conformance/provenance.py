"""Which kit and which packs a report was made with: the version, the commit, a hash of each pack.

A baseline or a report compared across releases is only meaningful with the exact packs it was
made from; the hashes tell two runs of one kit version with edited features apart.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from . import paths
from .packs import Pack

__all__ = ["kit_identity", "pack_hashes"]

#: How long ``git`` may take to say which commit the kit runs from; a report never waits on it.
_GIT_TIMEOUT = 5.0


@cache
def kit_identity() -> dict[str, Any]:
    """The kit's version, and its commit when it runs from a git checkout (never fails for lack
    of git)."""
    from . import __version__

    identity: dict[str, Any] = {"version": __version__}
    checkout = paths.PACKAGE.parent
    # Only the kit's own checkout: an installed kit inside someone else's repository has none.
    if not (checkout / ".git").exists() or not (checkout / "pyproject.toml").is_file():
        return identity
    commit = _git(checkout, "rev-parse", "HEAD")
    if commit is not None and len(commit) in (40, 64):
        identity["commit"] = commit
        changes = _git(checkout, "status", "--porcelain", "--untracked-files=no")
        if changes is not None:
            identity["modified"] = bool(changes)
    return identity


def _git(checkout: Path, *arguments: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - a fixed git command, no shell
            [git, "-C", str(checkout), *arguments],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def pack_hashes(packs: Iterable[Pack]) -> dict[str, dict[str, str]]:
    """For each pack, the sha256 of its features, its catalogue and its fixtures."""
    return {
        pack.id: {
            "features": _digest(pack.directory, pack.features),
            "catalogue": _digest(pack.directory, [pack.directory / "clauses.yaml"]),
            "fixtures": _digest(
                paths.FIXTURES / pack.id, sorted((paths.FIXTURES / pack.id).glob("**/*.yaml"))
            ),
        }
        for pack in packs
    }


def _digest(root: Path, files: Iterable[Path]) -> str:
    # Each file's path relative to its folder goes in with its content: a rename changes the hash.
    digest = hashlib.sha256()
    for path in sorted(files):
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        for part in (name, content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()
