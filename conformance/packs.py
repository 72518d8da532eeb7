"""Policy packs: each pack's clause catalogue, facts, features, phrases and named base cases.

A pack is a folder ``features/<pack>/`` of a pack root (:mod:`policy_conformance.paths`) holding
``clauses.yaml``, ``facts.schema.json`` (a policy pack's facts, see the contract), ``*.feature``
files and, when the policy needs words of its own, ``steps.py``; its fixtures live in
``fixtures/<pack>/`` of the same root. Nothing registers a pack: a folder is found by being
there. Everything here is read with ``yaml.safe_load`` and checked on load, so that a malformed
file is reported by name and line, never as a traceback.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from policy_conformance import contract
from policy_conformance.adapters.limits import MAX_NESTING, TooDeeplyNested, load_json

from . import paths
from .errors import KitError
from .reading import MAX_SCHEMA_BYTES, read_json, read_regular

__all__ = [
    "Clause",
    "Fixture",
    "Invariant",
    "Pack",
    "Problem",
    "Reading",
    "check_clause_ids",
    "check_pack_ids",
    "checked_requests",
    "clause_index",
    "display",
    "fixture_for",
    "load_fixtures",
    "load_packs",
    "pack_files",
    "pack_named",
    "read_fixtures",
    "read_kit_file",
    "read_packs",
    "read_yaml",
    "request_packs",
    "unchecked_packs",
]

#: The largest kit file read: packs are a few kilobytes, so anything near this is not a pack.
MAX_FILE_BYTES = 1 << 20
#: The most nodes one YAML document may expand to once its aliases are followed: a catalogue has
#: a few hundred, while a "billion laughs" document of nested aliases would have billions.
MAX_YAML_NODES = 100_000
_FACT_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# The catalogue schema's patterns end in ``$``, which Python's ``re.search`` also lets match
# before a final newline: each id is matched whole here as well.
_PACK_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")
_CLAUSE_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+")
_NAME_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
#: Files that are code: an added pack carries none (see :func:`added_pack_code`).
_CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so", ".pth")


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
    #: For a policy pack: its missing-fact names, in order, each with the phrase features use.
    missing_facts: dict[str, str] = field(default_factory=dict)
    #: For a contract pack: the one policy pack its requests start from (None: every policy
    #: pack's, see :func:`request_packs`). In a running scenario: the pack its requests are from.
    requests_from: str | None = None
    #: The pack comes from a root added with ``--packs``, not from the kit's own: it is data
    #: only, and its folder is never imported from.
    added: bool = False

    @property
    def features(self) -> list[Path]:
        return sorted(self.directory.glob("*.feature"))

    @property
    def fixtures(self) -> Path:
        """The folder of the pack's named base cases: ``fixtures/<pack>/`` beside ``features/``."""
        return self.directory.parent.parent / "fixtures" / self.id

    @property
    def steps(self) -> Path | None:
        """The pack's own step phrases, when it has any."""
        path = self.directory / "steps.py"
        return path if path.is_file() and not self.added else None

    @property
    def version(self) -> str | None:
        """The version of the policy the pack encodes (None for the contract pack)."""
        return None if self.policy is None else str(self.policy["version"])

    @property
    def policy_of_requests(self) -> str:
        """The policy pack whose fixtures (and whose check) the pack's requests belong to."""
        return self.requests_from or self.id


