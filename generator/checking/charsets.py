"""Which character encoding a page is in, decided as a browser decides, and then forgiven.

A byte-order mark wins, then the charset of the Content-Type header, then a `<meta>` charset
near the top, then UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers
assume for legacy pages). A declared encoding we cannot use is skipped, and UTF-16/32 is only
believed with a byte-order mark or with the NUL bytes such text is full of (the HTML standard
itself reads a `<meta charset=utf-16>` as UTF-8). Bytes that do not fit the chosen encoding are
replaced, never fatal: a page with a wrong label still shows its title and dates.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_PRESCAN = 4096
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def choose_encoding(body: bytes, content_type: str = "") -> str:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = [_HEADER_CHARSET.search(content_type), _META_CHARSET.search(body[:_PRESCAN])]
    for match in declared:
        if match is not None:
            usable = _usable(_text(match.group(1)), body)
            if usable:
                return usable
    try:
        body[: _PRESCAN * 16].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(body[: _PRESCAN * 16]) - 4:  # not merely a character cut in two
            return "windows-1252"
    return "utf-8"


def _text(name: str | bytes) -> str:
    return name.decode("ascii", "replace") if isinstance(name, bytes) else name


def _usable(label: str, body: bytes) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")) and b"\0" not in body[:_PRESCAN]:
        return "utf-8"
    return "windows-1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_html(body: bytes, content_type: str = "") -> str:
    """The page as text, ready for a parser (an XML declaration, which lxml refuses in a
    string, is dropped)."""
    text = body.decode(choose_encoding(body, content_type), errors="replace")
    return _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
