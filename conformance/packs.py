"""Policy packs: each pack's clause catalogue, its features and the named base cases (fixtures).

A pack is a folder ``features/<pack>/`` holding ``clauses.yaml`` and ``*.feature`` files; its
fixtures live in ``fixtures/<pack>/``. Everything here is read with ``yaml.safe_load`` and checked
on load, so that a malformed file is reported by name and line, never as a traceback.
"""

from __future__ import annotations

import copy
import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from policy_conformance import contract

from . import paths
from .errors import KitError

__all__ = [
    "Clause",
    "Fixture",
    "Invariant",
    "Pack",
    "Problem",
    "Reading",
    "check_clause_ids",
    "clause_index",
    "display",
    "fixture_for",
    "load_fixtures",
    "load_packs",
    "read_fixtures",
    "read_kit_file",
    "read_packs",
]

#: The largest kit file read: packs are a few kilobytes, so anything near this is not a pack.
MAX_FILE_BYTES = 1 << 20
#: The most nodes one YAML document may expand to once its aliases are followed: a catalogue has
#: a few hundred, while a "billion laughs" document of nested aliases would have billions.
MAX_YAML_NODES = 100_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the kit's own files, located by file and, where known, line."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = display(self.path) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Clause:
    id: str
    section: str
    paraphrase: str
    pack: str
    notes: str = ""
    near_miss_exemption: str = ""


@dataclass(frozen=True)
class Reading:
    id: str
    clauses: tuple[str, ...]
    question: str
    reading: str
    why: str


@dataclass(frozen=True)
class Invariant:
    """A relation between two cases that every correct engine keeps, and its clause."""

    id: str
    clause: str
    sentence: str


@dataclass(frozen=True)
class Pack:
    id: str
    kind: str
    title: str
    directory: Path
    clauses: dict[str, Clause]
    readings: dict[str, Reading] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    invariants: dict[str, Invariant] = field(default_factory=dict)

    @property
    def features(self) -> list[Path]:
        return sorted(self.directory.glob("*.feature"))


@dataclass(frozen=True)
class Fixture:
    """A named base case that scenarios start from ("a request for <describes>")."""

    name: str
    describes: str
    path: Path
    case: dict[str, Any]

    def fresh_case(self) -> dict[str, Any]:
        return copy.deepcopy(self.case)


