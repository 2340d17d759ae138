"""Substring conditions the trigram indexes answer, on either database.

A fragment of three characters or more is a substring test: ``LIKE '%fragment%'`` on
PostgreSQL, served by the pg_trgm GIN indexes (migration 0018); on SQLite a phrase query on
the FTS5 trigram table ``document_search`` (one row per document, kept by triggers). A
fragment shorter than three characters has no trigram, so it matches the whole folded
value exactly, through a B-tree index: searching "7" finds the invoice numbered 7, not
every number with a 7 in it (a tenth of all invoices, which no one can read anyway).

On an SQLite without the trigram tokenizer (before 3.34) the table is absent and the
substring test scans; results are the same, only slower.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Connection, false, literal_column, or_, select, text

from . import tables as t

MIN_TRIGRAM = 3


@dataclass(frozen=True)
class Needle:
    """One folded fragment looked for in one column (a ``tables.SQLITE_SEARCH_COLUMNS`` name)."""
    column: str
    value: str


# The column each FTS column copies (same folding: the triggers copy them as stored).
_SOURCES = {"number_norm": t.invoices.c.invoice_number_norm, "number_bare": t.invoices.c.invoice_number_bare,
            "po_bare": t.invoices.c.po_number_bare, "filename": t.documents.c.filename}


def has_search_table(conn: Connection) -> bool:
    """Whether this SQLite has the FTS5 trigram table (looked up once per engine)."""
    engine = conn.engine
    cached = getattr(engine, "_invoicepipe_search_table", None)
    if cached is None:
        cached = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
                              {"n": t.SQLITE_SEARCH_TABLE}).first() is not None
        engine._invoicepipe_search_table = cached  # type: ignore[attr-defined]
    return cached


def _like_escaped(value: str) -> str:
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def like_condition(needle: Needle):
    """The needle as a plain column condition: substring (trigram-indexed on PostgreSQL) or,
    when too short for trigrams, the whole value (B-tree)."""
    return _substring(needle) if len(needle.value) >= MIN_TRIGRAM else _SOURCES[needle.column] == needle.value


def _substring(needle: Needle):
    column = _SOURCES[needle.column]
    if needle.column == "filename":  # file names are compared case-blind; the folded columns are upper case already
        return column.ilike(f"%{_like_escaped(needle.value)}%", escape="/")
    return column.like(f"%{_like_escaped(needle.value)}%", escape="/")


def _fts_phrase(needle: Needle) -> str:
    return f'{needle.column} : "{needle.value.replace(chr(34), chr(34) * 2)}"'


def any_matches(conn: Connection, needles: Sequence[Needle], document_id):
    """Some needle matches: a condition on ``document_id``, the query's document id column.

    Each side is an ``IN`` over the table that holds the needle's column, so the database
    reaches the few matching rows through their index (SQLite would otherwise walk the
    outer-joined documents one by one and test each)."""
    long_ = [n for n in needles if len(n.value) >= MIN_TRIGRAM]
    short = [n for n in needles if len(n.value) < MIN_TRIGRAM]
    conditions = []
    if conn.dialect.name == "sqlite" and long_ and has_search_table(conn):
        conditions.append(document_id.in_(select(literal_column("rowid")).select_from(text(t.SQLITE_SEARCH_TABLE))
                                          .where(literal_column(t.SQLITE_SEARCH_TABLE).op("MATCH")(" OR ".join(_fts_phrase(n) for n in long_)))))
        long_ = []
    for table, id_column in ((t.invoices, t.invoices.c.document_id), (t.documents, t.documents.c.id)):
        mine = [like_condition(n) for n in long_ + short if _SOURCES[n.column].table is table]
        if mine:
            conditions.append(document_id.in_(select(id_column).where(or_(*mine))))
    return or_(*conditions) if conditions else false()


__all__ = ["MIN_TRIGRAM", "Needle", "any_matches", "has_search_table", "like_condition"]
