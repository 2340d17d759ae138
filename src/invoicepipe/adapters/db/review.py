"""Repository for review holds and the review queue's read model.

``review_queue`` holds one row per document in review with the columns the queue sorts and
filters on (due date, amount, vendor, channel, reasons). A row is valid for one document
version; ``changed_since`` finds the documents whose row may be missing, old or no longer
wanted, and the service rebuilds or drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Optional, Sequence

from sqlalchemy import Connection, delete, exists, func, insert, literal, select, tuple_, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...domain.models import Status
from . import tables as t
from .documents import utcnow

REVIEW = Status.NEEDS_REVIEW.value
CHUNK = 500  # keeps IN lists well under every driver's parameter limit
ALL = "*"  # the kept count of the whole queue
CHANNEL = "channel:"  # kept counts per channel: "channel:email"; the other codes are reason codes
# Kept counts per reason within a channel ("channel:email\x1fno_po") and per vendor
# ("vendor:V0012\x1fAcme GmbH", id and name as the row has them), so those filters answer
# their total from a kept count instead of counting up to COUNT_CAP matching rows (at a
# million documents a 5 % filter reads 200,000 rows to find 10,000). The unit separator
# appears in no reason code, channel or vendor id.
SEP = "\x1f"
VENDOR = "vendor:"
# Sentinels for unknown sort values: they sort last, and a key column is never NULL (a NULL
# makes a row comparison unknown, which would drop the row from every keyset page).
NO_DUE_DATE = "9999-12-31"
NO_AMOUNT = Decimal("9999999999999999.99")
NO_CONFIDENCE = 2.0

# Each sort order as plain ascending columns, each with an index in exactly this order
# (tables.py): the order a clerk works in (earliest due date, largest amount, oldest) breaks
# the ties of every other sort.
_PRIORITY = ("due_key", "amount_key", "received_at", "document_id")
SORT_KEYS = {
    "priority": _PRIORITY,
    "due": _PRIORITY,
    "amount": ("amount_key", "due_key", "received_at", "document_id"),
    "age": ("received_at", "due_key", "amount_key", "document_id"),
    "vendor": ("vendor_missing", "vendor_sort", *_PRIORITY),
    "confidence": ("confidence_key", *_PRIORITY),
}


# A vendor filter reads one range of the vendor index per matching vendor name (see
# ``ReviewRepository._vendor_ranges``); the index's columns after the name are the priority
# order, so the sorts whose order that tail gives can be read this way.
VENDOR_INDEX = ("vendor_missing", "vendor_sort", *_PRIORITY)
VENDOR_LED_SORTS = ("priority", "due", "vendor")
# More matching names than this: the filter is broad, and walking the sort order's index
# finds a page's rows soon; it also keeps the UNION ALL under SQLite's 500 compound terms.
MAX_VENDOR_RANGES = 100
# The other sorts (amount, age, confidence) cannot be read in order from the vendor index:
# their ranges are read whole and sorted, which is worth it while the filter matches few
# rows. Walking the sort order's index instead reads about page size / share of the queue
# rows when the vendor's rows are spread evenly, and much more when they bunch late in that
# order (a vendor whose invoices are all small, for the amount sort); the kept counts say
# how many rows the ranges hold before either is chosen.
MAX_SORTED_VENDOR_ROWS = 10_000


def sort_keys(sort: str) -> list:
    return [t.review_queue.c[name] for name in SORT_KEYS.get(sort, _PRIORITY)]


def key_columns(due_date: Optional[str], total: Optional[Decimal], vendor_name: Optional[str],
                min_confidence: Optional[float]) -> dict[str, Any]:
    """The sort-key columns of a queue row (see SORT_KEYS)."""
    return {"due_key": due_date or NO_DUE_DATE, "amount_key": NO_AMOUNT if total is None else -total,
            "vendor_missing": 0 if vendor_name else 1, "vendor_sort": vendor_name or "",
            "confidence_key": NO_CONFIDENCE if min_confidence is None else min_confidence}


def vendor_key(vendor_id: Optional[str], vendor_name: Optional[str]) -> str:
    return VENDOR + (vendor_id or "") + SEP + (vendor_name or "")


def count_keys(channel: str, vendor_id: Optional[str], vendor_name: Optional[str], codes: Iterable[str]) -> list[str]:
    """The kept counts one queue row adds to (see SEP)."""
    codes = list(codes)
    return [ALL, CHANNEL + channel, vendor_key(vendor_id, vendor_name), *codes, *(CHANNEL + channel + SEP + c for c in codes)]


@dataclass(frozen=True)
class Cursor:
    """A place in the queue: the phase (0, or 1 for items on hold) and the sort key there."""
    phase: int
    values: tuple


def _beyond(columns: list, values: tuple, backwards: bool):
    """The keyset bound: rows after ``values`` in the order of ``columns`` (before, backwards)."""
    row, bound = tuple_(*columns), tuple_(*[literal(v, c.type) for c, v in zip(columns, values)])
    return row < bound if backwards else row > bound


def _rows_of(merged, keys: list, limit: int, offset: int, backwards: bool):
    """The whole queue rows of one page cut from ``merged`` (key columns of the matching
    rows, several ranges put together), in the sort order of ``keys``."""
    def ordered(columns):
        return [columns[k.name].desc() if backwards else columns[k.name] for k in keys]

    picked = select(merged).order_by(*ordered(merged.c)).limit(limit).offset(offset).subquery()
    q = t.review_queue
    return select(q).join(picked, picked.c.document_id == q.c.document_id).order_by(*ordered(picked.c))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


class ReviewRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- holds -----------------------------------------------------------------------------
    def hold(self, doc_id: int) -> Optional[dict]:
        row = self.conn.execute(select(t.review_holds).where(t.review_holds.c.document_id == doc_id)).first()
        return dict(row._mapping) if row else None

    def set_hold(self, doc_id: int, note: str, actor: str) -> None:
        self.clear_hold(doc_id)
        self.conn.execute(insert(t.review_holds).values(document_id=doc_id, note=note, actor=actor, created_at=utcnow()))

    def clear_hold(self, doc_id: int) -> None:
        self.conn.execute(delete(t.review_holds).where(t.review_holds.c.document_id == doc_id))

    # -- read model maintenance --------------------------------------------------------------
    def changed_since(self, since: Optional[datetime]) -> list[tuple[int, int, str]]:
        """(id, version, status) of documents updated at or after ``since`` (all in review when None).

        With ``since`` the (status, updated_at) index answers with a range scan per status,
        so a refresh costs what changed, not the size of the queue.
        """
        d = t.documents
        query = select(d.c.id, d.c.version, d.c.status)
        if since is None:
            query = query.where(d.c.status == REVIEW)
        else:
            query = query.where(d.c.status.in_([s.value for s in Status]), d.c.updated_at >= since)
        return [(int(r[0]), int(r[1]), r[2]) for r in self.conn.execute(query)]

    def indexed_versions(self, ids: Optional[Sequence[int]] = None) -> dict[int, int]:
        """document id -> version its queue row was built from (every row when ``ids`` is None)."""
        q = t.review_queue
        if ids is None:
            return {int(r[0]): int(r[1]) for r in self.conn.execute(select(q.c.document_id, q.c.doc_version))}
        out: dict[int, int] = {}
        for chunk in _chunks(list(ids)):
            out.update({int(r[0]): int(r[1]) for r in self.conn.execute(select(q.c.document_id, q.c.doc_version).where(q.c.document_id.in_(chunk)))})
        return out

    def documents(self, ids: Sequence[int]) -> dict[int, dict]:
        d = t.documents
        out: dict[int, dict] = {}
        for chunk in _chunks(list(ids)):
            rows = self.conn.execute(select(d.c.id, d.c.version, d.c.filename, d.c.channel, d.c.created_at).where(d.c.id.in_(chunk)))
            out.update({int(r[0]): dict(r._mapping) for r in rows})
        return out

    def delete_rows(self, ids: Sequence[int]) -> None:
        r, q = t.review_queue_reasons, t.review_queue
        deltas: dict[str, int] = {}
        for chunk in _chunks(list(ids)):
            # RETURNING: count what was really deleted (a concurrent refresh may have been first).
            codes: dict[int, list[str]] = {}
            for doc_id, code in self.conn.execute(delete(r).where(r.c.document_id.in_(chunk)).returning(r.c.document_id, r.c.code)):
                codes.setdefault(int(doc_id), []).append(code)
            deleted = self.conn.execute(delete(q).where(q.c.document_id.in_(chunk))
                                        .returning(q.c.document_id, q.c.channel, q.c.vendor_id, q.c.vendor_name))
            for doc_id, channel, vendor_id, vendor_name in deleted:
                for key in count_keys(channel, vendor_id, vendor_name, codes.pop(int(doc_id), [])):
                    deltas[key] = deltas.get(key, 0) - 1
            for orphans in codes.values():  # reasons whose queue row another refresh deleted first
                for code in orphans:
                    deltas[code] = deltas.get(code, 0) - 1
        self._adjust_counts(deltas)

    def insert_rows(self, rows: Sequence[dict]) -> None:
        if not rows:
            return
        deltas: dict[str, int] = {}
        for start in range(0, len(rows), CHUNK):
            batch = [{**row, **key_columns(row["due_date"], row["total"], row["vendor_name"], row["min_confidence"])}
                     for row in rows[start:start + CHUNK]]
            self.conn.execute(insert(t.review_queue), batch)
            reasons = [{"document_id": r["document_id"], "code": c} for r in batch for c in r["reason_codes"]]
            if reasons:
                self.conn.execute(insert(t.review_queue_reasons), reasons)
            for row in batch:
                for key in count_keys(row["channel"], row["vendor_id"], row["vendor_name"], row["reason_codes"]):
                    deltas[key] = deltas.get(key, 0) + 1
        self._adjust_counts(deltas)

    def _adjust_counts(self, deltas: dict[str, int]) -> None:
        k = t.review_queue_counts
        upsert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        for code, delta in sorted(deltas.items()):  # one order: concurrent refreshes never deadlock
            if delta:
                statement = upsert(k).values(code=code, documents=delta)
                self.conn.execute(statement.on_conflict_do_update(index_elements=[k.c.code],
                                                                  set_={"documents": k.c.documents + delta}))

    def recount(self) -> None:
        """Count the queue afresh (a full comparison does this: counts can never drift for long)."""
        k, r, q = t.review_queue_counts, t.review_queue_reasons, t.review_queue
        self.conn.execute(delete(k))
        rows = [{"code": code, "documents": int(n)} for code, n in self.conn.execute(select(r.c.code, func.count()).group_by(r.c.code))]
        rows += [{"code": CHANNEL + channel, "documents": int(n)}
                 for channel, n in self.conn.execute(select(q.c.channel, func.count()).group_by(q.c.channel))]
        pairs = select(q.c.channel, r.c.code, func.count()).join(r, r.c.document_id == q.c.document_id).group_by(q.c.channel, r.c.code)
        rows += [{"code": CHANNEL + channel + SEP + code, "documents": int(n)} for channel, code, n in self.conn.execute(pairs)]
        vendors = select(q.c.vendor_id, q.c.vendor_name, func.count()).group_by(q.c.vendor_id, q.c.vendor_name)
        rows += [{"code": vendor_key(vendor_id, vendor_name), "documents": int(n)} for vendor_id, vendor_name, n in self.conn.execute(vendors)]
        rows.append({"code": ALL, "documents": int(self.conn.execute(select(func.count()).select_from(q)).scalar_one())})
        for start in range(0, len(rows), CHUNK):
            self.conn.execute(insert(k), rows[start:start + CHUNK])

    def latest_fields(self, ids: Sequence[int]) -> dict[int, dict]:
        """document id -> fields JSON of its newest extraction."""
        out: dict[int, dict] = {}
        e = t.extractions
        for chunk in _chunks(list(ids)):
            newest = select(func.max(e.c.id)).where(e.c.document_id.in_(chunk)).group_by(e.c.document_id)
            for r in self.conn.execute(select(e.c.document_id, e.c.fields).where(e.c.id.in_(newest))):
                out[int(r[0])] = r[1] or {}
        return out

    def open_reasons(self, ids: Sequence[int]) -> dict[int, list]:
        """document id -> reasons of its newest machine decision (route or reconcile)."""
        out: dict[int, list] = {}
        dc = t.decisions
        for chunk in _chunks(list(ids)):
            newest = select(func.max(dc.c.id)).where(dc.c.document_id.in_(chunk), dc.c.stage != "review").group_by(dc.c.document_id)
            for r in self.conn.execute(select(dc.c.document_id, dc.c.reasons).where(dc.c.id.in_(newest))):
                out[int(r[0])] = r[1] or []
        return out

    # -- queue reads (the read model only: kept in step with documents by the refresh) ----------
    # A page is a range scan over the index of its sort order, from a cursor (keyset
    # pagination): its cost does not grow with the queue. Items on hold come last, as a
    # second range (``phase`` 1) read through the (few) holds; the others are phase 0.
    def _filtered(self, query, reason, vendor, channel, assignee):
        q, c = t.review_queue, t.review_claims
        if assignee:
            live = select(c.c.document_id).where(c.c.expires_at > utcnow())
            query = query.where(q.c.document_id.not_in(live) if assignee == "none"
                                else q.c.document_id.in_(live.where(c.c.username == assignee)))
        if reason:
            # EXISTS, probed by primary key for each row the range scan meets: an IN list
            # would first collect every document with the reason (a third of a big queue).
            r = t.review_queue_reasons
            query = query.where(exists().where(r.c.document_id == q.c.document_id, r.c.code == reason))
        if vendor:
            query = query.where((q.c.vendor_id == vendor) | func.lower(q.c.vendor_name).contains(vendor.lower(), autoescape=True))
        if channel:
            query = query.where(q.c.channel == channel)
        return query

    def _phase(self, columns, phase: int, filters: tuple):
        q, h = t.review_queue, t.review_holds
        held = select(h.c.document_id)
        query = select(*columns).select_from(q)
        query = query.where(q.c.document_id.in_(held) if phase else q.c.document_id.not_in(held))
        return self._filtered(query, *filters)

    @staticmethod
    def phases(held: str) -> tuple[int, ...]:
        return {"only": (1,), "none": (0,)}.get(held, (0, 1))

    def page(self, filters: tuple, held: str, sort: str, limit: int, cursor: Optional[Cursor] = None,
             backwards: bool = False) -> list[dict]:
        """Up to ``limit`` queue rows after ``cursor`` (before it, when ``backwards``; still
        returned in queue order), each with its ``phase`` and hold note and live claim."""
        keys = sort_keys(sort)
        phases = self.phases(held)
        if cursor is not None:
            phases = tuple(p for p in phases if (p <= cursor.phase if backwards else p >= cursor.phase))
        if backwards:
            phases = tuple(reversed(phases))
        rows: list[dict] = []
        vendor_names = self._vendor_sort_names(filters, sort)
        for phase in phases:
            after = cursor.values if cursor is not None and phase == cursor.phase else None
            if vendor_names is not None:
                query = self._vendor_ranges(phase, filters, sort, vendor_names, limit - len(rows), after, backwards)
            else:
                query = self._phase((t.review_queue,), phase, filters)
                if after is not None:
                    query = query.where(_beyond(keys, after, backwards))
                query = query.order_by(*[k.desc() if backwards else k for k in keys]).limit(limit - len(rows))
            rows += [{**r._mapping, "phase": phase} for r in self.conn.execute(query)] if query is not None else []
            if len(rows) >= limit:
                break
        if backwards:
            rows.reverse()
        return self._with_holds_and_claims(rows)

    def _vendor_sort_names(self, filters: tuple, sort: str) -> Optional[list[tuple[int, str]]]:
        """(vendor_missing, vendor_sort) of every vendor name the filter's vendor matches, when a
        page is best read one vendor range at a time; None to walk the sort order's index.

        Walking the priority index with a vendor filter tests every row's name: a vendor with
        0.5 % of a million documents, bunched late in the order, read 96,000 pages for its
        first page. The names come from the kept counts per vendor (one row per vendor)."""
        vendor = filters[1]
        if not vendor:
            return None
        matching = self._matching_vendors(vendor)
        if sort not in VENDOR_LED_SORTS and sum(documents for _, _, documents in matching) > MAX_SORTED_VENDOR_ROWS:
            return None
        names = sorted({(0 if name else 1, name) for _, name, _ in matching})
        return names if len(names) <= MAX_VENDOR_RANGES else None

    def _vendor_ranges(self, phase: int, filters: tuple, sort: str, names: list[tuple[int, str]], limit: int,
                       after: Optional[tuple], backwards: bool, offset: int = 0):
        """One phase's page as one range of the vendor index per name, each at most ``offset +
        limit`` rows, merged in the sort order: the work is the page's end times the names, not
        the queue.

        Each range keeps the whole filter (a name may be shared by a vendor id that does not
        match); the merge is the database's ORDER BY, so names compare in its collation."""
        if not names:
            return None
        if sort not in VENDOR_LED_SORTS:
            return self._sorted_vendor_rows(phase, filters, sort, names, limit, after, backwards, offset)
        q = t.review_queue
        index = [q.c[name] for name in VENDOR_INDEX]
        keys = sort_keys(sort)
        branches = []
        # Several ranges carry only their index columns into the merge and the page's rows
        # are read by key afterwards: building a union of whole rows (a column proxy per
        # column per name) was most of the page's CPU with a dozen names.
        columns = (q,) if len(names) == 1 else tuple(index)
        for missing, name in names:
            branch = self._phase(columns, phase, filters).where(q.c.vendor_missing == missing, q.c.vendor_sort == name)
            if after is not None:
                # The cursor in the index's own columns, so the range starts inside the name.
                start = after if sort == "vendor" else (missing, name, *after)
                branch = branch.where(_beyond(index, start, backwards))
            branches.append(branch.order_by(*[c.desc() if backwards else c for c in index]))
        if len(branches) == 1:
            return branches[0].limit(limit).offset(offset)
        # SQLite allows ORDER BY / LIMIT in a compound select's terms only inside a subquery.
        merged = union_all(*[select(b.limit(offset + limit).subquery()) for b in branches]).subquery()
        return _rows_of(merged, keys, limit, offset, backwards)

    def _sorted_vendor_rows(self, phase: int, filters: tuple, sort: str, names: list[tuple[int, str]], limit: int,
                            after: Optional[tuple], backwards: bool, offset: int):
        """One phase's page for a sort the vendor index does not give: every row of the
        matching names' ranges (few: see MAX_SORTED_VENDOR_ROWS) past the cursor, sorted by the
        database and cut to the page. Each range reads the sort's key columns from the vendor
        index (the confidence sort also reads its key from the row)."""
        q = t.review_queue
        keys = sort_keys(sort)
        branches = []
        for missing, name in names:
            branch = self._phase(tuple(keys), phase, filters).where(q.c.vendor_missing == missing, q.c.vendor_sort == name)
            if after is not None:
                branch = branch.where(_beyond(keys, after, backwards))
            branches.append(branch)
        merged = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()
        return _rows_of(merged, keys, limit, offset, backwards)

    def page_at(self, filters: tuple, held: str, sort: str, limit: int, offset: int) -> list[dict]:
        """The page at ``offset`` (links without a cursor, e.g. the API's ``page``): phase by
        phase, skipping whole phases by their count."""
        rows: list[dict] = []
        vendor_names = self._vendor_sort_names(filters, sort)
        for phase in self.phases(held):
            if vendor_names is not None:
                query = self._vendor_ranges(phase, filters, sort, vendor_names, limit - len(rows), None, False, offset)
            else:
                query = self._phase((t.review_queue,), phase, filters).order_by(*sort_keys(sort)).limit(limit - len(rows)).offset(offset)
            got = [{**r._mapping, "phase": phase} for r in self.conn.execute(query)] if query is not None else []
            rows += got
            if len(rows) >= limit:
                break
            offset = max(0, offset - self.count(filters, phase)) if not got else 0
        return self._with_holds_and_claims(rows)

    def _with_holds_and_claims(self, rows: list[dict]) -> list[dict]:
        ids = [r["document_id"] for r in rows]
        if not ids:
            return rows
        h, c = t.review_holds, t.review_claims
        notes = dict(self.conn.execute(select(h.c.document_id, h.c.note).where(h.c.document_id.in_(ids))).all())
        claims = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            select(c.c.document_id, c.c.username, c.c.expires_at).where(c.c.document_id.in_(ids), c.c.expires_at > utcnow()))}
        for r in rows:
            r["hold_note"] = notes.get(r["document_id"])
            r["claimed_by"], r["claim_expires"] = claims.get(r["document_id"], (None, None))
        return rows

    def position(self, document_id: int, sort: str) -> Optional[Cursor]:
        """Where ``document_id`` stands in the queue (its phase and sort key), or None."""
        q = t.review_queue
        row = self.conn.execute(select(*sort_keys(sort)).where(q.c.document_id == document_id)).first()
        if row is None:
            return None
        held = self.conn.execute(select(t.review_holds.c.document_id).where(t.review_holds.c.document_id == document_id)).first()
        return Cursor(1 if held else 0, tuple(row))

    def matches(self, document_id: int, filters: tuple, phase: int) -> bool:
        """Whether ``document_id`` is in the filtered queue's ``phase``."""
        query = self._phase((t.review_queue.c.document_id,), phase, filters).where(t.review_queue.c.document_id == document_id)
        return self.conn.execute(query).first() is not None

    def count(self, filters: tuple, phase: int, cap: Optional[int] = None, before: Optional[Cursor] = None,
              sort: str = "priority") -> int:
        """Rows of one phase (before ``before`` in ``sort`` order, when given), counted up to ``cap``."""
        query = self._phase((literal(1),), phase, filters)
        if before is not None:
            keys = sort_keys(sort)
            query = query.where(tuple_(*keys) < tuple_(*[literal(v, k.type) for k, v in zip(keys, before.values)]))
        if cap is not None:
            query = query.limit(cap)
        return int(self.conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())

    def kept_counts(self) -> dict[str, int]:
        """The maintained counts: per reason code, per channel (``channel:…``), per reason in a
        channel (``channel:…\x1f<code>``) and ``*`` for the whole queue; not the vendors'
        (``vendor_count`` reads those)."""
        k = t.review_queue_counts
        query = select(k.c.code, k.c.documents).where(~k.c.code.startswith(VENDOR, autoescape=True))
        return {r[0]: int(r[1]) for r in self.conn.execute(query)}

    def vendor_count(self, vendor: str) -> int:
        """Documents in the queue whose vendor matches ``vendor`` as the filter does (the id
        exactly, or a part of the name in any case), from the kept counts per vendor: one
        row per distinct (id, name), so the cost follows the number of vendors, not of documents."""
        return sum(documents for _, _, documents in self._matching_vendors(vendor))

    def _matching_vendors(self, vendor: str) -> list[tuple[str, str, int]]:
        """(vendor id, name, documents) of each kept vendor count the filter's ``vendor`` matches."""
        k = t.review_queue_counts
        wanted, out = vendor.lower(), []
        for code, documents in self.conn.execute(select(k.c.code, k.c.documents).where(k.c.code.startswith(VENDOR, autoescape=True))):
            vendor_id, _, name = code[len(VENDOR):].partition(SEP)
            if vendor_id == vendor or wanted in name.lower():
                out.append((vendor_id, name, int(documents)))
        return out

    def held_count(self) -> int:
        """Items on hold in the queue: the (few) holds probed in the queue by key. Written as a
        join, SQLite scanned the whole queue and probed the holds (150 ms at a million)."""
        return self.count((None, None, None, None), 1)

    def vendor_choices(self, limit: int = 500) -> list[dict]:
        """Vendor ids and names for the correction form's suggestions."""
        v = t.vendors
        rows = self.conn.execute(select(v.c.vendor_id, v.c.name).where(v.c.active == 1).order_by(v.c.vendor_id).limit(limit))
        return [{"vendor_id": r[0], "name": r[1]} for r in rows]

    # -- history for the document and "why" views ------------------------------------------------
    def extractions(self, doc_id: int) -> list[dict]:
        rows = self.conn.execute(select(t.extractions).where(t.extractions.c.document_id == doc_id).order_by(t.extractions.c.id))
        return [dict(r._mapping) for r in rows]
