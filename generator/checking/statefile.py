"""Saving the state file atomically: a temporary file beside it, then os.replace, so a reader
(or a run killed mid-write) only ever sees the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.errors import CheckError, display_path
from generator.sharding import merge_states
from generator.state import CheckState, RecordTexts, read_state, state_to_json


def save_state(path: Path, state: CheckState, texts: RecordTexts | None = None) -> None:
    """Write the state; `texts` carries serialised records from one checkpoint to the next."""
    text = state_to_json(state, texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, text)
    except OSError as error:
        raise CheckError(f"cannot write the check state {display_path(path)}: {error}") from None


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the state from other readers
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def merge_state_files(out: Path, paths: Sequence[Path]) -> int:
    """Merge shard states (generator/sharding.py) into `out`; the number of records."""
    missing = [display_path(path) for path in paths if not path.is_file()]
    if missing:
        raise CheckError(f"no such state file: {', '.join(missing)}")
    merged = merge_states([read_state(path) for path in paths])
    save_state(out, merged)
    return len(merged.records)
