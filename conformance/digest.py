"""A report's digest: what the kit wrote, in one value a later reader can check the file against.

The digest is the SHA-256 of the report's JSON as the kit writes it (``strict_json``), without
the ``digest`` field itself. The kit stores it in the report and prints it as its last line, so
that a report rewritten after the run (by an engine's leftover, a careless script, a forger) is
found out: either the stored digest no longer matches the content, or it no longer matches the
one in the run's log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .outputs import strict_json

__all__ = ["DIGEST_FIELD", "report_digest"]

#: The report's field that holds its digest.
DIGEST_FIELD = "digest"


def report_digest(document: Mapping[str, Any]) -> str:
    """``sha256:HEX`` of ``document`` as the kit writes it, its own ``digest`` field left out."""
    content = {key: value for key, value in document.items() if key != DIGEST_FIELD}
    return "sha256:" + hashlib.sha256(strict_json(content).encode("ascii")).hexdigest()
