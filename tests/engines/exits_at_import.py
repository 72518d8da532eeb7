"""An engine module that stops the interpreter as it is imported."""

import sys

sys.exit(0)


def decide(case: dict[str, object]) -> dict[str, object]:  # pragma: no cover - never reached
    return {}
