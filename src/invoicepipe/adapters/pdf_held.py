"""A probed PDF's loaded pages, kept for the read of the same bytes that follows.

Triage's probe loads every page of a PDF and lays out its text (PDFium's text page) to
count the characters of its text layer; on the fast pool the parse follows in the same
message, usually in the same child process, and loaded and laid out the same pages again:
about 2.5 ms of the ~30 ms a digital invoice costs the child (opening, page loads, text
pages, closing). The probe now keeps what it loaded of a short document here, and the next
read of the same bytes takes it, once, instead of loading again. PDFium gives the same
objects either way, so the words, tables and thumbnails are the same.

Only documents of at most ``MAX_PAGES`` pages and ``MAX_BYTES`` are kept (the fast pool's
sizes; a larger one goes to the slow pool, and its pages are closed one by one as before),
so what is kept between calls stays small beside a parse's memory allowance, and at most
``KEPT`` of them: a worker's threads share their parse children (a thread gets the child of
its last call back when it is idle, ``parse_isolation.ChildProcessRunner``), so a parse may
still come to a child that has probed another thread's document since. A kept document
that no read takes is closed when later probes push it out. Everything here is called
under ``pdf.PDFIUM_LOCK``, which guards every PDFium object.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Optional

import pypdfium2 as pdfium

MAX_PAGES = 10  # TriageLimits.fast_max_pages' default
MAX_BYTES = 8_000_000  # TriageLimits.fast_max_bytes' default
KEPT = 2


@dataclass
class LoadedDocument:
    """An open document with its pages loaded and their text laid out, in page order."""

    data: bytes
    pdf: pdfium.PdfDocument
    pages: list[tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = field(default_factory=list)

    def close(self) -> None:
        for page, textpage in self.pages:
            textpage.close()
            page.close()
        self.pages = []
        self.pdf.close()


_KEPT: deque[LoadedDocument] = deque()


def worth_keeping(data: bytes, pages: int) -> bool:
    """Whether a probed document is small enough to be kept (see the module's docstring)."""
    return pages <= MAX_PAGES and len(data) <= MAX_BYTES


def keep(document: LoadedDocument) -> None:
    """Keep ``document`` for a read of its bytes, closing the oldest beyond ``KEPT`` (and an
    earlier copy of the same bytes: a probe made again)."""
    for old in [d for d in _KEPT if d.data == document.data]:
        _KEPT.remove(old)
        old.close()
    _KEPT.append(document)
    while len(_KEPT) > KEPT:
        _KEPT.popleft().close()


def take(data: bytes) -> Optional[LoadedDocument]:
    """The kept document of these bytes, no longer kept (the caller closes it), or None."""
    for document in _KEPT:
        if document.data == data:
            _KEPT.remove(document)
            return document
    return None


def peek(data: bytes) -> Optional[LoadedDocument]:
    """The kept document of these bytes, still kept, or None."""
    return next((document for document in _KEPT if document.data == data), None)


def release_all() -> None:
    """Close every kept document (tests, and a process that wants its memory back)."""
    while _KEPT:
        _KEPT.popleft().close()
