"""The portable corpus: every scenario as data, written by ``conformance export`` and replayed by
``conformance replay`` against any adapter without pytest-bdd.

Export runs the suite once with a recorder: the When step notes the exact case it sends and each
Then step the value it expects (both in ``steps/``), so the corpus holds the case the suite
sends and the expectations written in the features, never values computed by an engine. One
JSON file per pack, valid against ``corpus.schema.json``. Replay grades each answer with the same
rules as the steps (:mod:`.grading`), sends each decided case twice more as the steps do, and
exits like ``conformance run``.

A corpus certifies only as exported: it carries the digest of the pack it was exported from and
a digest of its own scenarios. Replay refuses, before any engine starts, a corpus whose pack
here has other files, whose scenarios no longer match its digest, or (for a pack shipped with
the kit) whose digest is not the one the kit's own export gives; every case is checked against
the contract first, so that a malformed corpus is a usage error, never the engine's fault.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import sys
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from . import __version__, paths
from .errors import KitError
from .grading import (
    EXPECTED_FIELDS,
    Answer,
    Grade,
    answers_breaches,
    harm_class,
    mismatch,
    reordered,
    repeat_case_id,
)
from .outputs import strict_json, write_text
from .reading import MAX_SCHEMA_BYTES, read_json

__all__ = [
    "CORPUS_SCHEMA",
    "CORPUS_VERSION",
    "EXPECTED",
    "MAX_CORPUS_BYTES",
    "SENT",
    "CorpusRecorder",
    "check_corpus",
    "corpus_digest",
    "export_corpus",
    "load_corpus",
    "replay_corpus",
]

CORPUS_VERSION: Final = "1.1"
CORPUS_SCHEMA: Final = paths.PACKAGE / "corpus.schema.json"
#: The largest corpus read: a pack's corpus is a few hundred kilobytes.
MAX_CORPUS_BYTES: Final = 256 * 1024 * 1024
#: The fields of a scenario its corpus digest covers: all but where its feature file was.
_DIGESTED: Final = (
    "id",
    "pack",
    "line",
    "name",
    "clauses",
    "readings",
    "polarity",
    "send",
    "case",
    "expect",
)

#: What a scenario's When step sent: how (``decide``, ``send``, ``malformed``) and the case.
SENT: Final = pytest.StashKey[tuple[str, dict[str, Any]]]()
#: What a scenario's Then steps expect, by graded field (see :data:`.grading.EXPECTED_FIELDS`).
EXPECTED: Final = pytest.StashKey[dict[str, Any]]()


@dataclass(eq=False)  # registered with pytest, which keys its plugins by identity
class CorpusRecorder:
    """A pytest plugin that keeps what each scenario that passed sent and expects."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Scenarios that cannot be a corpus entry: id -> (pack, why).
    left_out: dict[str, tuple[str, str]] = field(default_factory=dict)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        self._record(item, call)
        return report

    def _record(self, item: pytest.Item, call: pytest.CallInfo[None]) -> None:
        from .collection import clauses_of, feature_of, scenario_name, template_of
        from .outcomes import POLARITIES, identify

        template = template_of(item)
        if call.when != "call" or template is None:
            return
        # The id a run's report and baselines give the same scenario.
        key, _ = identify(item, template)
        sent = item.stash.get(SENT, None)
        pack = item.get_closest_marker("pack")
        pack_id = pack.args[0] if pack else ""
        if call.excinfo is not None:
            why = f"did not pass on the engine used to export: {call.excinfo.value}"
            self.left_out[key] = (pack_id, why)
            return
        if sent is None:
            self.left_out[key] = (pack_id, "its expectations span several decisions of one case")
            return
        expected = item.stash.get(EXPECTED, {})
        how, case = sent
        self.entries[key] = {
            "id": key,
            "pack": pack_id,
            "feature": feature_of(template),
            "line": template.line_number,
            "name": scenario_name(item, template),
            "clauses": clauses_of(item),
            "readings": sorted({m.args[0] for m in item.iter_markers("reading")}),
            "polarity": next((p for p in POLARITIES if item.get_closest_marker(p)), None),
            "send": how,
            "case": case,
            "expect": {f: expected[f] for f in EXPECTED_FIELDS if f in expected},
        }


