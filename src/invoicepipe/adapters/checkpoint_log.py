"""The append-only checkpoint file: one JSON line per checkpoint, outside the database.

Writers and readers coordinate with ``flock`` on the file itself: a checkpointer holds it
exclusively from reading the chain heads until its line is written and recorded, and the
verifier holds it shared while it starts its database snapshot and reads the file. So the
verifier never sees a checkpoint newer than its snapshot, nor a database record of a line
it has not read. Always take this lock *before* opening a database transaction.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Callable, Iterator, Optional

# Enough to hold the last few checkpoint lines (each is about 1.5 KB with 17 heads).
TAIL_BYTES = 256 * 1024


class CheckpointLog:
    def __init__(self, path: Path):
        self.path = path
        self._file = None

    def _open(self, mode: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._file = os.fdopen(fd, "a+b")
        fcntl.flock(self._file.fileno(), mode)

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def lines(self) -> Iterator[str]:
        """Every line, read in the open (locked) file."""
        self._file.seek(0)
        for line in self._file:
            yield line.decode("utf-8", errors="replace")

    def last(self, accept: Callable[[dict], bool]) -> Optional[dict]:
        """The last record that ``accept`` takes (authentic), searching from the end."""
        size = self._file.seek(0, os.SEEK_END)
        for start in (max(0, size - TAIL_BYTES), 0):
            self._file.seek(start)
            lines = self._file.read().decode("utf-8", errors="replace").splitlines()
            if start:
                lines = lines[1:]  # the first one is probably cut
            for line in reversed(lines):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and accept(record):
                    return record
            if start == 0:
                break
        return None

    def append(self, record: dict) -> None:
        self._file.seek(0, os.SEEK_END)
        self._file.write((json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii"))
        self._file.flush()
        os.fsync(self._file.fileno())

    @classmethod
    def exclusive(cls, path: Path) -> "CheckpointLog":
        log = cls(path)
        log._open(fcntl.LOCK_EX)
        return log

    @classmethod
    def shared(cls, path: Path) -> "CheckpointLog":
        log = cls(path)
        log._open(fcntl.LOCK_SH)
        return log

    def __enter__(self) -> "CheckpointLog":
        return self

    def __exit__(self, *exc) -> None:
        self.release()