@dataclass(frozen=True)
class Fixture:
    """A named base case that scenarios start from ("a request for <describes>")."""

    name: str
    describes: str
    path: Path
    case: dict[str, Any]
    #: The facts its ``describes`` phrase asserts (case paths, or ``age`` for the member's age
    #: group), which no later step of a scenario may change (``conformance lint`` checks).
    states: tuple[str, ...] = ()

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
    # The one bounded reader: opened without blocking and checked on the open file, so that a
    # FIFO put in the file's place after a check cannot make the kit wait.
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except KitError as exc:
        why = str(exc).removeprefix(str(path)).strip().removeprefix("is ")
        return None, Problem(path, why if why.startswith("cannot") else f"cannot be read: {why}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(path, f"cannot be read: not UTF-8 ({exc.reason})", line)


def _children(node: Any) -> list[Any]:
    """The nodes directly below a YAML node: a sequence's items, a mapping's keys and values."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
        children = _children(node)
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


def _bounded_data(text: str) -> Any:
    """The data of one YAML document, refused when its aliases would expand it too far.

    libyaml composes the document where it is available (a run reads every catalogue and
    fixture file: pure Python took a tenth of a second of each start), and the node graph it
    composes, aliases shared and never expanded, is weighed before anything is built.
    """
    if not yaml.__with_libyaml__:
        return _BoundedLoader(text).get_single_data()
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _weigh(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _weigh(root: Any) -> None:
    """Raise as :class:`_BoundedLoader` does when ``root`` stands for too many nodes."""
    weights: dict[int, int] = {}
    pending: list[tuple[Any, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        if id(node) in weights:
            continue
        children = _children(node)
        if not children_done:
            pending.append((node, True))
            pending.extend((child, False) for child in children if id(child) not in weights)
            continue
        weight = 1 + sum(weights.get(id(child), 1) for child in children)
        if weight > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"expands to more than {MAX_YAML_NODES} nodes once its aliases are followed",
                node.start_mark,
            )
        weights[id(node)] = weight


def read_yaml(path: Path) -> tuple[Any, Problem | None]:
    """A kit YAML file's data, read within the bounds of a catalogue, or what is wrong with it."""
    return _read_yaml(path)


def _read_yaml(path: Path) -> tuple[Any, Problem | None]:
    text, problem = read_kit_file(path)
    if text is None:
        return None, problem
    try:
        return _bounded_data(text), None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return None, Problem(path, f"is not valid YAML: {exc.problem}", line)
    except yaml.YAMLError as exc:
        return None, Problem(path, f"is not valid YAML: {exc}")


@cache
def _catalogue_validator() -> Draft202012Validator:
    schema_path = Path(__file__).with_name("catalogue.schema.json")
    return Draft202012Validator(read_json(schema_path, MAX_SCHEMA_BYTES))


def _ids_whole(data: dict[str, Any]) -> list[str]:
    """The ids of a catalogue (already valid against its schema) that carry more than the id."""
    info = data["pack"]
    named: list[tuple[str, str, re.Pattern[str]]] = [("pack.id", info["id"], _PACK_ID)]
    if "requests_from" in info:
        named.append(("pack.requests_from", info["requests_from"], _PACK_ID))
    policy = info.get("policy") or {}
    for key in ("id", "version"):
        if isinstance(policy.get(key), str):
            pattern = _VERSION if key == "version" else _PACK_ID
            named.append((f"pack.policy.{key}", policy[key], pattern))
    for index, entry in enumerate(data["clauses"]):
        named.append((f"clauses/{index}/id", entry["id"], _CLAUSE_ID))
    for group in ("readings", "invariants"):
        for index, entry in enumerate(data.get(group, [])):
            named.append((f"{group}/{index}/id", entry["id"], _NAME_ID))
            if "clause" in entry:
                named.append((f"{group}/{index}/clause", entry["clause"], _CLAUSE_ID))
            for at, clause in enumerate(entry.get("clauses", [])):
                named.append((f"{group}/{index}/clauses/{at}", clause, _CLAUSE_ID))
    return [
        f"at /{where}: {value!r} is not a whole id (no spaces or line breaks around it)"
        for where, value, pattern in named
        if isinstance(value, str) and not pattern.fullmatch(value)
    ]


def _pack_from(path: Path, data: Any, *, added: bool) -> tuple[Pack | None, list[Problem]]:
    errors = sorted(_catalogue_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        return None, [
            Problem(path, f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}") for e in errors
        ]
    broken = _ids_whole(data)
    if broken:
        return None, [Problem(path, message) for message in broken]
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
    missing_facts: dict[str, str] = {}
    if info["kind"] == "policy":
        missing_facts, found = _read_facts(path.parent / contract.FACTS_FILE, info["id"])
        problems.extend(found)
        if info.get("policy", {}).get("id", info["id"]) != info["id"]:
            problems.append(Problem(path, "pack.policy.id must be the pack's id"))
    pack = Pack(
        id=info["id"],
        kind=info["kind"],
        title=info["title"],
        directory=path.parent,
        clauses=clauses,
        readings=readings,
        policy=info.get("policy"),
        invariants=invariants,
        missing_facts=missing_facts,
        requests_from=info.get("requests_from"),
        added=added,
    )
    return pack, problems


def _read_facts(path: Path, pack_id: str) -> tuple[dict[str, str], list[Problem]]:
    """A policy pack's missing-fact vocabulary, checking its facts schema on the way."""
    text, problem = read_kit_file(path)
    if text is None:
        assert problem is not None
        if not path.exists():
            return {}, [Problem(path, "is missing: a policy pack defines its facts here")]
        return {}, [problem]
    try:
        facts = load_json(text, MAX_NESTING)
    except TooDeeplyNested as exc:
        return {}, [Problem(path, f"is refused: {exc}")]
    except json.JSONDecodeError as exc:
        return {}, [Problem(path, f"is not valid JSON: {exc.msg}", exc.lineno)]
    except ValueError as exc:
        return {}, [Problem(path, f"is not valid JSON: {exc}")]
    try:
        Draft202012Validator.check_schema(facts)
    except SchemaError as exc:
        return {}, [Problem(path, f"is not a JSON Schema 2020-12: {exc.message}")]
    expected_id = f"https://policy-conformance.org/packs/{pack_id}/facts.schema.json"
    if not isinstance(facts, dict) or facts.get("$id") != expected_id:
        return {}, [Problem(path, f"$id must be {expected_id}")]
    known = {contract.schema(name)["$id"] for name in ("case", "decision", "facts")}
    for ref in _refs(facts):
        if not ref.startswith("#") and ref.partition("#")[0] not in known | {expected_id}:
            return {}, [
                Problem(path, f"$ref {ref!r} names no schema of the kit (the kit fetches none)")
            ]
    choices = facts.get("$defs", {}).get("missing_fact", {}).get("oneOf")
    if not isinstance(choices, list) or not choices:
        return {}, [
            Problem(path, "needs $defs/missing_fact/oneOf: the facts a pended decision names")
        ]
    vocabulary: dict[str, str] = {}
    problems: list[Problem] = []
    for choice in choices:
        name, title = choice.get("const"), choice.get("title")
        if not isinstance(name, str) or not _FACT_NAME.fullmatch(name):
            problems.append(
                Problem(path, f"missing fact {name!r} is not a lower-case hyphenated name")
            )
        elif not isinstance(title, str) or not title.strip():
            problems.append(
                Problem(path, f"missing fact {name!r} needs a title: its words in features")
            )
        else:
            vocabulary[name] = " ".join(title.split())
    return vocabulary, problems


def _refs(schema: Any) -> Iterator[str]:
    """Every ``$ref`` of a schema (its nesting is bounded when it is read)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def read_packs(roots: tuple[Path, ...] | None = None) -> tuple[list[Pack], list[Problem]]:
    """Every pack of every pack root, and every problem found on the way."""
    packs, problems = _read_packs(roots or paths.pack_roots())
    return list(packs), list(problems)


@cache
def _read_packs(roots: tuple[Path, ...]) -> tuple[tuple[Pack, ...], tuple[Problem, ...]]:
    # Read once a process: the preflight, the plugin and the steps all ask for the catalogues.
    known: dict[str, Pack] = {}
    problems: list[Problem] = []
    for index, root in enumerate(roots):
        if root != paths.KIT_ROOT and not (root / "features").is_dir():
            problems.append(Problem(root, "is no pack root: it has no features/ folder"))
            continue
        # The first root is the kit's own (see paths.pack_roots); every other one is added.
        found_packs, found = _read_root(root / "features", added=index > 0)
        for pack in found_packs:
            if pack.id in known:
                where = display(known[pack.id].directory)
                catalogue = pack.directory / "clauses.yaml"
                found.append(Problem(catalogue, f"pack {pack.id} is already in {where}"))
            else:
                known[pack.id] = pack
        problems.extend(found)
    packs = list(known.values())
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
    folders = {path.parent.name for root in roots for path in root.glob("features/*/clauses.yaml")}
    for pack in packs:
        if pack.requests_from is None or pack.requests_from not in known:
            # A pack folder that failed to load has its own problem: say nothing more of it.
            if pack.requests_from is not None and pack.requests_from not in folders:
                problems.append(
                    Problem(
                        pack.directory / "clauses.yaml",
                        f"requests_from names no pack: {pack.requests_from}",
                    )
                )
            continue
        if known[pack.requests_from].kind != "policy":
            problems.append(
                Problem(
                    pack.directory / "clauses.yaml",
                    f"requests_from names a pack that is no policy pack: {pack.requests_from}",
                )
            )
    return tuple(packs), tuple(problems)


def _read_root(root: Path, *, added: bool) -> tuple[list[Pack], list[Problem]]:
    packs: list[Pack] = []
    problems: list[Problem] = []
    for path in sorted(root.glob("*/clauses.yaml")):
        data, problem = _read_yaml(path)
        if problem:
            problems.append(problem)
            continue
        pack, found = _pack_from(path, data, added=added)
        problems.extend(found)
        if pack:
            packs.append(pack)
            if added:
                problems.extend(added_pack_code(pack))
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if not (folder / "clauses.yaml").exists() and any(folder.glob("*.feature")):
            problems.append(Problem(folder, "has features but no clauses.yaml"))
    problems.extend(_stray_features(root))
    return packs, problems


def _stray_features(root: Path) -> list[Problem]:
    """Features the suite would collect that belong to no pack: beside the pack folders or
    below one. Each would run under whatever clauses its tags name, checked by no catalogue."""
    if not root.is_dir():
        return []
    stray = []
    for path in sorted(root.rglob("*.feature")):
        relative = path.relative_to(root)
        if len(relative.parts) != 2:
            stray.append(
                Problem(
                    path,
                    "is outside any pack folder: a feature lives in features/<pack>/, "
                    "beside its pack's clauses.yaml",
                )
            )
    return stray


def pack_files(pack: Pack) -> list[tuple[str, Path]]:
    """Every file of the pack, named below its root (``features/<pack>/...``, ``fixtures/...``).

    Python's own caches are left out: they are made by running the pack, not part of it.
    """
    found: list[tuple[str, Path]] = []
    for part, folder in (("features", pack.directory), ("fixtures", pack.fixtures)):
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if "__pycache__" in relative.parts or path.is_dir():
                continue
            found.append((f"{part}/{pack.id}/{relative.as_posix()}", path))
    return sorted(found)


def added_pack_code(pack: Pack) -> list[Problem]:
    """An added pack's code files, each a problem: an added pack is data only.

    A pack's ``steps.py`` runs inside the kit's own process, where it could rewrite any verdict
    of any pack; the kit cannot fence Python off from itself, so it runs none from outside.
    """
    return [
        Problem(
            path,
            "an added pack carries no code: its scenarios use the kit's shared phrases "
            "(phrases of its own need a pack shipped with the kit)",
        )
        for name, path in pack_files(pack)
        if name.endswith(_CODE_SUFFIXES)
    ]


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


def pack_named(pack_id: str) -> Pack:
    """The pack with this id, or a :class:`KitError` listing the known ones."""
    for pack in load_packs():
        if pack.id == pack_id:
            return pack
    known = ", ".join(pack.id for pack in load_packs())
    raise KitError(f"unknown pack {pack_id!r}; known: {known}")


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


def check_pack_ids(wanted: set[str]) -> None:
    """Raise :class:`KitError` when a pack asked for with ``--pack`` does not exist."""
    known = [pack.id for pack in load_packs()]
    unknown = sorted(wanted - set(known))
    if unknown:
        raise KitError(f"--pack: unknown pack {', '.join(unknown)}; known: {', '.join(known)}")


def request_packs(pack: Pack, packs: Iterable[Pack]) -> list[str]:
    """The policy packs whose fixtures a pack's scenarios start from.

    A policy pack's are its own. A contract pack's are the one its ``requests_from`` names, or
    else every policy pack: its scenarios run once with the requests of each, so every engine is
    held to the contract on the packs it implements.
    """
    if pack.kind == "policy":
        return [pack.id]
    if pack.requests_from is not None:
        return [pack.requests_from]
    return [p.id for p in packs if p.kind == "policy"]


def checked_requests(
    packs: list[Pack], declared: list[dict[str, str]] | None, wanted: set[str]
) -> dict[str, list[str]]:
    """For each pack, the policy packs whose requests its scenarios run with in this run.

    A policy pack runs with its own requests when ``--pack`` (``wanted``, empty for every pack)
    names it and the engine declares its policy at the pack's version; an engine that declares
    no policies is taken to implement every pack. A contract pack runs with the requests of each
    policy it starts from that the engine implements, and that ``--pack`` names (naming the
    contract pack itself takes them all). An empty list: the pack is not checked.
    """
    implemented = {
        pack.id
        for pack in packs
        if pack.kind == "policy"
        and (
            declared is None
            or any(p["id"] == pack.id and p["version"] == pack.version for p in declared)
        )
    }
    runs: dict[str, list[str]] = {}
    for pack in packs:
        sources = [s for s in request_packs(pack, packs) if s in implemented]
        if wanted and pack.id not in wanted:
            sources = [s for s in sources if s in wanted] if pack.kind != "policy" else []
        runs[pack.id] = sources
    return runs


def unchecked_packs(
    packs: list[Pack], declared: list[dict[str, str]] | None, wanted: set[str]
) -> dict[str, str]:
    """The packs a run leaves unchecked, each with why, given what the engine declares.

    Which requests each pack runs with is :func:`checked_requests`; a pack that runs with none
    is not checked.
    """
    runs = checked_requests(packs, declared, wanted)
    why: dict[str, str] = {}
    for pack in packs:
        if pack.kind != "policy":
            continue
        versions = [p["version"] for p in declared or [] if p["id"] == pack.id]
        if wanted and pack.id not in wanted:
            why[pack.id] = "left out by --pack"
        elif declared is None:
            continue
        elif not versions:
            why[pack.id] = "the engine does not declare this policy"
        elif pack.version not in versions:
            why[pack.id] = (
                f"the engine implements version {', '.join(versions)}; "
                f"the pack encodes version {pack.version}"
            )
    for pack in packs:
        if pack.kind == "policy" or runs[pack.id]:
            continue
        sources = request_packs(pack, packs)
        if wanted and pack.id not in wanted and not set(sources) & wanted:
            why[pack.id] = "left out by --pack"
        elif len(sources) == 1:
            why[pack.id] = f"its requests are {sources[0]}'s, which is not checked"
        else:
            why[pack.id] = "its requests are those of policy packs none of which is checked"
    return why


_FIXTURE_KEYS = {"describes", "case", "states"}
_STATED = re.compile(r"age|[a-z_]+(\.[a-z0-9_]+)*")


def _fixture_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.glob("**/*.yaml"))
    yield from sorted(root.glob("**/*.yml"))


def read_fixtures(pack: Pack) -> tuple[dict[str, Fixture], list[Problem]]:
    """A pack's fixtures, keyed by what they describe (lower case), and every problem found."""
    fixtures, problems = _read_fixtures(pack.fixtures, pack.id)
    return dict(fixtures), list(problems)


@cache
def _read_fixtures(root: Path, pack_id: str) -> tuple[dict[str, Fixture], tuple[Problem, ...]]:
    fixtures: dict[str, Fixture] = {}
    problems: list[Problem] = []
    for path in _fixture_files(root):
        data, problem = _read_yaml(path)
        if problem:
            problems.append(problem)
            continue
        if not isinstance(data, dict) or not {"describes", "case"} <= set(data) <= _FIXTURE_KEYS:
            problems.append(
                Problem(path, "expected the keys describes and case, and optionally states")
            )
            continue
        describes, case, states = data["describes"], data["case"], data.get("states", [])
        if not isinstance(describes, str) or not describes.strip():
            problems.append(Problem(path, "describes must be a non-empty phrase"))
            continue
        if not isinstance(states, list) or not all(
            isinstance(s, str) and _STATED.fullmatch(s) for s in states
        ):
            problems.append(
                Problem(path, "states must be a list of case paths (clinical.lineage) or age")
            )
            continue
        if isinstance(case, dict) and case.get("policy_id") != pack_id:
            problems.append(Problem(path, f"case policy_id must be the pack's id, {pack_id}"))
            continue
        try:
            violations = contract.violations("case", case)
        except Exception:
            # The pack's facts schema cannot be read or used: its own problem names it.
            problems.append(
                Problem(path, "case cannot be checked: its pack's facts schema cannot be read")
            )
            continue
        for violation in violations:
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
        fixtures[key] = Fixture(path.stem, describes, path, case, tuple(states))
    return fixtures, tuple(problems)


def load_fixtures(pack: Pack) -> dict[str, Fixture]:
    """A pack's fixtures, or a :class:`KitError` naming the first problem."""
    fixtures, problems = read_fixtures(pack)
    if problems:
        raise KitError(str(problems[0]))
    return fixtures


def fixture_for(pack: Pack, describes: str) -> Fixture:
    """The fixture of the pack's requests whose ``describes`` phrase matches.

    Case and spacing do not matter. A contract pack's requests are its policy pack's fixtures.
    """
    source = pack_named(pack.policy_of_requests)
    fixtures = load_fixtures(source)
    key = " ".join(describes.lower().split())
    try:
        return fixtures[key]
    except KeyError:
        known = "; ".join(sorted(f.describes for f in fixtures.values()))
        raise KitError(
            f"no fixture of pack {source.id} describes {describes!r}; "
            f"its fixtures describe: {known}"
        ) from None
