"""The cost ledger: per parse attempt (granted, then spent) and per UTC day (totals).

``lock_day`` holds the day's row until commit (``FOR UPDATE`` on PostgreSQL; SQLite
serialises writers at BEGIN), so two parses granted at the same moment see each other's
reservation and the day's ceiling is never handed out twice.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Optional

from sqlalchemy import JSON, BigInteger, Numeric, bindparam, cast, exists, func, insert, literal_column, select, update

from ...domain.costs import Spend
from . import tables as t
from .engine import dialect_insert

RUNNING, METERED, LOST = "running", "metered", "lost"

# Built once: every parse locks its day and adds to it twice, and building and cache-keying
# these statements per call cost more client CPU than running them.
_LOCK_DAY = select(t.cost_days).where(t.cost_days.c.day == bindparam("day_key")).with_for_update()
# A grant's read: the day's row, locked, and whether the document has ledger rows at all. A
# document's first parse (nearly every one) has none, so its rows are read only when there
# are some: one statement per parse fewer than reading them always. (On PostgreSQL the flag
# is read at the statement's snapshot even when the statement waited for the day's lock:
# that wait is for other documents' grants. Two grants of one document never overlap: each
# comes after the lease's guarded UPDATE of the document's row in the same transaction, which
# serialises them, and the second finds the lease taken.)
_LOCK_DAY_FOR_DOCUMENT = (select(t.cost_days, exists().where(t.cost_ledger.c.document_id == bindparam("doc_id"))
                                 .label("document_has_entries"))
                          .where(t.cost_days.c.day == bindparam("day_key")).with_for_update(of=t.cost_days))
# (and every decision reads its document's newest metered parse)
_LATEST_METERED = (select(t.cost_ledger).where(t.cost_ledger.c.document_id == bindparam("doc_id"), t.cost_ledger.c.outcome == METERED)
                   .order_by(t.cost_ledger.c.id.desc()).limit(1))
_ADDED = ("cpu_seconds", "calls", "cost", "reserved_cpu_seconds", "reserved_calls", "reserved_cost", "parses", "ceiling_hits")


@lru_cache(maxsize=2)
def _add_day_statement(with_engines: bool):
    """The day's totals plus the parameters ``add_<column>`` (and ``engines`` replaced)."""
    c = t.cost_days.c
    values = {name: c[name] + bindparam(f"add_{name}", type_=c[name].type) for name in _ADDED}
    if with_engines:
        values["engines"] = bindparam("new_engines", type_=c.engines.type)
    return update(t.cost_days).where(c.day == bindparam("day_key")).values(**values)


def _engines_merged_in_sql():
    """PostgreSQL: the day's per-engine spend plus the parameter ``add_engines`` (a parse's
    ``engines_json``), merged by the UPDATE itself, so closing a parse needs no locked read
    of the day row first. As ``_merge_engines`` does: each measure summed per engine, CPU
    rounded to 3 decimals and cost to 6 (both sides are stored rounded so, and their exact
    decimal sum rounds as their float sum does)."""
    known = func.json_each(t.cost_days.c.engines).table_valued("key", "value").alias("known")
    added = func.json_each(bindparam("add_engines", type_=JSON)).table_valued("key", "value").alias("added")

    def summed(measure: str):
        name = literal_column(f"'{measure}'")
        return (func.coalesce(cast(known.c.value.op("->>")(name), Numeric), literal_column("0"))
                + func.coalesce(cast(added.c.value.op("->>")(name), Numeric), literal_column("0")))

    spend = func.json_build_object(literal_column("'cpu_seconds'"), func.round(summed("cpu_seconds"), literal_column("3")),
                                   literal_column("'calls'"), cast(summed("calls"), BigInteger),
                                   literal_column("'cost'"), func.round(summed("cost"), literal_column("6")))
    return (select(func.json_object_agg(func.coalesce(known.c.key, added.c.key), spend))
            .select_from(known.outerjoin(added, known.c.key == added.c.key, full=True)).scalar_subquery())


