"""The duplicate-candidate queries, built once with bound parameters.

A lookup runs on every reconcile and must stay in single milliseconds over millions of
prior invoices; building the SQLAlchemy expression anew each time cost more than the two
index searches themselves, so each shape of the query is built once and reused.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from sqlalchemy import (BigInteger, CompoundSelect, Integer, Numeric, Select, String, and_, bindparam, literal, or_, select, true,
                        union_all)

from ...domain.models import Status
from . import tables as t

HELD_BACK = [Status.REJECTED.value, Status.FAILED.value]
# An invoice whose export failed was approved: a copy of it must not be paid as well.
PAID = [Status.APPROVED.value, Status.EXPORTED.value, Status.EXPORT_FAILED.value]


def one_of(column, values: list[str]):
    """``column IN (values)`` for a list fixed in the code, as one bound parameter per value.
    ``column.in_(values)`` is an expanding parameter: SQLAlchemy renders the list into the
    statement at every execution (and the driver converts the new text again), which cost
    more client CPU than the decision's whole duplicate lookup on the server."""
    return column.in_([literal(v, column.type) for v in values])


def none_of(column, values: list[str]):
    """``column NOT IN (values)``, as ``one_of``."""
    return column.not_in([literal(v, column.type) for v in values])


@lru_cache(maxsize=None)
def candidate_query(block: str, with_vendor: Optional[bool], dated: bool) -> Select:
    """Invoices in one block, ``number`` or ``amount`` (optionally dated), of one vendor
    (``with_vendor`` True), of no resolved vendor (False), or of any vendor (None: a number
    looked up for an invoice whose vendor was not resolved; ``ix_invoices_number``).

    Parameters: ``doc_id``, ``limit``, ``vendor_id``, then ``number_norm`` or ``total`` with
    ``date_from``/``date_to``. Earlier documents count unless rejected or failed; later ones
    only once approved.
    """
    inv = t.invoices.c
    vendor = (inv.vendor_id == bindparam("vendor_id", type_=String) if with_vendor else
              inv.vendor_id.is_(None) if with_vendor is False else true())
    if block == "number":
        key = [inv.invoice_number_norm == bindparam("number_norm", type_=String)]
    else:
        key = [inv.total == bindparam("total", type_=Numeric(18, 2))]
        if dated:
            key.append(inv.invoice_date.between(bindparam("date_from", type_=String), bindparam("date_to", type_=String)))
    arrival = or_(and_(inv.document_id < bindparam("doc_id", type_=BigInteger), none_of(t.documents.c.status, HELD_BACK)),
                  and_(inv.document_id > bindparam("doc_id", type_=BigInteger), one_of(t.documents.c.status, PAID)))
    return (select(t.invoices, t.documents.c.status).join(t.documents, t.documents.c.id == inv.document_id)
            .where(vendor, *key, arrival).order_by(inv.document_id).limit(bindparam("limit", type_=Integer)))


@lru_cache(maxsize=None)
def candidates_query(shapes: tuple[tuple[str, Optional[bool], bool], ...]) -> "Select | CompoundSelect":
    """The lookups ``shapes`` (each ``candidate_query``'s arguments) as one statement: each
    keeps its own index search and limit, and one round trip returns what they find (a
    document found by two lookups comes twice). Their parameters share names and values."""
    if len(shapes) == 1:
        return candidate_query(*shapes[0])
    return union_all(*(select(candidate_query(*shape).subquery()) for shape in shapes))
