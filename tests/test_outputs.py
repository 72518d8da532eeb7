"""What a run writes is checked first, written whole, and parses: conformance/outputs.py."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from policy_conformance.errors import KitError
from policy_conformance.outputs import check_outputs, strict_json, write_text


def test_a_symlinked_output_is_written_through_and_the_link_kept(tmp_path: Path) -> None:
    target = tmp_path / "kept" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"


def test_a_special_file_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_text(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("old")
    path.chmod(0o640)
    write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.md"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d, "is a folder"),
        (lambda d: d / "missing" / "r.json", "does not exist"),
        (lambda d: d / "baseline.json", "is the baseline this run reads"),
    ],
    ids=["folder", "no-folder", "baseline"],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, make: object, message: str
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{}")
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(KitError, match=message) as caught:
        check_outputs([("--report", path)], [baseline])
    assert str(caught.value).startswith("--report: ")


def test_two_outputs_on_one_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "out"
    with pytest.raises(KitError, match=r"--summary: .* is also the path of --report"):
        check_outputs([("--report", path), ("--summary", path)], [])


def test_writable_outputs_pass(tmp_path: Path) -> None:
    check_outputs([("--report", tmp_path / "r.json"), ("--summary", None)], [None])


def test_json_is_strict_whatever_the_engine_sent() -> None:
    text = strict_json({"version": float("nan"), "speed": float("inf"), "name": "x\udcff"})
    loaded = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard {c}"))
    assert loaded["version"] == "nan" and loaded["speed"] == "inf"
    text.encode("utf-8")  # no lone surrogate left to break a writer


def test_text_with_a_lone_surrogate_is_written(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    write_text(path, "engine \udcff")
    assert path.read_text(encoding="utf-8") == "engine \\udcff"
