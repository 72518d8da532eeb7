"""A malformed pack is the kit's error: `run` exits 2 before any engine starts, `lint` agrees.

Each defect is made in a scratch copy of the packs. The engine given to `run` is a command that
leaves a mark when it starts, so a run that reached the engine is caught even if it exits 2.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_conformance.packs import MAX_FILE_BYTES, read_kit_file, read_packs
from tests.kit import conformance, copy_of_packs, edit

PACK = "features/inotuzumab_besponsa"
COVERED = f"{PACK}/covered.feature"

#: A catalogue key whose value expands, alias by alias, to 10**9 nodes ("billion laughs").
ALIAS_BOMB = "laughs: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"laughs{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10)
)


def _write(relative: str, content: str | bytes) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / relative
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)

    return make


def _folder(relative: str) -> Callable[[Path], None]:
    return lambda root: (root / relative).mkdir()


def _fifo(relative: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / relative)


def _replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: edit(root, relative, old, new)


def _append(relative: str, text: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        with (root / relative).open("a") as stream:
            stream.write(text)

    return make


DEFECTS = {
    "unbound-step": (
        _replace(
            COVERED, "      When the engine decides the request\n", "      When the engine rules\n"
        ),
        "covered.feature:15: step is not bound to any step definition: When the engine rules",
    ),
    "clause-not-in-catalogue": (
        _replace(COVERED, "  @clause:INO-FDA-LABEL\n", "  @clause:INO-FDA-LABELS\n"),
        "covered.feature:141: scenario 'A hypothetical labeled frontline use with established "
        "benefit is covered' names clause INO-FDA-LABELS, which is not in clauses.yaml",
    ),
    "empty-feature": (
        _write(f"{PACK}/empty.feature", ""),
        "empty.feature: holds no Feature: (empty, or only comments)",
    ),
    "feature-without-scenarios": (
        _write(f"{PACK}/bare.feature", "# a note\n\nFeature: Nothing yet\n"),
        "bare.feature:3: has no scenarios",
    ),
    "feature-not-utf8": (
        _write(f"{PACK}/latin1.feature", "Feature: Caf\xe9\n  Scenario: x\n".encode("latin-1")),
        "latin1.feature:1: cannot be read: not UTF-8",
    ),
    "folder-named-feature": (
        _folder(f"{PACK}/folder.feature"),
        "folder.feature: cannot be read: not a regular file",
    ),
    "fifo-named-feature": (
        _fifo(f"{PACK}/pipe.feature"),
        "pipe.feature: cannot be read: not a regular file",
    ),
    "catalogue-alias-bomb": (
        _append(f"{PACK}/clauses.yaml", ALIAS_BOMB),
        "clauses.yaml:",  # the line is where the expansion passes the limit
    ),
    "fixture-not-yaml": (
        _replace(
            "fixtures/inotuzumab_besponsa/adult-rheumatoid-arthritis.yaml",
            "  clinical:\n",
            "  clinical: [\n",
        ),
        "adult-rheumatoid-arthritis.yaml",
    ),
}


def _problem_lines(text: str, problem: str) -> list[str]:
    return [line for line in text.splitlines() if problem in line]


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_a_malformed_pack_stops_run_before_the_engine_and_lint_names_it(
    tmp_path: Path, defect: str
) -> None:
    make, problem = DEFECTS[defect]
    root = copy_of_packs(tmp_path)
    make(root)
    mark = tmp_path / "engine-started"
    starts_engine = f"{sys.executable} -c 'import pathlib, sys; pathlib.Path(sys.argv[1]).touch()'"
    adapter = f"jsonl:{starts_engine} {shlex.quote(str(mark))}"

    run = conformance("run", "--adapter", adapter, kit_root=root, timeout=60)
    assert run.code == 2, run.out[-2000:] + run.err
    assert not mark.exists(), "the run started the engine before checking the pack"
    assert len(_problem_lines(run.err, problem)) == 1, run.err
    assert "Traceback" not in run.out + run.err

    lint = conformance("lint", kit_root=root, timeout=60)
    assert lint.code == 1, lint.out + lint.err
    assert len(_problem_lines(lint.out, problem)) == 1, lint.out
    assert "Traceback" not in lint.out + lint.err


def test_the_alias_bomb_is_refused_as_too_large_not_expanded(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    _append(f"{PACK}/clauses.yaml", ALIAS_BOMB)(root)
    _, problems = read_packs((root,))
    assert [p.message for p in problems if p.path.name == "clauses.yaml"] == [
        "is not valid YAML: expands to more than 100000 nodes once its aliases are followed"
    ]
    assert problems[0].line is not None and problems[0].line > 40


def test_aliases_within_the_limit_still_load(tmp_path: Path) -> None:
    root = copy_of_packs(tmp_path)
    _append(f"{PACK}/clauses.yaml", "shared: &shared {a: 1}\nreused: [*shared, *shared]\n")(root)
    _, problems = read_packs((root,))
    # The YAML loads (only the catalogue's schema then refuses the extra keys).
    assert problems and all("YAML" not in p.message for p in problems), problems


@pytest.mark.parametrize(
    ("make", "message", "line"),
    [
        (lambda p: p.write_bytes(b"a: 1\nb: \xff\n"), "cannot be read: not UTF-8", 2),
        (lambda p: p.mkdir(), "cannot be read: not a regular file", None),
        (lambda p: os.mkfifo(p), "cannot be read: not a regular file", None),
        (
            lambda p: p.write_bytes(b"#" * (MAX_FILE_BYTES + 1)),
            f"cannot be read: larger than {MAX_FILE_BYTES} bytes",
            None,
        ),
        (lambda p: None, "cannot be read: No such file or directory", None),
    ],
    ids=["not-utf8", "folder", "fifo", "too-large", "missing"],
)
def test_only_regular_utf8_files_of_bounded_size_are_read(
    tmp_path: Path, make: Callable[[Path], None], message: str, line: int | None
) -> None:
    path = tmp_path / "x.feature"
    make(path)
    text, problem = read_kit_file(path)
    assert text is None and problem is not None
    assert problem.message.startswith(message), problem.message
    assert problem.line == line


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.feature"
    path.write_text("Feature: Café\n")
    assert read_kit_file(path) == ("Feature: Café\n", None)
