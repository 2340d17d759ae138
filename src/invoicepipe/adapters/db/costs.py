"""The cost ledger: per parse attempt (granted, then spent) and per UTC day (totals).

A day is ``SLOTS`` rows (migration 0021), as the audit chain is 16 chains: one row every
parse locked twice (``FOR UPDATE`` at its grant, held until the commit, and again by the
UPDATE of its close) made parses on every worker queue there (``benchmarks/README.md``). A
parse reserves and counts on its document's slot (``slot_of``: ``document_id % 16``); what
the day spent and holds reserved is the sum over the slots (``day``, ``days``: every reader
of the day, the ``cost`` command, ``status`` and the metrics through ``day_report``).

The day's ceiling is still never handed out twice. Each slot holds a *share* of what the
ceiling leaves: a grant on the fast path (``open_within_share``: a document's first parse,
its slot apportioned under the policy's day ceiling, and the slot's share left covering the
document's whole ceiling) reserves on its slot only, in one guarded UPDATE that checks the
share under the slot's row lock, so it takes from no other slot's share. Every other grant
(a retry, a slot whose share ran short, a new day, a changed ceiling) takes the slow path:
it locks all the day's slots in slot order (``lock_day_slots``), grants against the day's
sum as the single row did, and apportions again (``apportion``): each slot's share becomes
what it holds plus an equal part of what the ceiling leaves after this grant, never more in
all than the ceiling. So at any moment the slots' shares add up to at most the ceiling and a
fast grant fits in its slot's share: the grants add up to at most the ceiling (spend past an
allowance, bounded by one call's misestimate as before, counts on its slot and comes out of
what the next apportioning finds left). Near the
ceiling the shares are too small for a document's ceiling and every grant takes the slow
path, serialised as before. Deadlock-free: a fast grant locks one slot and waits for no other;
the slow path holds no slot when it locks all in order (``open_within_share`` rolls back to a
savepoint what its failed guard locked). SQLite serialises writers at BEGIN, so slots would
lift no lock there: a SQLite day is its slot 0 alone, read by every grant as the one row was.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Optional

from sqlalchemy import JSON, BigInteger, Numeric, bindparam, cast, exists, func, insert, literal_column, select, update

from ...domain.costs import MEASURES, Spend, apportioned
from . import tables as t
from .engine import dialect_insert

RUNNING, METERED, LOST = "running", "metered", "lost"

SLOTS = 16


def slot_of(document_id: int, slots: int = SLOTS) -> int:
    """The day's slot a document's parses reserve and count on (``CostRepository.slot``)."""
    return int(document_id) % slots


# Built once: every parse reserves on its day's slot and adds to it, and building and
# cache-keying these statements per call cost more client CPU than running them.
_DAY_SLOTS = select(t.cost_days).where(t.cost_days.c.day == bindparam("day_key")).order_by(t.cost_days.c.slot)
# The slow path's read: the day's slots, locked in slot order, and whether the document has
# ledger rows at all (its rows are read only when it has some: a retry).
_LOCK_DAY_SLOTS_FOR_DOCUMENT = (select(t.cost_days, exists().where(t.cost_ledger.c.document_id == bindparam("doc_id"))
                                       .label("document_has_entries"))
                                .where(t.cost_days.c.day == bindparam("day_key")).order_by(t.cost_days.c.slot)
                                .with_for_update(of=t.cost_days))
# (and every decision reads its document's newest metered parse)
_LATEST_METERED = (select(t.cost_ledger).where(t.cost_ledger.c.document_id == bindparam("doc_id"), t.cost_ledger.c.outcome == METERED)
                   .order_by(t.cost_ledger.c.id.desc()).limit(1))
_ADDED = ("cpu_seconds", "calls", "cost", "reserved_cpu_seconds", "reserved_calls", "reserved_cost", "parses", "ceiling_hits")


@lru_cache(maxsize=2)
def _add_day_statement(with_engines: bool):
    """A day's slot's totals plus the parameters ``add_<column>`` (and ``engines`` replaced)."""
    c = t.cost_days.c
    values = {name: c[name] + bindparam(f"add_{name}", type_=c[name].type) for name in _ADDED}
    if with_engines:
        values["engines"] = bindparam("new_engines", type_=c.engines.type)
    return update(t.cost_days).where(c.day == bindparam("day_key"), c.slot == bindparam("slot_key")).values(**values)


def _engines_merged_in_sql():
    """PostgreSQL: the slot's per-engine spend plus the parameter ``add_engines`` (a parse's
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


