"""Reading a file someone else put there, without being tricked into reading another.

A drop folder is written by other people and systems. A symbolic link there would make us
copy whatever it points at (``/proc/self/environ``, a key file) into the blob store, and a
FIFO or device would block or stream forever. So a file is opened with ``O_NOFOLLOW`` (a
link is refused by the kernel, even one swapped in after we looked) and ``O_NONBLOCK``
(opening a FIFO does not wait for a writer), and the open descriptor is checked with
``fstat``: only a regular file is read. Reasons name the kind of entry, never its content.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Optional

from ..errors import UnsupportedInput

_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def describe_mode(mode: int) -> Optional[str]:
    """What kind of entry ``mode`` is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def refusal(kind: str) -> str:
    return f"not a regular file ({kind}); only regular files are taken"


def read_regular_file(path, max_bytes: Optional[int] = None) -> bytes:
    """The bytes of ``path`` if it is a regular file, read through one descriptor.

    Raises UnsupportedInput (a reason without content) for links, FIFOs, devices, sockets
    and folders, or when the file is larger than ``max_bytes``; FileNotFoundError when it
    is gone.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise UnsupportedInput(refusal("a symbolic link")) from None
        raise
    try:
        st = os.fstat(fd)
        kind = describe_mode(st.st_mode)
        if kind:
            raise UnsupportedInput(refusal(kind))
        if max_bytes is not None and st.st_size > max_bytes:
            raise UnsupportedInput(f"file is larger than {max_bytes // (1024 * 1024)} MB")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if max_bytes is not None and total > max_bytes:  # it grew while we read
                raise UnsupportedInput(f"file is larger than {max_bytes // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
