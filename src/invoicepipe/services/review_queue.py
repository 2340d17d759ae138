"""The review queue: documents needing a person, in priority order, with filters and counts.

Priority is the order a clerk should work in: items on hold last, then the earliest due
date (printed, or invoice date plus the vendor's payment terms), the largest amount, and
the oldest arrival. Age is measured from arrival against the review SLA. The queue reads a
small read model (``review_queue``) that is rebuilt for any document whose version changed
since it was last indexed, so the page never joins or parses extraction JSON for 10,000 rows.
"""

from __future__ import annotations

import base64
import binascii
import json
import weakref
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlalchemy.exc import IntegrityError

from ..adapters.db.review import ALL, CHANNEL, REVIEW, SEP, SORT_KEYS, Cursor, ReviewRepository
from .review_words import reason_title

PAGE_SIZE = 50
REBUILD_BATCH = 5_000  # queue rows rebuilt per transaction (memory stays bounded on a first build)
# Each refresh looks back this far again: a transaction may commit a moment after it stamped
# updated_at, and machines' clocks differ a little.
OVERLAP = timedelta(minutes=10)
# Per database engine: up to when changes are already in the read model (process memory;
# a new process starts with one full comparison).
_scanned_until: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


SORTS = ("priority", "due", "amount", "age", "vendor", "confidence")


