"""Learning from reviewers: corrections teach the vendor's layout memory.

A reviewer's correction is stored by the review step as an ``extractions`` row with source
"review" (the labelled data). ``learn_correction`` re-reads that document, finds where each
corrected value is printed and merges it into the vendor's ``layout_memory`` row, once
per correction. ``memory_for_vendor`` is what the parse step asks before extracting a
known vendor's next invoice: it first learns that vendor's pending corrections (at most a
few per call, so a parse never turns into a backlog run), then returns the memory.
"""

from __future__ import annotations

from typing import Optional

from ..adapters.db.layout_memory import LayoutMemoryRepository
from ..domain.extraction import learn_layout
from ..domain.layout_memory import VendorLayout, vendor_memory_key
from ..errors import PermanentError

PENDING_PER_PARSE = 3


def learn_correction(app, extraction_id: int, read) -> Optional[str]:
    """Learn one review extraction; returns the vendor key taught, None when nothing was.

    ``read(app, data, media_type)`` is the parse step's reader. A document that cannot be
    read again is marked learned without teaching anything, so it is not retried forever.
    """
    with app.uow.begin() as tx:
        repo = LayoutMemoryRepository(tx.conn)
        row = repo.extraction(extraction_id)
        if row is None or row["source"] != "review" or repo.is_learned(extraction_id):
            return None
        doc = tx.documents.get(row["document_id"])
    values = {name: f["value"] for name, f in row["fields"].items() if f.get("value")}
    key = vendor_memory_key(values.get("vendor_id"), values.get("vendor"))
    text = None
    if key and doc is not None:
        try:
            text = read(app, app.blobs.get(doc.sha256), doc.media_type)
        except PermanentError:
            text = None
    with app.uow.begin() as tx:
        repo = LayoutMemoryRepository(tx.conn)
        if repo.is_learned(extraction_id):
            return None
        if text is not None:
            repo.save(learn_layout(text, key, values, repo.get(key)))
        repo.mark_learned(extraction_id, key if text is not None else None)
    return key if text is not None else None


def memory_for_vendor(app, vendor_key: Optional[str], read) -> Optional[dict[str, VendorLayout]]:
    """``{vendor_key: layout}`` for the extractor, after learning the vendor's pending corrections."""
    if not vendor_key:
        return None
    with app.uow.read() as tx:
        pending = LayoutMemoryRepository(tx.conn).unlearned_reviews([vendor_key], PENDING_PER_PARSE)
    for row in pending:
        learn_correction(app, row["id"], read)
    with app.uow.read() as tx:
        layout = LayoutMemoryRepository(tx.conn).get(vendor_key)
    return {vendor_key: layout} if layout else None


def stored_context(tx, vendor_key: str, vendor_id: str) -> tuple[bool, Optional[dict[str, VendorLayout]], list, list[str]]:
    """(corrections of the vendor wait to be learned, its memory as stored, the numbers and
    statuses of its purchase orders, the numbers of its latest approved invoices), read in the
    caller's transaction in one statement (what every parse of a resolved vendor asks): when
    no correction waits (the usual case) the stored memory is the one ``memory_for_vendor``
    would return, without two transactions of its own."""
    pending, layout, orders, numbers = LayoutMemoryRepository(tx.conn).vendor_context(vendor_key, vendor_id)
    if pending:
        return True, None, orders, numbers
    return False, ({vendor_key: layout} if layout else None), orders, numbers