def export_corpus(out: Path) -> list[Path]:
    """Run the suite with a recorder against the reference engine and write one file per pack."""
    from policy_conformance import contract

    from .packs import load_packs
    from .provenance import pack_digest
    from .run import RUN_INI, SUITE

    if not out.is_dir():
        raise KitError(f"--out: folder {out} does not exist")
    recorder = CorpusRecorder()
    shown = io.StringIO()
    # The suite's own table says nothing about the corpus; it is shown only if the run breaks.
    with contextlib.redirect_stdout(shown):
        code = pytest.main(
            [
                str(SUITE),
                "-c",
                str(RUN_INI),
                "--rootdir",
                str(paths.PACKAGE),
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            plugins=[recorder],
        )
    if code not in (0, 1):
        raise KitError(
            f"the suite could not run to export it (exit {int(code)}): "
            + (shown.getvalue().strip().splitlines() or [""])[-1]
        )
    by_pack: dict[str, list[dict[str, Any]]] = {}
    for entry in recorder.entries.values():
        by_pack.setdefault(entry["pack"], []).append(entry)
    digests = {pack.id: pack_digest(pack) for pack in load_packs()}
    written = []
    for pack, entries in sorted(by_pack.items()):
        left_out = [
            {"id": key, "why": why}
            for key, (owner, why) in sorted(recorder.left_out.items())
            if owner == pack
        ]
        document: dict[str, Any] = {
            "corpus_version": CORPUS_VERSION,
            "kit_version": __version__,
            "contract_version": contract.CONTRACT_VERSION,
            "pack": pack,
            "pack_digest": digests[pack],
            "scenarios": entries,
            "left_out": left_out,
        }
        document["digest"] = corpus_digest(document)
        path = out / f"{pack}.corpus.json"
        write_text(path, strict_json(document))
        written.append(path)
    return written


def corpus_digest(document: dict[str, Any]) -> str:
    """The sha256 of what a corpus grades by: its pack, its pack's digest and its scenarios."""
    content = {
        "pack": document.get("pack"),
        "pack_digest": document.get("pack_digest"),
        "contract_version": document.get("contract_version"),
        "scenarios": [
            {key: entry.get(key) for key in _DIGESTED} for entry in document.get("scenarios", [])
        ],
        "left_out": sorted(str(entry.get("id")) for entry in document.get("left_out", [])),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def load_corpus(path: Path) -> dict[str, Any]:
    """A corpus file, checked against its schema; a usage error names the file and the problem."""
    import jsonschema_rs

    document = read_json(path, MAX_CORPUS_BYTES)
    if isinstance(document, dict) and document.get("corpus_version") == "1.0":
        raise KitError(
            f"{path}: exported before corpora carried their pack's digest (corpus_version "
            "1.0); export it again"
        )
    schema = read_json(CORPUS_SCHEMA, MAX_SCHEMA_BYTES)
    # The compiled validator decides; pure-Python jsonschema only explains a failure.
    if jsonschema_rs.Draft202012Validator(schema, validate_formats=False).is_valid(document):
        loaded: dict[str, Any] = document
        return loaded
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        message = " ".join(error.message.split())[:200]
        raise KitError(f"{path}: {where}: {message} (corpus.schema.json)")
    raise KitError(f"{path}: does not match corpus.schema.json")


def check_corpus(path: Path, document: dict[str, Any]) -> str:
    """Refuse a corpus that does not certify as exported; the line replay prints, if any.

    Checked before any engine starts: the pack is one of this kit's, its files are those the
    corpus was exported from, the scenarios are those the corpus's digest covers (and, for a
    shipped pack, those the kit's own export gives), and every case is what its ``send`` says.
    """
    from policy_conformance import contract

    from .packs import load_packs
    from .provenance import origin, pack_digest, shipped_digests

    packs = {pack.id: pack for pack in load_packs()}
    pack_id = document["pack"]
    pack = packs.get(pack_id)
    if pack is None:
        raise KitError(
            f"{path}: is a corpus of pack {pack_id!r}, which this kit does not have "
            f"(known: {', '.join(packs)}; name the root of an added pack in CONFORMANCE_PACKS)"
        )
    here = pack_digest(pack)
    if document["pack_digest"] != here:
        raise KitError(
            f"{path}: was exported from other files of pack {pack_id} (sha256 "
            f"{document['pack_digest'][:16]}, here {here[:16]}); export it again from this pack"
        )
    if document["digest"] != corpus_digest(document):
        raise KitError(
            f"{path}: its scenarios were edited after export (they do not match its digest); "
            "only a corpus as exported certifies an engine"
        )
    where = origin(pack)
    if where == "shipped" and document["digest"] != shipped_digests()[pack_id].get("corpus"):
        raise KitError(
            f"{path}: is not the corpus this kit exports for pack {pack_id} (its digest differs "
            "from the one shipped with the kit); only a corpus as exported certifies an engine"
        )
    if not document["scenarios"]:
        why = "; ".join(f"{e['id']}: {e['why']}" for e in document["left_out"][:3])
        raise KitError(
            f"{path}: holds no scenario of pack {pack_id} to replay"
            + (f" (left out: {why})" if why else " (its pack has no scenario that passed export)")
        )
    for index, entry in enumerate(document["scenarios"]):
        at = f"{path}: scenarios/{index} ({entry['id']})"
        if entry["pack"] != pack_id:
            raise KitError(f"{at}: is of pack {entry['pack']}, in a corpus of pack {pack_id}")
        problems = contract.violations("case", entry["case"])
        if entry["send"] == "malformed" and not problems:
            raise KitError(f"{at}: its case is meant to be malformed but conforms to the contract")
        if entry["send"] != "malformed" and problems:
            raise KitError(f"{at}: its case breaks the contract: {problems[0]}")
    if where != "shipped":
        return (
            f"note: pack {pack_id} is {where}, not as shipped with this kit: its corpus is "
            "checked against its own digest only"
        )
    return ""


def _grade(engine: Any, entry: dict[str, Any], policy: dict[str, str | None]) -> Grade:
    """Every way the engine's answers miss the entry, found as the steps find them.

    ``policy`` is the policy and version a decision of the entry's case must name. As the steps
    do, the case is sent once more as it is and once reordered under another case id, and every
    answer is graded.
    """
    case = copy.deepcopy(entry["case"])
    again = reordered(case)
    if isinstance(case.get("case_id"), str):
        again["case_id"] = repeat_case_id(case["case_id"])
    grade = Grade()
    for sending in (case, copy.deepcopy(case), again):
        reply = engine.send(sending, malformed=entry["send"] == "malformed")
        if entry["send"] == "decide" and not reply.is_decision:
            from .boundary import ContractViolation

            raise ContractViolation(f"rejected a well-formed case {case.get('case_id')!r}")
        grade.answers.append(Answer(sending, reply.kind, reply.body))
    grade.mismatches += answers_breaches(
        grade.answers, policy if entry["send"] == "decide" else None
    )
    first = grade.answers[0]
    for name, expected in entry["expect"].items():
        wrong = mismatch(name, expected, first.kind, first.body)
        if wrong is not None:
            grade.mismatches.append(wrong)
    return grade


def _requests_of(pack: Any, entry: dict[str, Any], known: dict[str, Any]) -> str:
    """The policy pack an entry's case is a request of: for a contract pack, its case's policy."""
    case = entry.get("case")
    policy_id = case.get("policy_id") if isinstance(case, dict) else None
    if pack.kind != "policy" and policy_id in known:
        return str(policy_id)
    return str(pack.policy_of_requests)


def _worded(grade: Grade) -> str:
    """The failure as the steps word it; empty when nothing was wrong."""
    return "wrong decision: " + grade.message() if grade.mismatches else ""


def replay_corpus(files: Sequence[Path], spec: str, timeout: float, connect: float) -> int:
    """Replay corpus files against an engine; print one line per scenario and a per-clause table."""
    from policy_conformance.adapters import (
        AdapterOptions,
        AdapterSpecError,
        EngineError,
    )

    from .boundary import CheckedEngine
    from .engine import engine_header, open_engine, resolve_adapter
    from .outcomes import describe, is_engine_fault
    from .packs import checked_requests, load_packs, unchecked_packs
    from .results import (
        EXIT_UNREACHABLE,
        Outcome,
        RunResults,
        ScenarioResult,
        clause_table,
        exit_code,
    )

    documents = [load_corpus(path) for path in files]
    notes = [check_corpus(path, document) for path, document in zip(files, documents, strict=True)]
    resolved = resolve_adapter(spec)
    try:
        adapter, metadata = open_engine(
            resolved, AdapterOptions(timeout=timeout, connect_timeout=connect)
        )
    except AdapterSpecError as exc:
        raise KitError(str(exc)) from None
    except EngineError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    results = RunResults(adapter=resolved, engine=metadata)
    print(engine_header(resolved, metadata))
    for note in notes:
        if note:
            print(note)
    # As a run does: a corpus of a policy the engine does not declare is not checked.
    packs = load_packs()
    known = {pack.id: pack for pack in packs}
    results.not_checked = unchecked_packs(packs, metadata.get("policies"), set())
    runs = checked_requests(packs, metadata.get("policies"), set())
    for pack_id, why in results.not_checked.items():
        print(f"not checked: {pack_id}: {why}")
    engine = CheckedEngine(adapter)
    try:
        for path, document in zip(files, documents, strict=True):
            if document["pack"] in results.not_checked:
                continue
            for entry in document["scenarios"]:
                # A contract scenario was exported once with each policy pack's requests: it is
                # replayed when the engine implements the policy of its case, as a run does.
                source = known[_requests_of(known[document["pack"]], entry, known)]
                if source.id not in runs[document["pack"]]:
                    continue
                policy = {"id": source.id, "version": source.version}
                outcome: Outcome
                harm = None
                broke: list[str] = []
                try:
                    grade = _grade(engine, entry, policy)
                    message = _worded(grade)
                    outcome = "failed" if message else "passed"
                    broke = sorted({m.clause for m in grade.mismatches if m.clause})
                    shown = grade.shown
                    if message and shown is not None:
                        harm = harm_class(
                            entry["expect"],
                            shown.kind,
                            shown.body,
                            contract_broken=grade.contract_broken,
                        )
                except AssertionError as exc:
                    message, outcome = describe(exc), "failed"
                    harm = harm_class(entry["expect"], None, None, contract_broken=True)
                except KitError as exc:
                    # The corpus's case, not the engine: the replay stops as a usage error.
                    raise KitError(f"{path}: scenario {entry['id']}: {exc}") from None
                except Exception as exc:
                    if not is_engine_fault(exc):
                        raise
                    message, outcome = describe(exc), "errored"
                results.scenarios.append(
                    ScenarioResult(
                        id=entry["id"],
                        name=entry["name"],
                        feature=entry["feature"],
                        line=entry["line"],
                        pack=entry["pack"],
                        clause=entry["clauses"][0] if entry["clauses"] else "",
                        # As the steps mark a scenario with the contract clause it breaks.
                        clauses=sorted({*entry["clauses"], *broke}),
                        readings=entry["readings"],
                        polarity=entry["polarity"],
                        outcome=outcome,
                        harm=harm,
                        message=message,
                    )
                )
                print(f"{outcome.upper():<8} {entry['id']}")
                if message:
                    print("  " + message.splitlines()[0])
    finally:
        try:
            adapter.close()
        except Exception as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            print(f"conformance: error: the engine failed to close: {first}", file=sys.stderr)
    for line in clause_table(results.verdicts(packs)):
        print(line)
    print(
        f"scenarios: {results.count('passed')} passed, {results.count('failed')} failed, "
        f"{results.count('errored')} errored"
    )
    if not results.scenarios:
        raise KitError(
            "no scenario was replayed: the engine implements none of the corpora's packs ("
            + "; ".join(f"{k}: {v}" for k, v in results.not_checked.items())
            + ")"
        )
    return exit_code(results)
