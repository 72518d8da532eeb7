"""Cucumber JSON that Cucumber's reporters read, in the words of the packs.

pytest-bdd writes ``--cucumberjson`` from what pytest collected: a scenario carries only its own
tags, not its Rule's (so no ``clause:`` tag), tags lack their ``@``, every row of an Outline has
the Outline's one name, an element's id is the pytest function's name, and a feature outside the
kit's folder is named by a path of this machine. After pytest-bdd has written the file, the kit
rewrites each scenario's element: its pack's, clause's and readings' tags with ``@``, its stable
id, its title with the row of its example, and the feature's path under ``features/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .outputs import write_text
from .reporting import machine_path_scrubber
from .results import RunResults, ScenarioResult

__all__ = ["rewrite_cucumber", "scenario_tags"]


def scenario_tags(result: ScenarioResult) -> list[str]:
    """The tags a scenario holds in the features, its Rule's and its Feature's included."""
    tags = [f"@pack:{result.pack}", *(f"@clause:{clause}" for clause in result.clauses)]
    tags += [f"@reading:{reading}" for reading in result.readings]
    if result.polarity:
        tags.append(f"@{result.polarity}")
    return tags


def rewrite_cucumber(path: Path, results: RunResults, ids: dict[str, str]) -> None:
    """Rewrite pytest-bdd's Cucumber JSON at ``path``; ``ids`` maps a test's name to the stable
    id of the scenario it ran."""
    by_id = {s.id: s for s in results.scenarios}
    try:
        features = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(features, list):
        return
    scrub = machine_path_scrubber()
    for feature in features:
        results_here = [
            by_id[ids[element.get("id", "")]]
            for element in feature.get("elements", [])
            if ids.get(element.get("id", "")) in by_id
        ]
        for tag in feature.get("tags", []):
            tag["name"] = _with_at(tag["name"])
        if results_here:
            feature["uri"] = feature["id"] = f"features/{results_here[0].feature}"
        else:
            feature["uri"] = scrub(feature.get("uri", ""))
            feature["id"] = scrub(feature.get("id", ""))
        for element in feature.get("elements", []):
            result = by_id.get(ids.get(element.get("id", ""), ""))
            if result is not None:
                _rewrite_element(element, result)
            else:
                for tag in element.get("tags", []):
                    tag["name"] = _with_at(tag["name"])
            _scrub_steps(element, scrub)
    write_text(path, json.dumps(features, indent=2, ensure_ascii=False) + "\n")


def _rewrite_element(element: dict[str, Any], result: ScenarioResult) -> None:
    own = [_with_at(tag["name"]) for tag in element.get("tags", [])]
    line = element.get("line", 1)
    # The Rule's and the Feature's tags first, as Cucumber gives a scenario its inherited tags.
    names = [*scenario_tags(result), *own]
    element["tags"] = [{"name": name, "line": line - 1} for name in dict.fromkeys(names)]
    element["id"] = result.id
    element["name"] = result.name


def _scrub_steps(element: dict[str, Any], scrub: Callable[[str], str]) -> None:
    for step in element.get("steps", []):
        outcome = step.get("result", {})
        if isinstance(outcome.get("error_message"), str):
            outcome["error_message"] = scrub(outcome["error_message"])


def _with_at(tag: str) -> str:
    return tag if tag.startswith("@") else f"@{tag}"