@lru_cache(maxsize=1)
def _open_within_share_statement():
    """PostgreSQL: a document's first parse granted from its slot's share (the module
    docstring): the slot's reservation, guarded on the slot being apportioned under the
    policy's day ceiling (``ceiling_<measure>``), its share left covering the allowance and
    the document having no ledger row, and the running row inserted from it, in one
    statement. No row: not granted this way, nothing written (``open_within_share`` then
    releases any lock the guard's re-check left on the slot)."""
    c = t.cost_days.c
    guards = [c.day == bindparam("day_key"), c.slot == bindparam("slot_key"),
              ~exists().where(t.cost_ledger.c.document_id == bindparam("open_document_id"))]
    for m in MEASURES:
        guards.append(c[f"share_of_{m}"] == bindparam(f"ceiling_{m}", type_=c[f"share_of_{m}"].type))
        guards.append(c[f"share_{m}"] - c[m] - c[f"reserved_{m}"] >= bindparam(f"add_reserved_{m}", type_=c[m].type))
    reserved = (update(t.cost_days).where(*guards)
                .values({**{f"reserved_{m}": c[f"reserved_{m}"] + bindparam(f"add_reserved_{m}") for m in MEASURES},
                         "parses": c.parses + 1})
                .returning(c.slot).cte("reserved"))
    ledger = t.cost_ledger.c
    row = select(*(bindparam(f"open_{name}", type_=ledger[name].type) for name in _OPENED)).select_from(reserved)
    opened = insert(t.cost_ledger).from_select(list(_OPENED), row).returning(ledger.id).cte("opened")
    return select(opened.c.id).add_cte(reserved)


_APPORTION = (update(t.cost_days).where(t.cost_days.c.day == bindparam("day_key"), t.cost_days.c.slot == bindparam("slot_key"))
              .values({f"share_{m}": bindparam(f"to_share_{m}") for m in MEASURES}
                      | {f"share_of_{m}": bindparam(f"to_share_of_{m}") for m in MEASURES}))


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
_SLOT_ENGINES = select(t.cost_days.c.engines).where(t.cost_days.c.day == bindparam("day_key"),
                                                   t.cost_days.c.slot == bindparam("slot_key"))
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


def _day_params(day: str, slot: int, *, reserved: Spend = Spend(), spent: Spend = Spend(), parses: int = 0,
                hits: int = 0) -> dict:
    """The parameters of ``_add_day_statement``."""
    return {"day_key": day, "slot_key": slot, "add_cpu_seconds": spent.cpu_seconds, "add_calls": spent.calls,
            "add_cost": spent.cost, "add_reserved_cpu_seconds": reserved.cpu_seconds, "add_reserved_calls": reserved.calls,
            "add_reserved_cost": reserved.cost, "add_parses": parses, "add_ceiling_hits": hits}


def _opened_row(document_id: int, day: str, now: datetime, allowance: Spend, policy_version: str) -> dict:
    return {"document_id": document_id, "day": day, "started_at": now, "outcome": RUNNING, "policy_version": policy_version,
            "allowance": allowance.as_dict(), "cpu_seconds": 0.0, "calls": 0, "cost": 0.0, "engines": {}}


def summed(day: str, slots: list[dict], engines: bool = True) -> dict:
    """A day's figures from its slots' rows: each total summed, the engines merged (unless
    ``engines`` is false: a grant wants the totals only)."""
    out: dict = {"day": day, **{name: sum(r[name] or 0 for r in slots) for name in _ADDED}, "engines": {}}
    for r in slots if engines else ():
        if r.get("engines"):
            out["engines"] = _merge_engines(out["engines"], r["engines"])
    return out


