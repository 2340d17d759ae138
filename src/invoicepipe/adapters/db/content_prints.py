"""Repository of content prints (``domain.fingerprints``) and their band-key index.

``tx.content_prints.save_content_print(doc_id, print)`` stores a print and its band keys
(again on a re-parse: the old rows are replaced). ``content_candidates(doc_id, print)``
returns the other documents sharing at least one band key, rarest shared keys first, each
with its print, status and extracted invoice columns, ready for ``fingerprints.compare``.

The lookup reads, for each of the print's band keys, at most PER_KEY rows of
``ix_content_print_bands_key`` (band_key, document_id), newest documents first: a key that
thousands of documents share (a vendor's letterhead and template) costs no more than a
rare one; shared keys are weighed by rarity, so an original found through keys only it
holds ranks above the vendor's newest invoices sharing only template keys. (On PostgreSQL
one statement with the keys as an array, on SQLite one UNION branch per key.) Then one
query by primary key (the at most ``limit`` ids) fetches their prints, statuses and
invoice rows.

A print never changes but when a re-parse replaces it (new ``created_at``), so a process
keeps the prints it has parsed (``PrintCache``, one per unit of work) by document and
``created_at``: the details query is given the stamps it holds for the candidates and sends
the print only where the stored stamp differs. A decision meets mostly the same recent
documents of its vendor's template; fetching and decoding their JSON (some 1.3 KB each, up
to 50 per decision) was a third of the decision's client CPU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timezone
from functools import lru_cache
from typing import Optional

from sqlalchemy import (BigInteger, Connection, Float, Integer, Select, String, bindparam, case, cast, delete, func, insert, literal,
                        null, select, text, true, union_all, update)
from sqlalchemy.dialects.postgresql import ARRAY

from ...domain.fingerprints import ContentPrint, band_keys
from . import tables as t
from .engine import dialect_insert_for

PER_KEY = 200
INVOICE_COLUMNS = ("vendor_id", "invoice_number", "invoice_date", "total", "currency", "document_type")


@lru_cache(maxsize=None)
def _sharing_query(keys: int) -> Select:
    """Documents holding any of ``k0``..``k{keys-1}`` (at most ``per_key`` per key), other than
    ``doc_id``, best first; built once per key count.

    Each shared key weighs 1 / (holders read for it): a key only the original holds counts
    1, a template key read at the cap counts 1 / per_key. Ranked by plain count instead, the
    newest invoices of a big vendor (sharing many template keys) crowded out an older
    original that shares fewer but rarer keys.
    """
    b = t.content_print_bands.c
    per_key = []
    for i in range(keys):
        newest = (select(b.document_id).where(b.band_key == bindparam(f"k{i}", type_=BigInteger),
                                               b.document_id != bindparam("doc_id", type_=BigInteger))
                  .order_by(b.document_id.desc()).limit(bindparam("per_key", type_=Integer)).subquery())
        per_key.append(select(newest.c.document_id, (literal(1.0, Float) / func.count().over()).label("weight")))
    holders = union_all(*per_key).subquery()
    score, shared = func.sum(holders.c.weight).label("score"), func.count().label("shared")
    return (select(holders.c.document_id, shared).group_by(holders.c.document_id)
            .order_by(score.desc(), shared.desc(), holders.c.document_id.desc()).limit(bindparam("limit", type_=Integer)))


# PostgreSQL: the same lookup as ``_sharing_query`` as one statement whatever the key count,
# the keys passed as one array and each read through the index by a LATERAL subquery. The
# UNION of one branch per key was a different statement for every key count (~20): each was
# parsed and planned on the server afresh (psycopg prepares a statement only after it ran 5
# times on that connection) and its 4-8 KB of SQL sent every time. WITH ORDINALITY keeps a
# key listed twice as two branches, as the UNION has it; the weight is a double precision
# division, as ``literal(1.0, Float)`` is there.
_SHARING_PG = text("""
SELECT holders.document_id, count(*) AS shared
FROM (SELECT newest.document_id, CAST(1.0 AS DOUBLE PRECISION) / count(*) OVER (PARTITION BY k.i) AS weight
      FROM unnest(:keys) WITH ORDINALITY AS k(key, i)
      CROSS JOIN LATERAL (SELECT b.document_id FROM content_print_bands AS b
                          WHERE b.band_key = k.key AND b.document_id <> :doc_id
                          ORDER BY b.document_id DESC LIMIT :per_key) AS newest) AS holders
