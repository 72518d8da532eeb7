"""The reference engine: the Inotuzumab (Besponsa) policy decided as the clause catalogue reads it.

One engine among others and the kit's default target. It speaks only the contract, and shares no
code with the harness, so that the kit never grades itself.
"""

from .engine import ReferenceEngine, decide, metadata

__all__ = ["ReferenceEngine", "decide", "metadata"]
