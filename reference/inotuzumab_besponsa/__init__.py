"""The reference engine's Inotuzumab (Besponsa) policy, as the pack's clause catalogue reads it."""

from .engine import POLICY, decide
from .rules import CLAUSE_ORDER

__all__ = ["CLAUSE_ORDER", "POLICY", "decide"]