@lru_cache(maxsize=1)
def _open_and_reserve_statement():
    """PostgreSQL: the running row's INSERT and the day's reservation in one statement (a
    data-modifying CTE runs to completion whether or not the query reads it); the new row's id."""
    c = t.cost_ledger.c
    opened = (insert(t.cost_ledger).values({name: bindparam(f"open_{name}", type_=c[name].type) for name in _OPENED})
              .returning(c.id).cte("opened"))
    reserved = _add_day_statement(False).returning(t.cost_days.c.day).cte("reserved")
    return select(opened.c.id).add_cte(reserved)


def close_and_count_parts(with_engines: bool):
    """PostgreSQL: ``_close_and_count_statement``'s two parts, (the running row's close as a
    data-modifying CTE, the day's UPDATE that runs only when the close did): for a statement
    that carries the close with other writes (``adapters/db/parse_outcome.py``). Parameters
    as ``CostRepository.close_parameters`` gives them."""
    c = t.cost_ledger.c
    settled = (update(t.cost_ledger).where(c.id == bindparam("entry_id"), c.outcome == RUNNING)
               .values({name: bindparam(f"set_{name}", type_=c[name].type) for name in _CLOSED})
               .returning(c.id).cte("settled"))
    count = _add_day_statement(False)
    if with_engines:
        count = count.values(engines=_engines_merged_in_sql())
    return settled, count.where(exists(select(settled.c.id)))


@lru_cache(maxsize=2)
def _close_and_count_statement(with_engines: bool):
    """PostgreSQL: close the running row and add it to the day's totals in one statement;
    the day is updated only when the row was still running (rowcount 1), as ``close`` does
    in two. Its engines are merged into the day's in the statement: the day row is not
    locked and read first (``grant`` locked it to check the day's ceiling; closing only adds)."""
    settled, count = close_and_count_parts(with_engines)
    return count.add_cte(settled)


# What opening a row sets, and closing it.
_OPENED = ("document_id", "day", "started_at", "outcome", "policy_version", "allowance", "cpu_seconds", "calls", "cost", "engines")
_CLOSED = ("settled_at", "outcome", "cpu_seconds", "calls", "cost", "engines", "ceiling")
# Every parse opens a ledger row and closes it, each on SQLite as a statement of its own:
# built once here, as the other hot statements are. Built per call (``.values(**row)``,
# ``.where(... == id)``), SQLAlchemy made and cache-keyed a new statement object each time:
# the ledger's statements were a fifth of a parse's bookkeeping CPU in the GIL-bound
# `invoicepipe up` (py-spy --gil), most of it that.
_LEDGER_OF = select(t.cost_ledger).where(t.cost_ledger.c.document_id == bindparam("doc_id")).order_by(t.cost_ledger.c.id)
_LEDGER_ROW = select(t.cost_ledger).where(t.cost_ledger.c.id == bindparam("entry_id"))
_OPEN_ENTRY = insert(t.cost_ledger)
# A parse that met no ceiling stores SQL NULL there, as ``.values(ceiling=None)`` did (a
# JSON-typed parameter would store the JSON text 'null').
_CLOSE_RUNNING = (update(t.cost_ledger)
                  .where(t.cost_ledger.c.id == bindparam("entry_id"), t.cost_ledger.c.outcome == RUNNING)
                  .values({name: bindparam(f"set_{name}", type_=JSON(none_as_null=True) if name == "ceiling"
                                           else t.cost_ledger.c[name].type) for name in _CLOSED}))


def _spend(row, prefix: str = "") -> Spend:
    return Spend(float(row[f"{prefix}cpu_seconds"] or 0), int(row[f"{prefix}calls"] or 0), float(row[f"{prefix}cost"] or 0))


def _merge_engines(known: Optional[dict], added: dict) -> dict:
    out = dict(known or {})
    for name, s in added.items():
        out[name] = (Spend.from_dict(out.get(name)) + Spend.from_dict(s)).as_dict()
    return out


def _day_params(day: str, *, reserved: Spend = Spend(), spent: Spend = Spend(), parses: int = 0, hits: int = 0) -> dict:
    """The parameters of ``_add_day_statement``."""
    return {"day_key": day, "add_cpu_seconds": spent.cpu_seconds, "add_calls": spent.calls, "add_cost": spent.cost,
            "add_reserved_cpu_seconds": reserved.cpu_seconds, "add_reserved_calls": reserved.calls,
            "add_reserved_cost": reserved.cost, "add_parses": parses, "add_ceiling_hits": hits}


