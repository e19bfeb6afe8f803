"""Bodies read as a browser reads them, whatever the server says they are.

`Content-Encoding` is undone here, not in urllib3, because servers get it wrong: a body
labelled gzip but sent plain is read plain (urllib3 would fail the whole request), brotli is
decoded even when we did not ask for it, and an encoding we do not know leaves the bytes as
they came. Every decoder is fed in pieces and asked for at most a given number of bytes, so a
compression bomb stops at the cap instead of filling the memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli

PIECE = 256 * 1024
"""Most bytes one decoding step produces: memory stays bounded whatever the ratio."""


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class DecodeFailed(Exception):
    """The bytes are not in the encoding they were labelled with."""


class _Zlib:
    """gzip or deflate (zlib-wrapped or raw, as servers send either for "deflate")."""

    def __init__(self, gzip: bool) -> None:
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._engine = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            out = self._step(data)
            self._started = True
            data = self._engine.unconsumed_tail
            if out:
                yield out
            elif self._engine.eof or not data:
                return

    def _step(self, data: bytes) -> bytes:
        try:
            return self._engine.decompress(data, PIECE)
        except zlib.error as error:
            if self._started or self._wbits != zlib.MAX_WBITS:
                raise DecodeFailed(str(error)) from None
        self._engine, self._wbits = zlib.decompressobj(-zlib.MAX_WBITS), -zlib.MAX_WBITS
        try:
            return self._engine.decompress(data, PIECE)
        except zlib.error as error:
            raise DecodeFailed(str(error)) from None


class _Brotli:
    def __init__(self) -> None:
        self._engine = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield bytes(self._engine.process(data, output_buffer_limit=PIECE))
            while not self._engine.can_accept_more_data():
                yield bytes(self._engine.process(b"", output_buffer_limit=PIECE))
        except brotli.error as error:
            raise DecodeFailed(str(error)) from None


def _decoder(name: str) -> _Decoder | None:
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br":
        return _Brotli()
    return None


class BodyDecoder:
    """Undo a response's `Content-Encoding`, piece by piece, within `limit` decoded bytes."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        names = [name.strip().lower() for name in content_encoding.split(",") if name.strip()]
        # Only the last encoding applied (the first one to undo) is undone: stacked
        # encodings are all but unheard of, and a wrong guess costs the whole body.
        self._decoder = _decoder(names[-1]) if names else None
        self._limit = limit
        self._produced = 0
        self._plain = self._decoder is None
        self._seen = b""

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        """The decoded pieces of one more chunk; stops once `limit` bytes came out."""
        if self._decoder is None or self._plain:
            yield chunk
            return
        try:
            for piece in self._decoder.feed(chunk):
                self._produced += len(piece)
                yield piece
                if self._produced > self._limit:
                    return
        except DecodeFailed:
            yield self._give_up(chunk)
            return
        if not self._produced:
            self._seen += chunk  # a header still arriving; kept in case it turns out plain

    def _give_up(self, chunk: bytes) -> bytes:
        """Read the bytes as they came, as browsers do, when nothing was decoded yet."""
        if self._produced:
            raise DecodeFailed("the body stopped being valid halfway")
        self._plain = True
        seen, self._seen = self._seen, b""
        return seen + chunk


def decoded(chunks: Iterator[bytes], content_encoding: str, limit: int) -> Iterator[bytes]:
    """The decoded pieces of a body (see BodyDecoder); ends early if decoding fails midway."""
    decoder = BodyDecoder(content_encoding, limit)
    try:
        for chunk in chunks:
            for piece in decoder.feed(chunk):
                if piece:
                    yield piece
    except DecodeFailed:
        return
