"""Text an engine supplied (name, version, metadata, strings of a decision), made safe to show.

An engine is hostile: a newline in its name would start a line of its own in the Markdown
summary ("**Conformant** on all 99 clauses run"), a table row, a forged terminal line; an escape
sequence or a right-to-left override would redraw the terminal. Every output format therefore
shows engine text through :func:`flatten` (one line, no control or format characters), and the
Markdown summary through :func:`markdown` (flattened, then every character Markdown or HTML reads
as markup escaped). HTML and XML escaping stay with their writers (``html.escape``, ElementTree).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["flatten", "markdown", "visible_lines"]

# Line and paragraph separators, and whitespace of every kind, become one space.
_SPACES = re.compile(r"\s+")
# Backslash-escaped in Markdown: what CommonMark and GitHub read as emphasis, code, links, tables,
# headings, HTML, entities, strikethrough and autolinks.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&:=\"'])")


def flatten(value: object) -> str:
    """``value`` as one line: control and format characters removed, whitespace runs one space."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return text.strip()  # the common case, in one pass
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _INVISIBLE
    )
    return _SPACES.sub(" ", kept).strip()


def visible_lines(value: object) -> list[str]:
    """``value`` as lines (a traceback, a stderr tail), each cleaned as :func:`flatten` cleans.

    The indentation is kept, so that a traceback still reads as one; a line that was only an
    escape sequence or a carriage-return redraw is kept as what remains of it.
    """
    text = "" if value is None else str(value)
    return [
        "".join(
            " " if char.isspace() else char
            for char in line
            if char.isspace() or unicodedata.category(char) not in _INVISIBLE
        ).rstrip()
        for line in text.splitlines()
    ]


def markdown(value: object) -> str:
    """``value`` flattened and escaped for Markdown: it renders as the very characters it holds."""
    return _MARKUP.sub(r"\\\1", flatten(value))


# Control (escape sequences, carriage returns), format (bidirectional overrides, zero-width
# joiners), unassigned, private-use and surrogate code points: none reads as what it is.
_INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
