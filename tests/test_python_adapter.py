"""The Python adapter and the adapter registry: strings, shapes of engine, and engine faults."""

from __future__ import annotations

import pytest

from policy_conformance import adapters
from policy_conformance.adapters import AdapterOptions, AdapterSpecError, EngineError, open_adapter
from tests.engines import toy

CASE = {"case_id": "c-1"}


def test_function_engine_round_trips_a_case() -> None:
    adapter = open_adapter("python:tests.engines.toy:decide")
    assert adapter.decide(CASE)["case_id"] == "c-1"
    assert adapter.metadata() == {"name": "tests.engines.toy:decide", "contract_version": "3.0"}


def test_object_engine_gives_metadata_and_is_closed() -> None:
    adapter = open_adapter("python:tests.engines.toy:engine")
    assert adapter.metadata()["name"] == "toy engine"
    before = toy.Engine.closed
    adapter.close()
    assert toy.Engine.closed == before + 1


def test_class_engine_is_built_without_arguments() -> None:
    adapter = open_adapter("python:tests.engines.toy:Engine")
    assert adapter.decide(CASE)["outcome"] == "covered"


def test_engine_gets_its_own_copy_of_the_case() -> None:
    case = {"case_id": "c-1", "clinical": {"cancer": True}}
    open_adapter("python:tests.engines.toy:mutates").decide(case)
    assert case == {"case_id": "c-1", "clinical": {"cancer": True}}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("python", "expected KIND:TARGET"),
        ("python:", "expected KIND:TARGET"),
        ("nosuch:thing", "unknown kind 'nosuch'"),
        ("python:tests.engines.toy", "expected python:package.module:attribute"),
        ("python:no_such_module_here:decide", "cannot import 'no_such_module_here'"),
        ("python:tests.engines.toy:missing", "has no attribute 'missing'"),
        ("python:tests.engines.toy:NOT_CALLABLE", "neither callable nor has a decide() method"),
    ],
)
def test_bad_adapter_strings_are_usage_errors(spec: str, message: str) -> None:
    with pytest.raises(AdapterSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_adapter(spec)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("raises", "the engine raised ValueError: lookup table is empty"),
        ("not_json", "its reply is not JSON data"),
        ("a_list", "its reply is a JSON list, not an object"),
    ],
)
def test_engine_faults_are_engine_errors_naming_the_adapter(target: str, message: str) -> None:
    adapter = open_adapter(f"python:tests.engines.toy:{target}")
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert str(caught.value).startswith(f"python:tests.engines.toy:{target}: {message}")


def test_a_raising_engine_shows_its_traceback_tail() -> None:
    adapter = open_adapter("python:tests.engines.toy:raises")
    with pytest.raises(EngineError) as caught:
        adapter.decide(CASE)
    assert "lookup table is empty" in caught.value.detail
    assert "toy.py" in caught.value.detail


def test_a_hung_engine_is_abandoned_after_the_timeout_and_the_next_case_runs() -> None:
    adapter = open_adapter("python:tests.engines.toy:sleeps", AdapterOptions(timeout=0.2))
    with pytest.raises(EngineError, match=r"no answer within 0.2 s"):
        adapter.decide(CASE)
    fresh = open_adapter("python:tests.engines.toy:decide", AdapterOptions(timeout=0.2))
    assert fresh.decide(CASE)["case_id"] == "c-1"


def test_metadata_that_raises_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="licence server down"):
        open_adapter("python:tests.engines.toy:BrokenMetadata").metadata()


def test_from_function_wraps_a_plain_function() -> None:
    adapter = adapters.from_function(toy.decide, name="vendor.decide")
    assert adapter.spec == "python:vendor.decide"
    assert adapter.decide(CASE)["outcome"] == "covered"


def test_builtin_kinds_are_registered_as_entry_points() -> None:
    kinds = adapters.kinds()
    assert {"python", "http", "cli", "jsonl"} <= set(kinds)
    from importlib.metadata import entry_points

    declared = {ep.name for ep in entry_points(group=adapters.ENTRY_POINT_GROUP)}
    assert {"python", "http", "cli", "jsonl"} <= declared


def test_public_surface_is_fixed() -> None:
    assert sorted(adapters.__all__) == sorted(
        [
            "ENTRY_POINT_GROUP",
            "Adapter",
            "AdapterError",
            "AdapterOptions",
            "AdapterSpecError",
            "EngineError",
            "EngineUnreachable",
            "JSONObject",
            "from_function",
            "kinds",
            "open_adapter",
        ]
    )