@dataclass(frozen=True)
class QueueFilters:
    reason: Optional[str] = None
    vendor: Optional[str] = None
    channel: Optional[str] = None
    held: str = ""  # "" (all, held last) | "only" | "none"
    assignee: Optional[str] = None  # a username (whose live claim) | "none" (unclaimed); "me" is resolved by the page
    sort: str = "priority"  # one of SORTS; each falls back to the priority order for ties

    def args(self, me: Optional[str] = None) -> tuple:
        """Repository arguments; ``assignee="me"`` becomes the person looking (``me``)."""
        assignee = me if self.assignee == "me" else self.assignee
        return (self.reason or None, (self.vendor or "").strip() or None, self.channel or None, self.held, assignee or None)

    def query(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them (next/previous document)."""
        pairs = (("reason", self.reason), ("vendor", self.vendor), ("channel", self.channel), ("held", self.held),
                 ("assignee", self.assignee), ("sort", None if self.sort == "priority" else self.sort))
        return {k: v for k, v in pairs if v}


def _value(fields: dict, name: str) -> Optional[str]:
    f = fields.get(name) or {}
    return f.get("value") or None


def _due_date(fields: dict, vendor) -> Optional[str]:
    printed = _value(fields, "due_date")
    if printed:
        return printed[:10]
    invoiced = _value(fields, "invoice_date")
    if invoiced and vendor is not None and vendor.payment_terms_days is not None:
        try:
            return (date.fromisoformat(invoiced) + timedelta(days=vendor.payment_terms_days)).isoformat()
        except ValueError:
            return None
    return None


def _amount(raw: Optional[str]) -> Optional[Decimal]:
    try:
        return Decimal(raw).quantize(Decimal("0.01")) if raw else None
    except (InvalidOperation, ValueError):
        return None


def queue_row(doc: dict, fields: dict, reasons: list, vendor) -> dict:
    """The read-model row of one document in review (pure: no database access)."""
    codes = list(dict.fromkeys(r.get("code") for r in reasons if r.get("code")))
    confidences = [f.get("confidence") for n, f in fields.items() if n != "document_type" and f.get("confidence") is not None]
    return {
        "document_id": doc["id"], "doc_version": doc["version"], "filename": doc["filename"][:500], "channel": doc["channel"],
        "received_at": doc["created_at"],
        "vendor_id": _value(fields, "vendor_id"),
        "vendor_name": ((vendor.name if vendor else None) or _value(fields, "vendor") or "")[:300] or None,
        "invoice_number": (_value(fields, "invoice_number") or "")[:128] or None,
        "due_date": _due_date(fields, vendor),
        "total": _amount(_value(fields, "total")),
        "currency": (_value(fields, "currency") or "")[:3] or None,
        "min_confidence": min(confidences) if confidences else None,
        "reason_codes": [c[:64] for c in codes],
    }


def _plan(repo: ReviewRepository, since: Optional[datetime]) -> tuple[list[int], list[int]]:
    """(documents whose row must be built, rows to drop) for what changed since ``since``."""
    changed = repo.changed_since(since)
    indexed = repo.indexed_versions(None if since is None else [i for i, _, _ in changed])
    in_review = {i: version for i, version, status in changed if status == REVIEW}
    if since is None:
        gone = [i for i in indexed if i not in in_review]
    else:
        gone = [i for i, _, status in changed if status != REVIEW and i in indexed]
    return [i for i, version in in_review.items() if indexed.get(i) != version], gone


def refresh_queue(app) -> int:
    """Bring the read model in step with the documents; returns how many rows were rebuilt.

    The first call in a process compares every document in review (and counts the queue
    afresh); later calls look only at documents updated since the previous call (minus an
    overlap), through an index. Finding nothing to do takes no write lock.
    """
    started = datetime.now(timezone.utc)
    since = _scanned_until.get(app.engine)
    with app.uow.read() as tx:
        stale, gone = _plan(ReviewRepository(tx.conn), since)
    # Rows are rebuilt a batch per transaction: the first comparison of a big queue rebuilds
    # every row, and one transaction would hold every document's fields in memory at once.
    batches = [stale[i:i + REBUILD_BATCH] for i in range(0, len(stale), REBUILD_BATCH)] or [[]]
    for n, batch in enumerate(batches):
        if not (batch or gone or since is None):
            break
        with app.uow.begin() as tx:
            repo = ReviewRepository(tx.conn)
            docs = repo.documents(batch)
            fields = repo.latest_fields(batch)
            reasons = repo.open_reasons(batch)
            vendors = {v.vendor_id: v for v in tx.master.vendors()} if batch else {}
            rows = [queue_row(docs[i], fields.get(i, {}), reasons.get(i, []), vendors.get(_value(fields.get(i, {}), "vendor_id")))
                    for i in batch if i in docs]
            last = n == len(batches) - 1
            try:
                with tx.conn.begin_nested():
                    repo.delete_rows(batch + (gone if n == 0 else []))
                    repo.insert_rows(rows)
                    if since is None and last:
                        repo.recount()
            except IntegrityError:
                return 0  # another request rebuilt the same rows a moment ago; the next call checks again
    _scanned_until[app.engine] = started - OVERLAP
    return len(stale)


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _item(row: dict, now: datetime, sla: timedelta) -> dict:
    age = now - _aware(row["received_at"])
    return {
        "id": row["document_id"], "version": row["doc_version"], "filename": row["filename"], "channel": row["channel"],
        "vendor_id": row["vendor_id"], "vendor_name": row["vendor_name"], "invoice_number": row["invoice_number"],
        "due_date": row["due_date"], "total": None if row["total"] is None else f"{Decimal(row['total']):.2f}",
        "currency": row["currency"], "min_confidence": row["min_confidence"],
        "reasons": [{"code": c, "title": reason_title(c)} for c in row["reason_codes"]],
        "on_hold": row["hold_note"] is not None, "hold_note": row["hold_note"],
        "age_hours": round(age.total_seconds() / 3600, 1), "over_sla": age > sla,
        "claimed_by": row.get("claimed_by") if row.get("claim_expires") and _aware(row["claim_expires"]) > now else None,
        "received_at": _aware(row["received_at"]).isoformat(timespec="seconds"),
    }


COUNT_CAP = 10_000  # a filtered count stops here ("10,000+"): counting a million rows per page is not worth it
# The document page's "n of N" counts the rows ahead up to here: a filtered queue reads
# cap / selectivity rows with a probe each (at 10,000 and a reason a quarter of the queue
# has, 40,000 rows: 70 ms on PostgreSQL), for a figure nobody needs beyond the first pages.
POSITION_CAP = 1_000


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, URL-safe token for a place in the queue (``after=`` / ``before=``)."""
    values = [v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, Decimal) else v for v in cursor.values]
    return base64.urlsafe_b64encode(json.dumps([cursor.phase, values], separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str, sort: str) -> Optional[Cursor]:
    """The cursor of ``token`` for ``sort``, or None when it is not one of ours (a stale or
    edited link starts from the top rather than failing)."""
    try:
        phase, values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        names = SORT_KEYS.get(sort, SORT_KEYS["priority"])
        if phase not in (0, 1) or len(values) != len(names):
            return None
        return Cursor(phase, tuple(_typed(name, v) for name, v in zip(names, values)))
    except (ValueError, TypeError, InvalidOperation, binascii.Error, UnicodeDecodeError):
        return None


def _typed(name: str, value):
    if name == "received_at":
        return _aware(value)
    if name == "amount_key":
        return Decimal(value)
    if name in ("document_id", "vendor_missing"):
        return int(value)
    if name == "confidence_key":
        return float(value)
    return str(value)


def _row_cursor(row: dict, sort: str) -> Cursor:
    return Cursor(row["phase"], tuple(row[name] for name in SORT_KEYS.get(sort, SORT_KEYS["priority"])))


def _total(repo: ReviewRepository, filters: QueueFilters, me: Optional[str], kept: dict[str, int]) -> tuple[int, bool]:
    """(documents matching the filters, whether the count stopped at COUNT_CAP). A kept
    count answers no filter, a reason, a channel, both, or a vendor alone; items on hold are
    few and counted (subtracted for "not on hold"); other combinations count up to the cap."""
    reason, vendor, channel, held_filter, assignee = filters.args(me)
    args = (reason, vendor, channel, assignee)
    if not assignee and not (vendor and (reason or channel)):
        on_hold = repo.count(args, 1)
        if vendor:
            everything = repo.vendor_count(vendor)
        else:
            everything = kept.get(CHANNEL + channel + SEP + reason if reason and channel else
                                  reason or (CHANNEL + channel if channel else ALL), 0)
        return {"only": on_hold, "none": max(0, everything - on_hold)}.get(held_filter, everything), False
    total = sum(repo.count(args, phase, cap=COUNT_CAP + 1) for phase in repo.phases(held_filter))
    return min(total, COUNT_CAP), total > COUNT_CAP


def review_queue(app, filters: QueueFilters, page: int = 1, sla_hours: float = 48, page_size: int = PAGE_SIZE,
                 me: Optional[str] = None, after: Optional[str] = None, before: Optional[str] = None) -> dict:
    """One page of the queue in priority order, with totals and counts per reason.

    ``after`` / ``before`` are cursors from a previous page (``next`` / ``previous`` in the
    result): the page is a range scan from there. ``page`` alone (an old link, the API)
    skips rows with an offset, which costs what it skips."""
    refresh_queue(app)
    page = max(1, page)
    reason, vendor, channel, held_filter, assignee = filters.args(me)
    args = (reason, vendor, channel, assignee)
    with app.uow.read() as tx:
        repo = ReviewRepository(tx.conn)
        cursor = decode_cursor(before or after or "", filters.sort) if (before or after) else None
        # A forward page reads one row beyond itself: that row says whether a next page
        # exists, instead of a second page query (with a vendor filter, a second union of
        # one range per matching name, whose building alone cost 10 ms of CPU).
        backwards = cursor is not None and bool(before)
        if cursor is not None:
            rows = repo.page(args, held_filter, filters.sort, page_size + (0 if backwards else 1), cursor, backwards=backwards)
        else:
            page = 1 if (before or after) else page
            rows = repo.page_at(args, held_filter, filters.sort, page_size + 1, (page - 1) * page_size)
        if backwards:
            has_more = bool(rows) and bool(repo.page(args, held_filter, filters.sort, 1, _row_cursor(rows[-1], filters.sort)))
        else:
            has_more, rows = len(rows) > page_size, rows[:page_size]
        kept = repo.kept_counts()
        held = repo.held_count()
        total, capped = _total(repo, filters, me, kept)
    now, sla = datetime.now(timezone.utc), timedelta(hours=sla_hours)
    items = [_item(r, now, sla) for r in rows]
    counts = sorted(((c, n) for c, n in kept.items() if c != ALL and not c.startswith(CHANNEL) and n > 0),
                    key=lambda cn: (-cn[1], cn[0]))
    return {
        "items": items, "total": total, "total_capped": capped, "page": page,
        "pages": max(1, -(-total // page_size)), "page_size": page_size,
        "next": encode_cursor(_row_cursor(rows[-1], filters.sort)) if has_more else None,
        "previous": encode_cursor(_row_cursor(rows[0], filters.sort)) if rows and page > 1 else None,
        "counts": [{"code": c, "title": reason_title(c), "count": n} for c, n in counts],
        "on_hold": held, "sla_hours": sla_hours, "filters": filters.query(),
    }


def neighbours(app, document_id: int, filters: QueueFilters, me: Optional[str] = None) -> dict:
    """Previous and next document around ``document_id`` in the filtered queue order: two
    one-row range scans from the document's own sort key, whatever the queue's size. The
    position is counted up to POSITION_CAP rows ahead (None further down)."""
    refresh_queue(app)
    reason, vendor, channel, held_filter, assignee = filters.args(me)
    args = (reason, vendor, channel, assignee)
    with app.uow.read() as tx:
        repo = ReviewRepository(tx.conn)
        here = repo.position(document_id, filters.sort)
        kept = repo.kept_counts()
        total, capped = _total(repo, filters, me, kept)
        in_view = here is not None and here.phase in repo.phases(held_filter) and repo.matches(document_id, args, here.phase)
        if not in_view:
            first = repo.page(args, held_filter, filters.sort, 1)
            return {"previous": None, "next": first[0]["document_id"] if first else None, "position": None,
                    "total": total, "total_capped": capped}
        following = repo.page(args, held_filter, filters.sort, 1, here)
        preceding = repo.page(args, held_filter, filters.sort, 1, here, backwards=True)
        ahead = sum(repo.count(args, p, cap=POSITION_CAP) for p in repo.phases(held_filter) if p < here.phase)
        if ahead < POSITION_CAP:
            ahead += repo.count(args, here.phase, cap=POSITION_CAP - ahead, before=here, sort=filters.sort)
    return {"previous": preceding[0]["document_id"] if preceding else None,
            "next": following[0]["document_id"] if following else None,
            "position": ahead + 1 if ahead < POSITION_CAP else None, "total": total, "total_capped": capped}

