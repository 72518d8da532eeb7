"""The portable corpus: every scenario as data, written by ``conformance export`` and replayed by
``conformance replay`` against any adapter without pytest-bdd.

Export runs the suite once with a recorder: the When step notes the exact case it sends and each
Then step the value it expects (both in ``steps/``), so the corpus holds the case the suite
sends and the expectations written in the features, never values computed by an engine. One
JSON file per pack, valid against ``corpus.schema.json``. Replay grades each answer with the same
rules as the steps (:mod:`.grading`), sends each decided case twice more as the steps do, and
exits like ``conformance run``.
"""

from __future__ import annotations

import contextlib
import copy
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
    ALWAYS_CHECKED,
    EXPECTED_FIELDS,
    graded,
    held_to_its_case,
    mismatch,
    reordered,
    repeat_case_id,
    worded,
)
from .outputs import strict_json, write_text
from .results import EXIT_USAGE

__all__ = [
    "CORPUS_SCHEMA",
    "CORPUS_VERSION",
    "EXPECTED",
    "SENT",
    "CorpusRecorder",
    "export_corpus",
    "load_corpus",
    "replay_corpus",
]

CORPUS_VERSION: Final = "1.0"
CORPUS_SCHEMA: Final = paths.PACKAGE / "corpus.schema.json"

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
    written = []
    for pack, entries in sorted(by_pack.items()):
        left_out = [
            {"id": key, "why": why}
            for key, (owner, why) in sorted(recorder.left_out.items())
            if owner == pack
        ]
        document = {
            "corpus_version": CORPUS_VERSION,
            "kit_version": __version__,
            "contract_version": contract.CONTRACT_VERSION,
            "pack": pack,
            "scenarios": entries,
            "left_out": left_out,
        }
        path = out / f"{pack}.corpus.json"
        write_text(path, strict_json(document))
        written.append(path)
    return written


def load_corpus(path: Path) -> dict[str, Any]:
    """A corpus file, checked against its schema; a usage error names the file and the problem."""
    import jsonschema

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KitError(f"{path}: cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise KitError(f"{path}: is not JSON: {exc}") from None
    schema = json.loads(CORPUS_SCHEMA.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise KitError(f"{path}: {where}: {error.message} (corpus.schema.json)")
    loaded: dict[str, Any] = document
    return loaded


#: The clause a decided case answered differently the second or third time counts against, as
#: the When step counts it.
REPEATABLE: Final = "CON-DETERMINISTIC"


def _grade(engine: Any, entry: dict[str, Any], policy: dict[str, str | None]) -> str:
    """The first way the engine's answers miss the entry, as the steps word it; empty if none.

    ``policy`` is the policy and version a decision of the entry's case must name.
    """
    case = copy.deepcopy(entry["case"])
    reply = engine.send(case, malformed=entry["send"] == "malformed")
    answers = [reply]
    if entry["send"] == "decide":
        # As the When step does: once more as it is, once reordered under another case id.
        again = reordered(case)
        again["case_id"] = repeat_case_id(case["case_id"])
        answers += [engine.send(copy.deepcopy(case)), engine.send(again)]
        for answer in answers:
            if not answer.is_decision:
                return f"contract violation: rejected a well-formed case {case['case_id']!r}"
        first = graded(reply.body)
        for answer in answers[1:]:
            if graded(answer.body) != first:
                return _worded(
                    f"{REPEATABLE}: the same case decided again",
                    first,
                    graded(answer.body),
                    answer.body,
                )
        broken = held_to_its_case(case, reply.body, policy)
        if broken is not None:
            _, held = broken
            return _worded(held.what, held.expected, held.actual, reply.body)
    for name, expected in entry["expect"].items():
        wrong = mismatch(name, expected, reply.kind, reply.body)
        if wrong is not None:
            return _worded(wrong.what, wrong.expected, wrong.actual, reply.body)
    return ""


def _requests_of(pack: Any, entry: dict[str, Any], known: dict[str, Any]) -> str:
    """The policy pack an entry's case is a request of: for a contract pack, its case's policy."""
    case = entry.get("case")
    policy_id = case.get("policy_id") if isinstance(case, dict) else None
    if pack.kind != "policy" and policy_id in known:
        return str(policy_id)
    return str(pack.policy_of_requests)


def _contract_clause_broken(message: str) -> list[str]:
    """The contract clause a failure of any scenario names (repeatability, policy, echo)."""
    return [
        clause
        for clause in (REPEATABLE, *ALWAYS_CHECKED)
        if message.startswith(f"wrong decision: {clause}:")
    ]


def _worded(what: str, expected: object, actual: object, body: dict[str, Any]) -> str:
    return "wrong decision: " + worded(what, expected, actual, body)


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
    # As a run does: a corpus of a policy the engine does not declare is not checked.
    packs = load_packs()
    known = {pack.id: pack for pack in packs}
    results.not_checked = unchecked_packs(packs, metadata.get("policies"), set())
    runs = checked_requests(packs, metadata.get("policies"), set())
    for pack_id, why in results.not_checked.items():
        print(f"not checked: {pack_id}: {why}")
    engine = CheckedEngine(adapter)
    try:
        for document in documents:
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
                try:
                    message = _grade(engine, entry, policy)
                    outcome = "failed" if message else "passed"
                except AssertionError as exc:
                    message, outcome = describe(exc), "failed"
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
                        clauses=sorted({*entry["clauses"], *_contract_clause_broken(message)}),
                        readings=entry["readings"],
                        polarity=entry["polarity"],
                        outcome=outcome,
                        message=message,
                    )
                )
                print(f"{outcome.upper():<8} {entry['id']}")
                if message:
                    print("  " + message.splitlines()[0])
    finally:
        adapter.close()
    for line in clause_table(results.verdicts(packs)):
        print(line)
    print(
        f"scenarios: {results.count('passed')} passed, {results.count('failed')} failed, "
        f"{results.count('errored')} errored"
    )
    return exit_code(results) if results.scenarios else EXIT_USAGE
