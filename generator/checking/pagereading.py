"""Reading a page larger than the body cap without losing what comes after its bulk.

Pages put megabytes before their content: inline scripts and styles, embedded data, comments,
whitespace. Cut at the cap, such a page loses its dates; kept whole, it breaks the memory
bound. A page that outgrows the cap is therefore read on (up to a larger ceiling) through a
compactor that keeps the markup and short text but drops the bodies of scripts (except JSON-LD,
where pages state their dates), styles and comments, and all but the start of long text
runs. The compacted page stops at the cap like any other. A page within the cap is untouched.
"""

from __future__ import annotations

import re

STREAM_FACTOR = 8
MAX_TEXT_RUN = 4096
MAX_TAG = 64 * 1024
MAX_JSON_LD = 256 * 1024
_END = {
    "script": re.compile(rb"</script", re.IGNORECASE),
    "style": re.compile(rb"</style", re.IGNORECASE),
    "comment": re.compile(rb"-->"),
}
_OPENERS = ((b"<script", "script"), (b"<style", "style"))


class HtmlCompactor:
    """Markup in, markup out without the bulk (see the module docstring)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self._pending = b""
        self._state = "text"
        self._run = 0
        self._keep_script = 0

    def feed(self, data: bytes) -> None:
        buffer, self._pending = self._pending + data, b""
        position = 0
        while position < len(buffer):
            position, more = getattr(self, f"_{self._state}")(buffer, position)
            if more:  # the rest waits for the next piece to be decided
                self._pending = buffer[position:]
                return

    def _text(self, buffer: bytes, position: int) -> tuple[int, bool]:
        end = buffer.find(b"<", position)
        end = len(buffer) if end < 0 else end
        room = max(0, MAX_TEXT_RUN - self._run)
        self.out += buffer[position : position + min(room, end - position)]
        self._run += end - position
        if end < len(buffer):
            self._state = "tag"
        return end, False

    def _tag(self, buffer: bytes, position: int) -> tuple[int, bool]:
        head = buffer[position : position + 9].lower()
        if len(head) < 9 and len(buffer) - position < 9:
            return position, True  # "<scr" may be "<script"
        if head.startswith(b"<!--"):
            self._state = "comment"
            return position + 4, False
        close = buffer.find(b">", position)
        if close < 0:
            return (position, True) if len(buffer) - position < MAX_TAG else (len(buffer), False)
        tag = buffer[position : close + 1]
        self.out += tag
        self._run = 0
        self._state = _inside(head, tag)
        self._keep_script = MAX_JSON_LD if b"ld+json" in tag.lower() else 0
        return close + 1, False

    def _skip_to_end(self, buffer: bytes, position: int, state: str) -> tuple[int, bool]:
        found = _END[state].search(buffer, position)
        if found is None:  # keep the last bytes: the end marker may be cut in two
            held = max(position, len(buffer) - 8)
            self._keep(buffer[position:held][: self._keep_script])
            return held, True
        self._keep(buffer[position : found.start()][: self._keep_script])
        self._state = "text" if state == "comment" else "tag"
        return (found.end(), False) if state == "comment" else (found.start(), False)

    def _keep(self, content: bytes) -> None:
        self.out += content
        self._keep_script = max(0, self._keep_script - len(content))

    def _comment(self, buffer: bytes, position: int) -> tuple[int, bool]:
        return self._skip_to_end(buffer, position, "comment")

    def _script(self, buffer: bytes, position: int) -> tuple[int, bool]:
        return self._skip_to_end(buffer, position, "script")

    def _style(self, buffer: bytes, position: int) -> tuple[int, bool]:
        return self._skip_to_end(buffer, position, "style")


def _inside(head: bytes, tag: bytes) -> str:
    if tag.endswith(b"/>"):
        return "text"
    for opener, state in _OPENERS:
        after = head[len(opener) : len(opener) + 1]
        if head.startswith(opener) and after in (b"", b" ", b">", b"\t", b"\n", b"\r", b"/"):
            return state
    return "text"


class PageReading:
    """A `transport.Reading` for pages (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        self.ceiling = limit * STREAM_FACTOR
        self._limit = limit
        self._raw: list[bytes] = []
        self._size = 0
        self._compactor: HtmlCompactor | None = None

    def add(self, piece: bytes) -> bool:
        self._size += len(piece)
        if self._compactor is None and self._size <= self._limit:
            self._raw.append(piece)
            return True
        if self._compactor is None:
            self._compactor = HtmlCompactor()
            for earlier in self._raw:
                self._compactor.feed(earlier)
            self._raw = []
        self._compactor.feed(piece)
        return len(self._compactor.out) <= self._limit

    def result(self) -> tuple[bytes, bool]:
        if self._compactor is None:
            return b"".join(self._raw), False
        return bytes(self._compactor.out[: self._limit]), True