def display(path: Path) -> str:
    """A path as a user should see it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_kit_file(path: Path) -> tuple[str | None, Problem | None]:
    """The text of one of the kit's files, or the problem that stops it from being read.

    Only regular files are opened (a FIFO or a folder named like a feature would block or fail),
    only up to :data:`MAX_FILE_BYTES`, and only as UTF-8.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(path, "cannot be read: not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return None, Problem(path, f"cannot be read: larger than {MAX_FILE_BYTES} bytes")
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Problem(path, f"cannot be read: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:
        return None, Problem(path, f"cannot be read: larger than {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(path, f"cannot be read: not UTF-8 ({exc.reason})", line)


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a document expanding to more than MAX_YAML_NODES nodes.

    Each node's weight is the number of nodes it stands for once aliases are followed; an alias
    adds the whole weight of its anchor again, so nested aliases are counted as they would expand,
    without ever expanding them.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._weights: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        node = super().compose_node(parent, index)
        if node is None or id(node) in self._weights:  # an alias: its anchor is already weighed
            return node
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        weight = 1 + sum(self._weights.get(id(child), 1) for child in children)
        if weight > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"expands to more than {MAX_YAML_NODES} nodes once its aliases are followed",
                node.start_mark,
            )
        self._weights[id(node)] = weight
        return node


def _read_yaml(path: Path) -> tuple[Any, Problem | None]:
    text, problem = read_kit_file(path)
    if text is None:
        return None, problem
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data(), None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return None, Problem(path, f"is not valid YAML: {exc.problem}", line)
    except yaml.YAMLError as exc:
        return None, Problem(path, f"is not valid YAML: {exc}")
    finally:
        loader.dispose()


@cache
def _catalogue_validator() -> Draft202012Validator:
    schema_path = Path(__file__).with_name("catalogue.schema.json")
    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def _pack_from(path: Path, data: Any) -> tuple[Pack | None, list[Problem]]:
    errors = sorted(_catalogue_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        return None, [
            Problem(path, f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}") for e in errors
        ]
    problems: list[Problem] = []
    info = data["pack"]
    clauses: dict[str, Clause] = {}
    for entry in data["clauses"]:
        if entry["id"] in clauses:
            problems.append(Problem(path, f"clause {entry['id']} is listed twice"))
        clauses[entry["id"]] = Clause(
            id=entry["id"],
            section=entry["section"],
            paraphrase=" ".join(entry["paraphrase"].split()),
            pack=info["id"],
            notes=entry.get("notes", ""),
            near_miss_exemption=entry.get("near_miss", ""),
        )
    readings: dict[str, Reading] = {}
    for entry in data.get("readings", []):
        for clause_id in entry["clauses"]:
            if clause_id not in clauses:
                problems.append(
                    Problem(path, f"reading {entry['id']} names unknown clause {clause_id}")
                )
        readings[entry["id"]] = Reading(
            id=entry["id"],
            clauses=tuple(entry["clauses"]),
            question=entry["question"],
            reading=entry["reading"],
            why=entry["why"],
        )
    invariants: dict[str, Invariant] = {}
    for entry in data.get("invariants", []):
        if entry["clause"] not in clauses:
            problems.append(
                Problem(path, f"invariant {entry['id']} names unknown clause {entry['clause']}")
            )
        invariants[entry["id"]] = Invariant(
            id=entry["id"], clause=entry["clause"], sentence=" ".join(entry["sentence"].split())
        )
    if info["id"] != path.parent.name:
        problems.append(Problem(path, f"pack id {info['id']!r} differs from its folder's name"))
    pack = Pack(
        id=info["id"],
        kind=info["kind"],
        title=info["title"],
        directory=path.parent,
        clauses=clauses,
        readings=readings,
        policy=info.get("policy"),
        invariants=invariants,
    )
    return pack, problems


def read_packs(root: Path | None = None) -> tuple[list[Pack], list[Problem]]:
    """Every pack below ``features/``, and every problem found on the way."""
    packs, problems = _read_packs(root or paths.FEATURES)
    return list(packs), list(problems)


@cache
def _read_packs(root: Path) -> tuple[tuple[Pack, ...], tuple[Problem, ...]]:
    # Read once a process: the preflight, the plugin and the steps all ask for the catalogues.
    packs: list[Pack] = []
    problems: list[Problem] = []
    for path in sorted(root.glob("*/clauses.yaml")):
        data, problem = _read_yaml(path)
        if problem:
            problems.append(problem)
            continue
        pack, found = _pack_from(path, data)
        problems.extend(found)
        if pack:
            packs.append(pack)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        if not (folder / "clauses.yaml").exists() and any(folder.glob("*.feature")):
            problems.append(Problem(folder, "has features but no clauses.yaml"))
    seen: dict[str, str] = {}
    for pack in packs:
        for clause_id in pack.clauses:
            if clause_id in seen:
                problems.append(
                    Problem(
                        pack.directory / "clauses.yaml",
                        f"clause {clause_id} is also in pack {seen[clause_id]}",
                    )
                )
            seen[clause_id] = pack.id
    return tuple(packs), tuple(problems)


def load_packs() -> list[Pack]:
    """Every pack, or a :class:`KitError` naming the first problem."""
    return list(_loaded_packs())


@cache
def _loaded_packs() -> tuple[Pack, ...]:
    packs, problems = read_packs()
    if problems:
        raise KitError(str(problems[0]))
    if not packs:
        raise KitError(f"{display(paths.FEATURES)}: no pack (no */clauses.yaml) found")
    return tuple(packs)


def clause_index(packs: list[Pack]) -> dict[str, Clause]:
    return {cid: clause for pack in packs for cid, clause in pack.clauses.items()}


def check_clause_ids(wanted: set[str]) -> None:
    """Raise :class:`KitError` when a clause asked for with ``--clause`` is in no catalogue."""
    known = clause_index(load_packs())
    unknown = sorted(wanted - set(known))
    if unknown:
        raise KitError(
            f"--clause: unknown clause {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )


def _fixture_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.glob("**/*.yaml"))
    yield from sorted(root.glob("**/*.yml"))


def read_fixtures(root: Path | None = None) -> tuple[dict[str, Fixture], list[Problem]]:
    """Every fixture, keyed by what it describes (lower case), and every problem found."""
    fixtures, problems = _read_fixtures(root or paths.FIXTURES)
    return dict(fixtures), list(problems)


@cache
def _read_fixtures(root: Path) -> tuple[dict[str, Fixture], tuple[Problem, ...]]:
    fixtures: dict[str, Fixture] = {}
    problems: list[Problem] = []
    for path in _fixture_files(root):
        data, problem = _read_yaml(path)
        if problem:
            problems.append(problem)
            continue
        if not isinstance(data, dict) or set(data) != {"describes", "case"}:
            problems.append(Problem(path, "expected exactly two keys: describes and case"))
            continue
        describes, case = data["describes"], data["case"]
        if not isinstance(describes, str) or not describes.strip():
            problems.append(Problem(path, "describes must be a non-empty phrase"))
            continue
        for violation in contract.violations("case", case):
            hint = ""
            if "is not of type 'string'" in violation.message and "date" in violation.path:
                hint = " (quote dates in YAML, or they are read as dates, not strings)"
            problems.append(Problem(path, f"case {violation}{hint}"))
        key = " ".join(describes.lower().split())
        if key in fixtures:
            problems.append(
                Problem(path, f"describes {describes!r}, as {display(fixtures[key].path)} does")
            )
            continue
        fixtures[key] = Fixture(path.stem, describes, path, case)
    return fixtures, tuple(problems)


@cache
def load_fixtures() -> dict[str, Fixture]:
    """Every fixture, or a :class:`KitError` naming the first problem."""
    fixtures, problems = read_fixtures()
    if problems:
        raise KitError(str(problems[0]))
    return fixtures


def fixture_for(describes: str) -> Fixture:
    """The fixture whose ``describes`` phrase matches (case and spacing do not matter)."""
    fixtures = load_fixtures()
    key = " ".join(describes.lower().split())
    try:
        return fixtures[key]
    except KeyError:
        known = "; ".join(sorted(f.describes for f in fixtures.values()))
        raise KitError(f"no fixture describes {describes!r}; fixtures describe: {known}") from None