GROUP BY holders.document_id
ORDER BY sum(holders.weight) DESC, count(*) DESC, holders.document_id DESC
LIMIT :limit""").bindparams(bindparam("keys", type_=ARRAY(BigInteger)), bindparam("doc_id", type_=BigInteger),
                            bindparam("per_key", type_=Integer), bindparam("limit", type_=Integer))


def _sharing(conn: Connection, doc_id: int, keys: list[int], limit: int) -> list:
    """(document_id, shared keys) of the documents sharing any of ``keys``, best first."""
    if conn.dialect.name == "postgresql":
        return conn.execute(_SHARING_PG, {"keys": keys, "doc_id": doc_id, "per_key": PER_KEY, "limit": limit}).all()
    params = {f"k{i}": key for i, key in enumerate(keys)}
    return conn.execute(_sharing_query(len(keys)), {**params, "doc_id": doc_id, "per_key": PER_KEY, "limit": limit}).all()


class PrintCache:
    """Parsed prints by document, each with the stamp (``created_at`` as text) it was stored
    with; the least recently used go past ``size``. Shared by a unit of work's threads."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._entries: OrderedDict[int, tuple[str, ContentPrint]] = OrderedDict()
        self._lock = threading.Lock()

    def held(self, ids) -> dict[int, tuple[str, ContentPrint]]:
        """(stamp, print) of those of ``ids`` held."""
        with self._lock:
            found = {i: self._entries[i] for i in ids if i in self._entries}
            for i in found:
                self._entries.move_to_end(i)
        return found

    def keep(self, document_id: int, stamp: str, content: ContentPrint) -> None:
        with self._lock:
            self._entries[document_id] = (stamp, content)
            self._entries.move_to_end(document_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


# The stored print's stamp: its created_at as the database renders it, which a replacement
# (a re-parse) always moves. As text, so both dialects compare it the same way.
_STAMP = cast(t.content_prints.c.created_at, String)


def _details_query(postgres: bool) -> Select:
    """The candidates' statuses, invoice columns and stamps, and each print unless the
    caller holds it at the stored stamp (``known``: "id|stamp" of what it holds)."""
    inv = t.invoices.c
    doc_id = t.content_prints.c.document_id
    pair = cast(doc_id, String) + "|" + _STAMP
    held = (pair == func.any(bindparam("known", type_=ARRAY(String))) if postgres
            else pair.in_(bindparam("known", expanding=True)))
    ids = (doc_id == func.any(bindparam("ids", type_=ARRAY(BigInteger))) if postgres
           else doc_id.in_(bindparam("ids", expanding=True)))
    return (select(doc_id, case((held, null()), else_=t.content_prints.c.print).label("print"), _STAMP.label("stamp"),
                   t.documents.c.status, *(getattr(inv, name) for name in INVOICE_COLUMNS), inv.document_id.label("invoice_row"))
            .join(t.documents, t.documents.c.id == doc_id)
            .outerjoin(t.invoices, inv.document_id == doc_id)
            .where(ids))


_DETAILS = {True: _details_query(True), False: _details_query(False)}


# Built once (a parse's write path): building and cache-keying a statement per call cost
# more client CPU than running it.
_DELETE_BANDS = delete(t.content_print_bands).where(t.content_print_bands.c.document_id == bindparam("doc_id"))
_REPLACE_PRINT = (update(t.content_prints).where(t.content_prints.c.document_id == bindparam("doc_id"))
                  .values(version=bindparam("new_version"), print=bindparam("new_print", type_=t.content_prints.c.print.type),
                          created_at=bindparam("new_created_at", type_=t.content_prints.c.created_at.type)))


@lru_cache(maxsize=2)
def _insert_first_print(dialect: str):
    """Insert a document's print unless it has one; RETURNING says which (a row: inserted)."""
    return (dialect_insert_for(dialect)(t.content_prints).on_conflict_do_nothing(index_elements=["document_id"])
            .returning(t.content_prints.c.document_id))


_INSERT_BANDS = insert(t.content_print_bands)
# PostgreSQL: a print's band keys (some 20) in one statement of constant text, the keys
# as two arrays. A multi-row INSERT built from the rows (``insert().values(rows)``) was
# compiled afresh for every print, bind parameter by bind parameter: the parse's costliest
# write in client CPU, more than the statement on the server. (Not an executemany: psycopg
# runs that as one INSERT per row.) Constant text, psycopg prepares it after five runs.
_INSERT_BANDS_PG = text("""
INSERT INTO content_print_bands (document_id, band, band_key)
SELECT CAST(:doc_id AS BIGINT), u.band, u.band_key
FROM unnest(CAST(:bands AS VARCHAR[]), CAST(:keys AS BIGINT[])) AS u(band, band_key)""").bindparams(
    bindparam("doc_id", type_=BigInteger), bindparam("bands", type_=ARRAY(String(16))), bindparam("keys", type_=ARRAY(BigInteger)))
# PostgreSQL: a document's first print and its band keys in one statement (a data-modifying
# CTE runs to completion whether or not the query reads it): the keys are inserted only when
# the print was (``first_print`` is empty on a conflict), so a re-parse's print still goes
# through the replacement below. One statement per parse fewer than the insert and the keys apart.
_FIRST_PRINT_WITH_BANDS_PG = text("""
WITH first_print AS (
    INSERT INTO content_prints (document_id, version, print, created_at)
    VALUES (:doc_id, :version, :print, :created_at)
    ON CONFLICT (document_id) DO NOTHING
    RETURNING document_id),
first_bands AS (
    INSERT INTO content_print_bands (document_id, band, band_key)
    SELECT first_print.document_id, u.band, u.band_key
    FROM first_print CROSS JOIN unnest(CAST(:bands AS VARCHAR[]), CAST(:keys AS BIGINT[])) AS u(band, band_key))
SELECT document_id FROM first_print""").bindparams(
    bindparam("doc_id", type_=BigInteger), bindparam("version", type_=t.content_prints.c.version.type),
    bindparam("print", type_=t.content_prints.c.print.type), bindparam("created_at", type_=t.content_prints.c.created_at.type),
    bindparam("bands", type_=ARRAY(String(16))), bindparam("keys", type_=ARRAY(BigInteger)))


def first_print_parts():
    """PostgreSQL: ``_FIRST_PRINT_WITH_BANDS_PG`` as two data-modifying CTEs (the print's
    INSERT that does nothing on a conflict, and its band keys inserted only when it did
    insert), for a statement that carries them with other writes
    (``adapters/db/parse_outcome.py``); parameters ``p_*`` (``ContentPrintRepository.first_print_parameters``).
    The first CTE returns the document's id when the print was inserted."""
    cp = t.content_prints.c
    first = (dialect_insert_for("postgresql")(t.content_prints)
             .values(document_id=bindparam("p_doc_id", type_=BigInteger), version=bindparam("p_version", type_=cp.version.type),
                     print=bindparam("p_print", type_=cp.print.type), created_at=bindparam("p_created_at", type_=cp.created_at.type))
             .on_conflict_do_nothing(index_elements=["document_id"]).returning(cp.document_id).cte("first_print"))
    keys = (func.unnest(cast(bindparam("p_bands", type_=ARRAY(String(16))), ARRAY(String)),
                        cast(bindparam("p_keys", type_=ARRAY(BigInteger)), ARRAY(BigInteger)))
            .table_valued("band", "band_key").render_derived(name="u"))
    b = t.content_print_bands.c
    bands = (insert(t.content_print_bands)
             .from_select([b.document_id, b.band, b.band_key], select(first.c.document_id, keys.c.band, keys.c.band_key)
                          .select_from(first).join(keys, true()))
             .cte("first_bands"))
    return first, bands


_PRINT_OF = select(t.content_prints.c.print).where(t.content_prints.c.document_id == bindparam("doc_id"))


class ContentPrintRepository:
    def __init__(self, conn: Connection, prints: Optional[PrintCache] = None):
        self.conn = conn
        self.prints = prints if prints is not None else PrintCache(0)

    def save_content_print(self, doc_id: int, content: ContentPrint) -> None:
        """Store the print and its band keys, replacing what an earlier parse stored.

        A document's first print (nearly every one) is one INSERT that does nothing on a
        conflict, then its band keys: two statements on SQLite, one on PostgreSQL. Only when
        the insert met a print of an earlier parse is that one replaced and its band keys dropped."""
        values = {"document_id": doc_id, "version": content.version, "print": content.to_json(),
                  "created_at": datetime.now(timezone.utc)}
        keys = band_keys(content)
        postgres = self.conn.dialect.name == "postgresql"
        if postgres:  # the keys go with a first print, in its statement
            inserted = self.conn.execute(_FIRST_PRINT_WITH_BANDS_PG, {
                "doc_id": doc_id, "version": values["version"], "print": values["print"], "created_at": values["created_at"],
                "bands": [band for band, _ in keys], "keys": [key for _, key in keys]}).first() is not None
            if inserted:
                return
        else:
            inserted = self.conn.execute(_insert_first_print(self.conn.dialect.name), values).first() is not None
        if not inserted:
            self._replace(doc_id, values)
        self._insert_bands(doc_id, keys)

    @staticmethod
    def first_print_parameters(doc_id: int, content: ContentPrint) -> dict:
        """``first_print_parts``' parameters for ``content`` (stamped now)."""
        keys = band_keys(content)
        return {"p_doc_id": doc_id, "p_version": content.version, "p_print": content.to_json(),
                "p_created_at": datetime.now(timezone.utc), "p_bands": [band for band, _ in keys], "p_keys": [key for _, key in keys]}

    def replace_after_conflict(self, doc_id: int, params: dict) -> None:
        """PostgreSQL, after ``first_print_parts`` met a print of an earlier parse (inserted
        nothing): replace it and its band keys, as ``save_content_print`` does then."""
        self._replace(doc_id, {"version": params["p_version"], "print": params["p_print"], "created_at": params["p_created_at"]})
        self._insert_bands(doc_id, list(zip(params["p_bands"], params["p_keys"])))

    def _replace(self, doc_id: int, values: dict) -> None:
        self.conn.execute(_REPLACE_PRINT, {"doc_id": doc_id, "new_version": values["version"], "new_print": values["print"],
                                           "new_created_at": values["created_at"]})
        # band keys are only ever stored with their print (here): a first print has none to drop
        self.conn.execute(_DELETE_BANDS, {"doc_id": doc_id})

    def _insert_bands(self, doc_id: int, keys: list) -> None:
        if not keys:
            return
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(_INSERT_BANDS_PG, {"doc_id": doc_id, "bands": [band for band, _ in keys],
                                                 "keys": [key for _, key in keys]})
            return
        # SQLite: one executemany of the one statement (a loop in the driver, in process)
        self.conn.execute(_INSERT_BANDS, [{"document_id": doc_id, "band": band, "band_key": key} for band, key in keys])

    def content_print(self, doc_id: int) -> Optional[ContentPrint]:
        raw = self.conn.execute(_PRINT_OF, {"doc_id": doc_id}).scalar()
        return ContentPrint.from_json(raw) if raw else None

    def content_candidates(self, doc_id: int, content: ContentPrint, limit: int = 50) -> list[dict]:
        """Other documents sharing at least one band key with ``content``, best first.

        Each: ``document_id``, ``print`` (ContentPrint), ``status`` (str), ``shared_bands``
        (int) and ``invoice`` (dict of vendor_id, invoice_number, invoice_date, total, currency,
        document_type; None when the document has no invoices row). Every status is returned
        (rejected and failed too): which ones count is the caller's decision.
        """
        keys = [key for _, key in band_keys(content)]
        if not keys:
            return []
        sharing = _sharing(self.conn, doc_id, keys, limit)
        if not sharing:
            return []
        ids = [r.document_id for r in sharing]
        held = self.prints.held(ids)  # kept here: another thread may evict them meanwhile
        known = [f"{i}|{stamp}" for i, (stamp, _) in held.items()]
        details = _DETAILS[self.conn.dialect.name == "postgresql"]
        rows = {r.document_id: r for r in self.conn.execute(details, {"ids": ids, "known": known})}
        out = []
        for document_id, shared in sharing:
            row = rows.get(document_id)
            if row is None:
                continue
            m = row._mapping
            if m["print"] is None:  # held at the stored stamp: not sent
                found = held[document_id][1]
            else:
                found = ContentPrint.from_json(m["print"])
                self.prints.keep(document_id, m["stamp"], found)
            invoice = {name: m[name] for name in INVOICE_COLUMNS} if m["invoice_row"] is not None else None
            out.append({"document_id": document_id, "print": found, "status": m["status"],
                        "shared_bands": int(shared), "invoice": invoice})
        return out
