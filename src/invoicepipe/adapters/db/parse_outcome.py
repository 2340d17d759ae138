"""A parse's outcome written in the transaction that moves its document to EXTRACTED: the
ledger row closed and counted on the day, the reading and its invoice columns, the content
print and its band keys.

On PostgreSQL the three writes are one statement (data-modifying CTEs, each the statement its
repository runs alone: ``costs.close_and_count_parts``, ``documents.reading_parts``,
``content_prints.first_print_parts``), where they were three round trips. They touch no
common row, so running them in one statement (one snapshot) changes nothing they write. A
re-parse whose print meets the earlier one's goes on as ``save_content_print`` does (the
print replaced, its band keys dropped and inserted anew). On SQLite (no data-modifying CTEs)
the repositories' own statements run, in the same order as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Optional

from sqlalchemy import func, literal, select

from ...domain.fingerprints import ContentPrint
from ...domain.models import Extraction
from .content_prints import ContentPrintRepository, first_print_parts
from .costs import CostRepository, close_and_count_parts
from .documents import reading_parameters, reading_parts


# The invoice columns' parameters here: named as the columns, ``document_id`` would be set on
# the ledger row's UPDATE too (``documents.reading_parts``). Every other part's are prefixed.
INVOICE_PREFIX = "i_"


@lru_cache(maxsize=16)
def _outcome_statement(columns: tuple[str, ...], printed: bool, closed: Optional[bool]):
    """The writes as one statement, built once per shape: ``columns`` the invoice columns,
    ``printed`` with a content print, ``closed`` with a ledger close (its value: with
    engines). Returns one row: ``print_inserted`` (the document's id when the print was
    inserted), ``counted`` (1 when the ledger row was still running)."""
    saved, upsert = reading_parts(columns, INVOICE_PREFIX)
    ctes = [saved, upsert.cte("saved_invoice")]
    out = []
    if closed is not None:
        settled, count = close_and_count_parts(closed)
        counted = count.returning(literal(1)).cte("counted")
        ctes += [settled, counted]
        out.append(select(func.count()).select_from(counted).scalar_subquery().label("counted"))
    if printed:
        first, bands = first_print_parts()
        ctes += [first, bands]
        out.append(select(first.c.document_id).scalar_subquery().label("print_inserted"))
    return select(*(out or [literal(1).label("saved")])).add_cte(*ctes)


def save_parse_outcome(tx, doc_id: int, extraction: Extraction, reader: str, pages: list[dict], invoice: Mapping[str, Any],
                       content_print: Optional[ContentPrint], close: Optional[dict]) -> None:
    """Write the outcome in ``tx`` (see the module docstring). ``close``: ``CostRepository.close``'s
    keyword arguments for the parse's ledger row (None: nothing to close here)."""
    conn = tx.conn
    if conn.dialect.name != "postgresql":
        if close is not None:
            tx.costs.close(**close)
        tx.documents.save_reading(doc_id, extraction, reader, pages, invoice)
        if content_print is not None:
            tx.content_prints.save_content_print(doc_id, content_print)
        return
    params: dict[str, Any] = reading_parameters(doc_id, extraction, reader, pages, invoice, prefix=INVOICE_PREFIX)
    if close is not None:
        params.update(CostRepository.close_parameters(**close))
    printed = ContentPrintRepository.first_print_parameters(doc_id, content_print) if content_print is not None else None
    if printed is not None:
        params.update(printed)
    statement = _outcome_statement(tuple(sorted(invoice)), printed is not None,
                                   None if close is None else bool(close.get("engines")))
    row = conn.execute(statement, params).one()
    if printed is not None and row.print_inserted is None:
        tx.content_prints.replace_after_conflict(doc_id, printed)
