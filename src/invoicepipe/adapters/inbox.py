"""The drop folder: channel subfolders, files taken only once they stopped changing.

Layout: ``inbox/email``, ``inbox/portal``, ``inbox/scan`` (files put directly in ``inbox/``
count as portal). A file is moved to ``inbox/processed/`` or ``inbox/rejected/`` (with a
``.reason.txt`` beside it) only after the database has committed it, so a crash between the
two leaves it in place to be taken again, and the content-addressed store makes that a
recorded re-arrival rather than a second document.

Only regular files are taken. Symbolic links, FIFOs, devices, sockets and linked folders
are never opened or followed: they are moved aside to ``inbox/rejected/`` with a reason
naming what they are (``refused_entries``); the file itself is read through
``safe_files.read_regular_file`` so a link swapped in after the scan is refused too.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .safe_files import describe_mode, refusal

CHANNELS = ("email", "portal", "scan")
SKIP_DIRS = {"processed", "rejected"}


@dataclass(frozen=True)
class DroppedFile:
    path: Path
    channel: str


@dataclass(frozen=True)
class RefusedEntry:
    """Something in the drop folder that is not a regular file, and why it is not taken."""

    path: Path
    channel: str
    reason: str


class DropFolder:
    def __init__(self, root: Path, settle_s: float = 1.0):
        self.root = Path(root)
        self.settle_s = settle_s
        self._seen: dict[Path, tuple[int, int, float]] = {}  # path -> (size, mtime_ns, first seen unchanged at)
        # Files are archived from several ingest threads: choosing a free name and moving
        # the file there must not interleave (two equal names would overwrite each other).
        self._moving = threading.Lock()

    def ensure_layout(self) -> None:
        for name in (*CHANNELS, "processed", "rejected"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def _walk(self, folder: Path, channel: str, recurse: bool) -> Iterator[tuple[Path, str, os.stat_result]]:
        """Every visible entry under ``folder`` with its ``lstat``; never follows a link."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            path = Path(entry.path)
            if stat.S_ISDIR(st.st_mode):
                if recurse and not SKIP_DIRS.intersection(path.relative_to(self.root).parts):
                    yield from self._walk(path, channel, recurse)
                continue
            yield path, channel, st

    def _entries(self) -> Iterator[tuple[Path, str, os.stat_result]]:
        top = ((p, c, st) for p, c, st in self._walk(self.root, "portal", recurse=False))
        yield from top
        for channel in CHANNELS:
            folder = self.root / channel
            if folder.is_dir() and not folder.is_symlink():
                yield from self._walk(folder, channel, recurse=True)

    def _candidates(self) -> Iterator[DroppedFile]:
        for path, channel, st in self._entries():
            if stat.S_ISREG(st.st_mode):
                yield DroppedFile(path, channel)

    def refused_entries(self) -> list[RefusedEntry]:
        """Links (to files or folders), FIFOs, devices and sockets: never taken, only reported."""
        return [RefusedEntry(path, channel, refusal(describe_mode(st.st_mode) or "unknown"))
                for path, channel, st in self._entries() if not stat.S_ISREG(st.st_mode)]

    def set_aside(self, entry: RefusedEntry) -> Path:
        """Move a refused entry (the link itself, never its target) to ``rejected/`` with its reason."""
        with self._moving:
            target = self._destination("rejected", DroppedFile(entry.path, entry.channel))
            os.replace(entry.path, target)
        target.with_name(target.name + ".reason.txt").write_text(entry.reason + "\n", encoding="utf-8")
        return target

    def stable_files(self, now: Optional[float] = None) -> list[DroppedFile]:
        """Files whose size and mtime have not changed for ``settle_s`` seconds."""
        now = time.monotonic() if now is None else now
        ready, present = [], set()
        for dropped in self._candidates():
            try:
                st = dropped.path.lstat()
            except FileNotFoundError:
                continue
            present.add(dropped.path)
            size_mtime = (st.st_size, st.st_mtime_ns)
            seen = self._seen.get(dropped.path)
            if seen is None or seen[:2] != size_mtime:
                self._seen[dropped.path] = (*size_mtime, now)
                if self.settle_s > 0:
                    continue
                seen = self._seen[dropped.path]
            if now - seen[2] >= self.settle_s:
                ready.append(dropped)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return ready

    def _destination(self, folder: str, dropped: DroppedFile) -> Path:
        day = time.strftime("%Y-%m-%d")
        target_dir = self.root / folder / day / dropped.channel
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / dropped.path.name
        n = 1
        while target.exists():
            target = target_dir / f"{dropped.path.stem}.{n}{dropped.path.suffix}"
            n += 1
        return target

    def archive(self, dropped: DroppedFile, rejected_reason: Optional[str] = None) -> Path:
        """Move a committed file out of the inbox; a rejection gets its reason file beside it."""
        with self._moving:
            target = self._destination("rejected" if rejected_reason else "processed", dropped)
            os.replace(dropped.path, target)
            self._seen.pop(dropped.path, None)
        if rejected_reason:
            target.with_name(target.name + ".reason.txt").write_text(rejected_reason + "\n", encoding="utf-8")
        return target
