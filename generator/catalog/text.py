"""Which characters contributed text may hold, and when two names are the same name.

Everything a contributor writes ends up in HTML, Markdown, JSON, CSV, Atom and SVG. A
character that XML cannot carry (a noncharacter such as U+FFFE, a lone surrogate, a control
character) makes a feed or a badge unreadable for everyone; an invisible one (a zero-width
space, a bidi override) makes a name read differently from what it is, or slip past the
duplicate check. Such characters are refused, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")
_WHAT = {
    "Cc": "control character",
    "Cf": "invisible formatting character",
    "Cs": "lone surrogate (half of a character)",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}


def unsafe_character(text: str, *, allow_spaces: bool = True) -> str | None:
    """Why `text` cannot be published, naming the first offending character; None if it can.

    `allow_spaces=False` also refuses every kind of space (for URLs)."""
    if text.isascii():
        found = _ASCII_CONTROL.search(text) or (None if allow_spaces else re.search(" ", text))
        return _describe(found.group(0), found.start()) if found else None
    for column, char in enumerate(text):
        if _is_unsafe(char, allow_spaces):
            return _describe(char, column)
    return None


def _is_unsafe(char: str, allow_spaces: bool) -> bool:
    category = unicodedata.category(char)
    if category in _WHAT or is_noncharacter(char):
        return True
    return not allow_spaces and category == "Zs"


def is_noncharacter(char: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, ...)."""
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _describe(char: str, index: int) -> str:
    point = ord(char)
    category = unicodedata.category(char)
    what = "noncharacter" if is_noncharacter(char) else _WHAT.get(category, "space")
    name = unicodedata.name(char, "")
    named = f" ({name.lower()})" if name and category != "Cc" else ""
    return f"{what} U+{point:04X}{named} at column {index + 1} is not allowed"


def xml_can_carry(char: str) -> bool:
    """XML 1.0's Char production (tests hold our rules against it)."""
    point = ord(char)
    return (
        point in (0x9, 0xA, 0xD)
        or 0x20 <= point <= 0xD7FF
        or 0xE000 <= point <= 0xFFFD
        or 0x10000 <= point <= 0x10FFFF
    )


def name_key(name: str) -> str:
    """What makes two names the same name: Unicode NFKC folding, case folding, runs of
    spaces as one, and no trailing punctuation ("Twin  Community." is "twin community")."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    visible = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    words = " ".join(visible.split())
    end = len(words)
    while end and (unicodedata.category(words[end - 1]).startswith("P") or words[end - 1] == " "):
        end -= 1
    return words[:end]
