"""Read contributed YAML safely, keeping the line of every key and value.

PyYAML's (C) composer gives a node tree with positions; we build plain Python values from it
ourselves so that no tag is ever executed, aliases (and so alias bombs) are refused, duplicate
keys are caught, and every value remembers its line for error messages. Plain scalars are
typed by a small YAML 1.2-style core schema: null, true/false, integers, floats and ISO dates;
everything else, and everything quoted, is text (so `no`, `on` and `1e3x` stay text).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem, display_path

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16
BOM = b"\xef\xbb\xbf"

Loc = tuple[str | int, ...]
STR_TAG = "tag:yaml.org,2002:str"
_DEFAULT_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: STR_TAG,
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """Resolves no implicit types: plain scalars are typed by `plain_scalar`, faster and
    without YAML 1.1's surprises. Only untagged nodes reach `resolve`."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]


_KEYWORDS: dict[str, bool | None] = {
    **dict.fromkeys(["", "~", "null", "Null", "NULL"]),
    **dict.fromkeys(["true", "True", "TRUE"], True),
    **dict.fromkeys(["false", "False", "FALSE"], False),
}
# Most plain scalars are words or URLs: one look at the first character settles them.
_NUMBER_STARTS = frozenset("0123456789+-.")
_NUMBER = re.compile(
    r"(?P<int>[-+]?[0-9]+)"
    r"|(?P<float>[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?)"
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
)


@dataclass
class Document:
    """One YAML file: its value, the line of each location in it, and what went wrong."""

    path: str
    value: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known location on `loc`'s path (1 for the whole file)."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def problem(self, loc: Loc, message: str, line: int | None = None) -> Problem:
        field_name = ".".join(str(part) for part in loc) or "-"
        return Problem(self.path, line or self.line_of(loc), field_name, message)


class _Refused(Exception):
    """A node we will not turn into a value; carries its own Problem."""

    def __init__(self, loc: Loc, line: int, message: str) -> None:
        self.loc, self.line, self.message = loc, line, message


def load_yaml_file(path: Path, root: Path | None = None) -> Document:
    """Load one YAML file into a Document; problems are recorded, never raised.

    Only a regular file is read, and at most MAX_FILE_BYTES of it; with `root`, a symbolic
    link must lead to a file inside that folder."""
    doc = Document(display_path(path))
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES, root)
    except UnreadableFile as refused:
        doc.problems.append(doc.problem((), refused.message))
        return doc
    return load_yaml_bytes(raw, doc)


