"""A scenario in its Gherkin words: the lines of its feature file, as an analyst wrote them."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from .. import paths
from ..packs import read_kit_file

__all__ = ["feature_path", "scenario_block"]

#: Lines that start the next block of a feature: the scenario before them ends there.
_BLOCK_STARTS = ("@", "Scenario", "Example:", "Rule:", "Feature:", "Background:")


def feature_path(feature: str) -> Path:
    """The feature file a report names, relative to the packs' folder.

    Reports of older runs name it as the run's working directory saw it (relative to it, or
    whole); the part after the last ``features/`` is then the path below the packs' folder.
    """
    path = Path(feature)
    if path.is_absolute() or not (paths.FEATURES / path).is_file():
        below = feature.replace("\\", "/").rpartition("features/")[2]
        return paths.FEATURES / below
    return paths.FEATURES / path


@cache
def _lines(path: Path) -> tuple[str, ...]:
    text, _problem = read_kit_file(path)
    return tuple(text.splitlines()) if text is not None else ()


def scenario_block(feature: str | Path, line: int) -> str | None:
    """The text of the scenario whose ``Scenario:`` line is ``line``: title, steps, examples.

    ``None`` when the feature cannot be read here (a report from another copy of the kit) or
    the line holds no scenario, so a page shows what the report says and nothing invented.
    """
    lines = _lines(feature_path(str(feature)))
    if not 0 < line <= len(lines) or not lines[line - 1].strip().startswith("Scenario"):
        return None
    block = [lines[line - 1]]
    for following in lines[line:]:
        if following.strip().startswith(_BLOCK_STARTS):
            break
        block.append(following)
    while block and not block[-1].strip():
        block.pop()
    return textwrap.dedent("\n".join(block))
