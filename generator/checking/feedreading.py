"""Reading a feed larger than the body cap without losing its items.

A feed may carry megabytes before its first item (a huge channel description, an inlined
image, padding in a comment). Cutting it at the cap would lose every date, and holding it
whole would break the memory bound. So a feed that outgrows the cap is parsed as it streams
in (lxml's pull parser): items and entries are kept whole, up to the cap in total, while the
text of everything else is dropped as soon as it ends. What remains is a small feed of the
same shape that feedparser reads as usual. A feed within the cap is passed on untouched.
"""

from __future__ import annotations

import contextlib

import lxml.etree

# How much more than the cap a feed may stream in while being compacted.
STREAM_FACTOR = 8
# Longer text outside items is dropped (titles, links and dates are far shorter).
MAX_TEXT = 1000
_ITEMS = frozenset({"item", "entry"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class FeedReading:
    """A `transport.Reading` for feeds (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        self.ceiling = limit * STREAM_FACTOR
        self._limit = limit
        self._raw: list[bytes] = []
        self._size = 0
        self._parser: lxml.etree.XMLPullParser | None = None
        self._root: lxml.etree._Element | None = None
        self._kept = 0
        self._depth_in_item = 0

    def add(self, piece: bytes) -> bool:
        self._size += len(piece)
        if self._parser is None and self._size <= self._limit:
            self._raw.append(piece)
            return True
        if self._parser is None:
            self._parser = _pull_parser()
            self._feed(b"".join(self._raw))
            self._raw = []
        self._feed(piece)
        return True

    def result(self) -> tuple[bytes, bool]:
        if self._parser is None:
            return b"".join(self._raw), False
        with contextlib.suppress(lxml.etree.XMLSyntaxError):
            self._parser.close()  # a feed cut short or broken near its end keeps its items
        if self._root is None:
            return b"", True
        return lxml.etree.tostring(self._root, encoding="utf-8", xml_declaration=True), True

    def _feed(self, data: bytes) -> None:
        parser = self._parser
        assert parser is not None
        try:
            parser.feed(data)
        except lxml.etree.XMLSyntaxError:
            return
        for event, element in parser.read_events():
            if isinstance(element, lxml.etree._Element):
                self._event(event, element)

    def _event(self, event: str, element: lxml.etree._Element) -> None:
        if self._root is None:
            self._root = element
        if event == "start" and not self._depth_in_item:
            _drop_text_before(element)
        if _local(element.tag) in _ITEMS:
            self._depth_in_item += 1 if event == "start" else -1
            if event == "end":
                self._keep_or_drop(element)
        elif event == "end" and not self._depth_in_item:
            if len(element) == 0 and len(element.text or "") > MAX_TEXT:
                element.text = None
            element.tail = None

    def _keep_or_drop(self, item: lxml.etree._Element) -> None:
        size = len(lxml.etree.tostring(item))
        if self._kept + size <= self._limit:
            self._kept += size
            item.tail = None
            return
        parent = item.getparent()
        if parent is not None:
            parent.remove(item)


def _drop_text_before(element: lxml.etree._Element) -> None:
    """Long text between the elements outside items (the padding before them) goes."""
    parent, before = element.getparent(), element.getprevious()
    if parent is not None and len(parent.text or "") > MAX_TEXT:
        parent.text = None
    if before is not None:
        before.tail = None


def _pull_parser() -> lxml.etree.XMLPullParser:
    return lxml.etree.XMLPullParser(
        events=("start", "end"),
        recover=True,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