class CostRepository:
    """On PostgreSQL opening a row and reserving its allowance on the day is one statement,
    and so is closing it and counting it on the day (``WITH ... UPDATE`` / ``INSERT``); SQLite,
    which has no data-modifying CTEs, runs each as two."""

    def __init__(self, conn):
        self.conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def lock_day(self, day: str) -> dict:
        """The day's row (created at zero when missing), locked until commit."""
        row = self.conn.execute(_LOCK_DAY, {"day_key": day}).mappings().first()
        if row is not None:  # every parse but a day's first: no insert to attempt
            return dict(row)
        insert = dialect_insert(self.conn)
        self.conn.execute(insert(t.cost_days).values(
            day=day, cpu_seconds=0.0, calls=0, cost=0.0, reserved_cpu_seconds=0.0, reserved_calls=0, reserved_cost=0.0,
            parses=0, ceiling_hits=0, engines={}).on_conflict_do_nothing(index_elements=["day"]))
        return dict(self.conn.execute(_LOCK_DAY, {"day_key": day}).mappings().one())

    def lock_day_for(self, day: str, document_id: int) -> tuple[dict, list[dict]]:
        """``lock_day`` and the document's ledger rows (``entries``), read with the day's row:
        the rows take a statement of their own only when the document has some."""
        row = self.conn.execute(_LOCK_DAY_FOR_DOCUMENT, {"day_key": day, "doc_id": document_id}).mappings().first()
        if row is None:  # the day's first parse: create its row (and read it) as lock_day does
            row = {**self.lock_day(day), "document_has_entries": True}
        day_row = {k: v for k, v in row.items() if k != "document_has_entries"}
        return day_row, self.entries(document_id) if row["document_has_entries"] else []

    def day(self, day: str) -> Optional[dict]:
        row = self.conn.execute(select(t.cost_days).where(t.cost_days.c.day == day)).mappings().first()
        return dict(row) if row else None

    def days(self, first: str, last: str) -> list[dict]:
        q = select(t.cost_days).where(t.cost_days.c.day >= first, t.cost_days.c.day <= last).order_by(t.cost_days.c.day)
        return [dict(r) for r in self.conn.execute(q).mappings()]

    @staticmethod
    def day_spent(row: dict) -> Spend:
        """Spent plus reserved by parses still running: what the day's ceiling is checked against."""
        return _spend(row) + _spend(row, "reserved_")

    def entries(self, document_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute(_LEDGER_OF, {"doc_id": document_id}).mappings()]

    def document_spent(self, document_id: int, entries: Optional[list[dict]] = None) -> Spend:
        """Everything the document's parses spent (``entries``: its rows, read already);
        a running one counts at its allowance."""
        out = Spend()
        for e in self.entries(document_id) if entries is None else entries:
            out = out + (Spend.from_dict(e["allowance"]) if e["outcome"] == RUNNING else _spend(e))
        return out

    def open_entry(self, document_id: int, day: str, now: datetime, allowance: Spend, policy_version: str) -> int:
        """A running parse's row; its allowance is reserved on the day (locked by the caller)."""
        row = {"document_id": document_id, "day": day, "started_at": now, "outcome": RUNNING, "policy_version": policy_version,
               "allowance": allowance.as_dict(), "cpu_seconds": 0.0, "calls": 0, "cost": 0.0, "engines": {}}
        if self._postgres:
            params = {**{f"open_{k}": v for k, v in row.items()}, **_day_params(day, reserved=allowance, parses=1)}
            return int(self.conn.execute(_open_and_reserve_statement(), params).scalar_one())
        entry_id = self.conn.execute(_OPEN_ENTRY, row).inserted_primary_key[0]
        self._add_day(day, reserved=allowance, parses=1)
        return int(entry_id)

    def settle(self, entry_id: int, now: datetime, spent: Optional[Spend], engines: Optional[dict] = None,
               ceiling: Optional[dict] = None, row: Optional[dict] = None) -> Optional[dict]:
        """Close a running row with what it spent (None: unknown, counted at its allowance,
        outcome ``lost``) and move its reservation into the day's spend. A row settled
        already is left as it is (None returned). ``row``: the entry, read already in
        this transaction; the update is still guarded on its being running."""
        if row is None:
            row = self.conn.execute(_LEDGER_ROW, {"entry_id": entry_id}).mappings().first()
        if row is None or row["outcome"] != RUNNING:
            return None
        counted = self.close(entry_id, row["day"], Spend.from_dict(row["allowance"]), now, spent, engines, ceiling)
        return None if counted is None else {**dict(row), "counted": counted}

    def close(self, entry_id: int, day: str, allowance: Spend, now: datetime, spent: Optional[Spend],
              engines: Optional[dict] = None, ceiling: Optional[dict] = None) -> Optional[Spend]:
        """``settle`` for a caller that knows the entry's day and stored allowance (the parse
        that opened it): what was counted, or None when the row was no longer running."""
        counted = allowance if spent is None else spent
        closed = {"settled_at": now, "outcome": LOST if spent is None else METERED, "cpu_seconds": counted.cpu_seconds,
                  "calls": counted.calls, "cost": counted.cost, "engines": engines or {}, "ceiling": ceiling}
        added = {"reserved": Spend() - allowance, "spent": counted, "hits": 1 if ceiling else 0}
        if self._postgres:
            counts = self.conn.execute(_close_and_count_statement(bool(engines)),
                                       self.close_parameters(entry_id, day, allowance, now, spent, engines, ceiling))
            return counted if counts.rowcount else None  # 0: settled by another transaction meanwhile
        settled = self.conn.execute(_CLOSE_RUNNING, {"entry_id": entry_id, **{f"set_{k}": v for k, v in closed.items()}})
        if settled.rowcount == 0:  # settled by another transaction meanwhile
            return None
        known = self.lock_day(day).get("engines") if engines else None
        self._add_day(day, engines=engines or {}, known_engines=known, **added)
        return counted

    @staticmethod
    def close_parameters(entry_id: int, day: str, allowance: Spend, now: datetime, spent: Optional[Spend],
                         engines: Optional[dict] = None, ceiling: Optional[dict] = None) -> dict:
        """PostgreSQL: ``close``'s parameters for ``close_and_count_parts`` (``with_engines``:
        ``bool(engines)``)."""
        counted = allowance if spent is None else spent
        closed = {"settled_at": now, "outcome": LOST if spent is None else METERED, "cpu_seconds": counted.cpu_seconds,
                  "calls": counted.calls, "cost": counted.cost, "engines": engines or {}, "ceiling": ceiling}
        params = _day_params(day, reserved=Spend() - allowance, spent=counted, hits=1 if ceiling else 0)
        if engines:
            params["add_engines"] = engines
        return {**params, "entry_id": entry_id, **{f"set_{k}": v for k, v in closed.items()}}

    def settle_lost(self, document_id: int, now: datetime, entries: Optional[list[dict]] = None) -> int:
        """Close the running rows of a document whose parse died (its next attempt holds the
        lease now, so no other parse of it runs): spend unknown, counted at the allowance.
        ``entries``: the document's rows, read already in this transaction."""
        if entries is None:
            entries = self.entries(document_id)
        return sum(self.settle(e["id"], now, None, row=e) is not None for e in entries if e["outcome"] == RUNNING)

    def latest_metered(self, document_id: int) -> Optional[dict]:
        """The newest settled parse that was metered: the one whose reading the document has."""
        row = self.conn.execute(_LATEST_METERED, {"doc_id": document_id}).mappings().first()
        return dict(row) if row else None

    def _add_day(self, day: str, *, reserved: Spend = Spend(), spent: Spend = Spend(), parses: int = 0,
                 engines: Optional[dict] = None, hits: int = 0, known_engines: Optional[dict] = None) -> None:
        """Add to the day's totals; ``known_engines``: the day's per-engine spend as the
        caller read it under the day's lock (saves reading it again)."""
        c = t.cost_days.c
        params = _day_params(day, reserved=reserved, spent=spent, parses=parses, hits=hits)
        if engines:
            known = known_engines
            if known is None:
                known = self.conn.execute(select(c.engines).where(c.day == day)).scalar()
            params["new_engines"] = _merge_engines(known, engines)
        self.conn.execute(_add_day_statement(bool(engines)), params)