class UnreadableFile(Exception):
    """A file we will not (or cannot) read, with the reason in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def read_regular_file(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file, read at most `limit` + 1 bytes at a time.

    The kind of file is settled with lstat/stat before it is opened, so a FIFO or a device is
    never opened (opening a FIFO blocks; reading /dev/zero never ends); the file is opened
    without following a last symbolic link and without blocking, and checked again once open.
    Raises UnreadableFile, and a file over `limit` bytes is refused as soon as that is known.
    """
    target = _target(path, root)
    try:
        descriptor = os.open(target, os.O_RDONLY | _NONBLOCK | _NOFOLLOW)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        _require_regular(os.fstat(descriptor).st_mode)
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise UnreadableFile(f"file is too large (over {limit // 1024} KiB)")
    return raw


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _target(path: Path, root: Path | None) -> str:
    """The path to open: the file itself, or where its symbolic link leads (inside `root`)."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            resolved = os.path.realpath(path)
            if root is not None and not _inside(resolved, root):
                raise UnreadableFile("symbolic link leads outside the data folder; not read")
            mode = os.stat(resolved).st_mode
            path = Path(resolved)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror}") from None
    _require_regular(mode)
    return str(path)


def _inside(resolved: str, root: Path) -> bool:
    folder = os.path.realpath(root)
    return os.path.commonpath([resolved, folder]) == folder


def _require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise UnreadableFile(f"{kind}, not a regular file; only regular files are read")


def load_yaml_bytes(raw: bytes, doc: Document) -> Document:
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024
        doc.problems.append(doc.problem((), f"file is too large (over {limit} KiB)"))
        return doc
    text = _decode(raw.removeprefix(BOM), doc)
    if text is not None:
        _compose_into(text, doc)
    return doc


def _decode(raw: bytes, doc: Document) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        bad = raw[error.start]
        message = f"file is not valid UTF-8 (byte 0x{bad:02x} at column {column})"
        doc.problems.append(doc.problem((), message, line))
        return None


def _compose_into(text: str, doc: Document) -> None:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        doc.problems.append(_syntax_problem(error, doc))
        return
    except yaml.reader.ReaderError as error:
        doc.problems.append(_character_problem(error, text, doc))
        return
    except (yaml.YAMLError, RecursionError) as error:
        doc.problems.append(doc.problem((), f"YAML could not be read: {error}"))
        return
    if root is None:
        doc.problems.append(doc.problem((), "file is empty"))
        return
    try:
        doc.value = _Builder(doc, aliases_possible="*" in text).build(root, (), 0)
    except _Refused as refused:
        doc.problems.append(doc.problem(refused.loc, refused.message, refused.line))


def _syntax_problem(error: yaml.MarkedYAMLError, doc: Document) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = error.problem or error.context or "invalid YAML"
    if "another document" in what:
        what = "a file holds one entry, but a second YAML document starts here"
    return doc.problem((), f"YAML syntax error at column {column}: {what}", line)


def _character_problem(error: yaml.reader.ReaderError, text: str, doc: Document) -> Problem:
    before = text[: error.position]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    char = error.character if isinstance(error.character, str) else chr(error.character)
    message = f"character U+{ord(char):04X} at column {column} is not allowed in YAML"
    return doc.problem((), message, line)


class _Builder:
    """Turns a composed node tree into plain values, recording lines and duplicate keys."""

    def __init__(self, doc: Document, aliases_possible: bool = True) -> None:
        self.doc = doc
        self.lines = doc.lines
        # An alias needs a `*` in the source; most files have none and skip the bookkeeping.
        self.aliases_possible = aliases_possible
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        line = node.start_mark.line + 1
        self._admit(node, loc, line, depth)
        self.lines.setdefault(loc, line)
        if isinstance(node, yaml.ScalarNode):  # quoted and block scalars are always text
            return node.value if node.style else self._plain(node.value, loc, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth + 1)
        return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]

    def _admit(self, node: yaml.Node, loc: Loc, line: int, depth: int) -> None:
        """Refuse an alias, deep nesting and any tag."""
        if self.aliases_possible:
            self._first_visit(node, loc, line)
        if depth > MAX_DEPTH:
            raise _Refused(loc, line, f"nested deeper than {MAX_DEPTH} levels")
        if node.tag != _DEFAULT_TAGS[type(node)]:
            raise _Refused(loc, line, f"YAML tag {node.tag!r} is not allowed")

    def _first_visit(self, node: yaml.Node, loc: Loc, line: int) -> None:
        # The composer hands back the anchored node itself for an alias: meeting a node twice
        # (as a value or as a key) is how an alias shows. Its own line is the anchor's, so a
        # value names its key's line where there is one.
        if id(node) in self.seen:
            where = self.lines.get(loc, line)
            raise _Refused(loc, where, "YAML anchors and aliases are not allowed in entries")
        self.seen.add(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, loc)
            key_loc = (*loc, key)
            if key in result:
                line = key_node.start_mark.line + 1
                self.doc.problems.append(self.doc.problem(key_loc, "duplicate key", line))
                continue
            self.lines[key_loc] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, key_loc, depth)
        return result

    def _key(self, node: yaml.Node, loc: Loc) -> str:
        line = node.start_mark.line + 1
        if type(node) is not yaml.ScalarNode or node.tag != STR_TAG:
            raise _Refused(loc, line, "every key must be plain text")
        if self.aliases_possible:
            self._first_visit(node, loc, line)
        return str(node.value)

    def _plain(self, text: str, loc: Loc, line: int) -> Any:
        try:
            return plain_scalar(text)
        except ValueError as error:
            raise _Refused(loc, line, str(error)) from None


def plain_scalar(text: str) -> Any:
    """The value of an unquoted scalar under a small core schema."""
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    found = _NUMBER.fullmatch(text) if text[0] in _NUMBER_STARTS else None
    if found is None:
        return text
    if found.lastgroup == "int":
        return int(text)
    return float(text) if found.lastgroup == "float" else _date(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a valid date") from None


def iter_entry_files(communities_dir: Path) -> Iterator[Path]:
    """Every file in the communities folder, in path order (non-YAML files are reported later)."""
    if communities_dir.is_dir():
        # Sorting names, not Paths: one folder gives the same order, for far less work.
        names = sorted(name for name in os.listdir(communities_dir) if not name.startswith("."))
        yield from (communities_dir / name for name in names)
