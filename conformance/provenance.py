"""Which kit and which packs a report was made with: the version, the commit, a digest of each pack.

A verdict is only as good as the packs it was graded by. Each pack's digest covers every file of
its two folders (``features/<pack>/`` and ``fixtures/<pack>/``), its code included, so that two
runs of one kit version with edited features, fixtures or phrases are told apart. The digests of
the packs the kit ships are written into ``shipped_packs.json`` when the kit is built
(``python -m policy_conformance.provenance`` rewrites it; a test fails while it is stale): a
pack of the kit's own root whose files differ is named as modified, and a pack from ``--packs``
as added, in the report and on the terminal. The file also holds the digest of each shipped
pack's corpus as ``conformance export`` writes it, so that ``replay`` can tell an edited corpus.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Literal

from . import paths
from .packs import Pack, pack_files
from .reading import MAX_SCHEMA_BYTES, read_json

__all__ = [
    "SHIPPED_PACKS",
    "Origin",
    "kit_identity",
    "origin",
    "pack_digest",
    "pack_hashes",
    "pack_provenance",
    "provenance_lines",
    "shipped_digests",
]

#: How long ``git`` may take to say which commit the kit runs from; a report never waits on it.
_GIT_TIMEOUT = 5.0

#: The digests of the packs (and their corpora) the kit ships, written when the kit is built.
SHIPPED_PACKS = paths.PACKAGE / "shipped_packs.json"

#: Where a pack comes from: shipped as the kit built it, the kit's own root but edited, or added.
Origin = Literal["shipped", "modified", "added"]


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
            "fixtures": _digest(pack.fixtures, sorted(pack.fixtures.glob("**/*.yaml"))),
        }
        for pack in packs
    }


def pack_digest(pack: Pack) -> str:
    """The sha256 of every file of the pack: each file's name and content, in name order."""
    digest = hashlib.sha256()
    for name, path in pack_files(pack):
        encoded = name.encode()
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
        _add_content(digest, path)
    return digest.hexdigest()


def _add_content(digest: Any, path: Path) -> None:
    # Streamed, so that a huge file in a pack folder costs time, never memory; whatever is no
    # regular file (a FIFO, a link to a device) counts by what it is, unopened.
    try:
        if not path.is_file():
            raise OSError(0, "not a regular file")
        size = path.stat().st_size
        with path.open("rb") as stream:
            digest.update(size.to_bytes(8, "big"))
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        marker = f"<{exc.strerror}>".encode()
        digest.update(len(marker).to_bytes(8, "big"))
        digest.update(marker)


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


@cache
def shipped_digests() -> dict[str, dict[str, str]]:
    """The shipped packs' digests by pack id: ``{"pack": ..., "corpus": ...}`` each."""
    if not SHIPPED_PACKS.is_file():
        return {}
    data = read_json(SHIPPED_PACKS, MAX_SCHEMA_BYTES)
    packs = data.get("packs") if isinstance(data, dict) else None
    return dict(packs) if isinstance(packs, dict) else {}


def origin(pack: Pack) -> Origin:
    """Whether the pack is one the kit shipped, a shipped one whose files changed, or added."""
    if pack.added:
        return "added"
    known = shipped_digests().get(pack.id, {}).get("pack")
    return "shipped" if known == pack_digest(pack) else "modified"


def pack_provenance(packs: Iterable[Pack]) -> dict[str, dict[str, Any]]:
    """For each pack: where it comes from, the digest of all its files and its code files."""
    return {
        pack.id: {
            "origin": origin(pack),
            "digest": pack_digest(pack),
            "root": str(pack.directory.parent.parent),
            "code": [name for name, _ in pack_files(pack) if name.endswith(".py")],
        }
        for pack in packs
    }


def provenance_lines(packs: Iterable[Pack]) -> list[str]:
    """One line for each pack that is not exactly as the kit shipped it (none when all are)."""
    lines = []
    for pack_id, entry in pack_provenance(packs).items():
        if entry["origin"] == "added":
            lines.append(
                f"added pack: {pack_id} from {entry['root']} (sha256 {entry['digest'][:16]})"
            )
        elif entry["origin"] == "modified":
            lines.append(
                f"modified pack: {pack_id} differs from the pack shipped with this kit "
                f"(sha256 {entry['digest'][:16]})"
            )
    return lines


def write_shipped(corpora: dict[str, str]) -> dict[str, Any]:
    """The content of ``shipped_packs.json`` for the kit's own packs and their corpora' digests."""
    from .packs import load_packs

    packs = {
        pack.id: {"pack": pack_digest(pack), "corpus": corpora.get(pack.id, "")}
        for pack in load_packs()
        if origin(pack) != "added"
    }
    return {
        "description": "The digests of the packs shipped with the kit and of their corpora; "
        "written by `python -m policy_conformance.provenance`.",
        "packs": packs,
    }


def _rewrite() -> int:
    # Run at build time from a checkout: export every corpus and record the digests.
    import json
    import tempfile

    from .corpus import corpus_digest, export_corpus
    from .outputs import write_text

    with tempfile.TemporaryDirectory() as folder:
        corpora = {}
        for path in export_corpus(Path(folder)):
            document = read_json(path, 1 << 30)
            corpora[document["pack"]] = corpus_digest(document)
    write_text(SHIPPED_PACKS, json.dumps(write_shipped(corpora), indent=2) + "\n")
    print(f"wrote {SHIPPED_PACKS}")
    return 0


if __name__ == "__main__":
    sys.exit(_rewrite())