class CostRepository:
    """On PostgreSQL opening a row and reserving its allowance on the day is one statement,
    and so is closing it and counting it on the day (``WITH ... UPDATE`` / ``INSERT``); SQLite,
    which has no data-modifying CTEs, runs each as two."""

    def __init__(self, conn):
        self.conn = conn
        self._postgres = conn.dialect.name == "postgresql"
        # SQLite serialises writers at BEGIN: slots would lift no lock there and cost every
        # grant a read of all of them, so a SQLite day is its slot 0 alone
        self._slots = SLOTS if self._postgres else 1

    def slot(self, document_id: int) -> int:
        """The day's slot the document's parses reserve and count on here."""
        return slot_of(document_id, self._slots)

    def open_within_share(self, document_id: int, day: str, now: datetime, allowance: Spend, day_ceiling: Spend,
                          policy_version: str) -> Optional[int]:
        """The fast path (module docstring): the running row of a document's first parse,
        ``allowance`` (the document's ceiling) reserved on its slot if the slot's share,
        apportioned under ``day_ceiling``, covers it. None: not granted so (always on SQLite,
        where every grant reads the day's sum); nothing written and no slot left locked."""
        if not self._postgres:
            return None
        params = {**{f"open_{k}": v for k, v in _opened_row(document_id, day, now, allowance, policy_version).items()},
                  "day_key": day, "slot_key": self.slot(document_id),
                  **{f"add_reserved_{m}": allowance.get(m) for m in MEASURES},
                  **{f"ceiling_{m}": day_ceiling.get(m) for m in MEASURES}}
        # The guarded UPDATE is not enough to leave the slot unlocked when it grants nothing:
        # one that found the slot's row being written waits for that writer, then locks the
        # row's new version and re-checks its guard (READ COMMITTED), and keeps the lock when
        # the guard fails. Its grant would then lock every slot in order while holding this
        # one, and two such grants deadlock (tests/integration/test_cost_day_slots.py met it).
        # A savepoint before it, rolled back when nothing was granted, releases that lock; left
        # open otherwise (its work commits with the transaction), it costs one statement, the
        # one the locked read of the single day row cost before.
        self.conn.exec_driver_sql("SAVEPOINT cost_grant")
        entry_id = self.conn.execute(_open_within_share_statement(), params).scalar()
        if entry_id is None:
            self.conn.exec_driver_sql("ROLLBACK TO SAVEPOINT cost_grant")
            return None
        return int(entry_id)

    def lock_day_slots(self, day: str, document_id: int) -> tuple[list[dict], list[dict]]:
        """The slow path's read: the day's slot rows, locked in slot order (created, all of
        them, when the day has none or fewer: a new day, or one written before slots), and
        the document's ledger rows (``entries``), read only when it has some."""
        params = {"day_key": day, "doc_id": document_id}
        rows = [dict(r) for r in self.conn.execute(_LOCK_DAY_SLOTS_FOR_DOCUMENT, params).mappings()]
        if len(rows) < self._slots:
            # every slot in one statement, in slot order: two grants creating the day at once
            # meet at its first row, and the second waits there holding nothing of the day
            insert = dialect_insert(self.conn)
            self.conn.execute(insert(t.cost_days).values([
                {"day": day, "slot": slot, "cpu_seconds": 0.0, "calls": 0, "cost": 0.0, "reserved_cpu_seconds": 0.0,
                 "reserved_calls": 0, "reserved_cost": 0.0, "parses": 0, "ceiling_hits": 0, "engines": {}}
                for slot in range(self._slots)]).on_conflict_do_nothing(index_elements=["day", "slot"]))
            rows = [dict(r) for r in self.conn.execute(_LOCK_DAY_SLOTS_FOR_DOCUMENT, params).mappings()]
        has_entries = rows[0]["document_has_entries"]
        slots = [{k: v for k, v in r.items() if k != "document_has_entries"} for r in rows]
        return slots, self.entries(document_id) if has_entries else []

    def day_slots(self, day: str) -> list[dict]:
        """The day's slot rows, in slot order (locked already by a grant on the slow path)."""
        return [dict(r) for r in self.conn.execute(_DAY_SLOTS, {"day_key": day}).mappings()]

    def apportion(self, day: str, slots: list[dict], granted_slot: int, allowance: Spend, day_ceiling: Spend) -> None:
        """The slow path, after its grant: every slot's share anew (``domain.costs.apportioned``)
        from the slots' rows as locked (``slots``) plus ``allowance`` reserved on
        ``granted_slot`` meanwhile. PostgreSQL only: SQLite grants never read a share."""
        if not self._postgres:
            return
        held = {r["slot"]: _spend(r) + _spend(r, "reserved_") + (allowance if r["slot"] == granted_slot else Spend())
                for r in slots}
        shares = apportioned(day_ceiling, held)
        self.conn.execute(_APPORTION, [{"day_key": day, "slot_key": slot, **{f"to_share_{m}": share.get(m) for m in MEASURES},
                                        **{f"to_share_of_{m}": day_ceiling.get(m) for m in MEASURES}}
                                       for slot, share in shares.items()])

    def day(self, day: str) -> Optional[dict]:
        """The day's figures: its slots summed (None: no parse that day)."""
        slots = self.day_slots(day)
        return summed(day, slots) if slots else None

    def days(self, first: str, last: str) -> list[dict]:
        c = t.cost_days.c
        q = select(t.cost_days).where(c.day >= first, c.day <= last).order_by(c.day, c.slot)
        by_day: dict[str, list[dict]] = {}
        for r in self.conn.execute(q).mappings():
            by_day.setdefault(r["day"], []).append(dict(r))
        return [summed(day, slots) for day, slots in by_day.items()]

    @staticmethod
    def day_spent(row: dict) -> Spend:
        """Spent plus reserved by parses still running: what the day's ceiling is checked
        against (``row``: the day's figures, ``day`` or ``summed``)."""
        return _spend(row) + _spend(row, "reserved_")

    def slots_spent(self, day: str, slots: list[dict]) -> Spend:
        """``day_spent`` of the day whose slot rows are ``slots`` (as a grant locked them)."""
        return self.day_spent(summed(day, slots, engines=False))

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
        """A running parse's row; its allowance is reserved on its day's slot (the day's
        slots locked by the caller: ``lock_day_slots``)."""
        row = _opened_row(document_id, day, now, allowance, policy_version)
        slot = self.slot(document_id)
        if self._postgres:
            params = {**{f"open_{k}": v for k, v in row.items()}, **_day_params(day, slot, reserved=allowance, parses=1)}
            return int(self.conn.execute(_open_and_reserve_statement(), params).scalar_one())
        entry_id = self.conn.execute(_OPEN_ENTRY, row).inserted_primary_key[0]
        self._add_day(day, slot, reserved=allowance, parses=1)
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
        counted = self.close(entry_id, row["day"], Spend.from_dict(row["allowance"]), now, spent, engines, ceiling,
                             slot=self.slot(row["document_id"]))
        return None if counted is None else {**dict(row), "counted": counted}

    def close(self, entry_id: int, day: str, allowance: Spend, now: datetime, spent: Optional[Spend],
              engines: Optional[dict] = None, ceiling: Optional[dict] = None, *, slot: int) -> Optional[Spend]:
        """``settle`` for a caller that knows the entry's day, stored allowance and slot (the
        parse that opened it): what was counted, or None when the row was no longer running."""
        counted = allowance if spent is None else spent
        closed = {"settled_at": now, "outcome": LOST if spent is None else METERED, "cpu_seconds": counted.cpu_seconds,
                  "calls": counted.calls, "cost": counted.cost, "engines": engines or {}, "ceiling": ceiling}
        added = {"reserved": Spend() - allowance, "spent": counted, "hits": 1 if ceiling else 0}
        if self._postgres:
            counts = self.conn.execute(_close_and_count_statement(bool(engines)),
                                       self.close_parameters(entry_id, day, allowance, now, spent, engines, ceiling, slot=slot))
            return counted if counts.rowcount else None  # 0: settled by another transaction meanwhile
        settled = self.conn.execute(_CLOSE_RUNNING, {"entry_id": entry_id, **{f"set_{k}": v for k, v in closed.items()}})
        if settled.rowcount == 0:  # settled by another transaction meanwhile
            return None
        self._add_day(day, slot, engines=engines or {}, **added)
        return counted

    @staticmethod
    def close_parameters(entry_id: int, day: str, allowance: Spend, now: datetime, spent: Optional[Spend],
                         engines: Optional[dict] = None, ceiling: Optional[dict] = None, *, slot: int) -> dict:
        """PostgreSQL: ``close``'s parameters for ``close_and_count_parts`` (``with_engines``:
        ``bool(engines)``)."""
        counted = allowance if spent is None else spent
        closed = {"settled_at": now, "outcome": LOST if spent is None else METERED, "cpu_seconds": counted.cpu_seconds,
                  "calls": counted.calls, "cost": counted.cost, "engines": engines or {}, "ceiling": ceiling}
        params = _day_params(day, slot, reserved=Spend() - allowance, spent=counted, hits=1 if ceiling else 0)
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

    def _add_day(self, day: str, slot: int, *, reserved: Spend = Spend(), spent: Spend = Spend(), parses: int = 0,
                 engines: Optional[dict] = None, hits: int = 0) -> None:
        """SQLite: add to the day's slot's totals (its engines read and merged here, under
        SQLite's write lock)."""
        params = _day_params(day, slot, reserved=reserved, spent=spent, parses=parses, hits=hits)
        if engines:
            known = self.conn.execute(_SLOT_ENGINES, {"day_key": day, "slot_key": slot}).scalar()
            params["new_engines"] = _merge_engines(known, engines)
        self.conn.execute(_add_day_statement(bool(engines)), params)
