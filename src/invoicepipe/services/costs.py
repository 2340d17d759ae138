"""Cost ceilings in the service layer: grant a parse its allowance, settle what it spent,
and report a day's spend against the policy's ceilings.

``grant`` runs in the transaction that starts a parse (the one that takes the lease): it
closes any attempt of the document that died without settling (counted at its allowance:
its spend is unknown, and a parse that keeps dying must not look free), then grants the new
attempt what is left under the document's and the day's ceilings, reserving it on the day.
Every re-send, Dramatiq retry or operator retry starts a parse through here, so none of them
can spend past a ceiling. ``settle`` runs in the transaction that records the parse's
outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from ..domain.costs import MEASURES, Budget, CeilingHit, CostCeiling, Spend, grant as grant_budget, grant_within_share
from ..observability import events


@dataclass(frozen=True)
class Grant:
    entry_id: int
    budget: Budget
    day: str = ""  # the ledger row's day, allowance as stored and slot, so settling need not read the row again
    allowance: Optional[Spend] = None
    slot: int = 0


def today(now: Optional[datetime] = None) -> str:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date().isoformat()


def grant(app, tx, document_id: int, now: Optional[datetime] = None) -> Grant:
    """Open the ledger row of a parse that is starting, with its allowance (see the module
    docstring). A document's first parse is granted from its slot's share of the day when
    that covers the document's ceiling, reserving on that slot alone; any other takes the
    day's slots locked, grants against their sum and apportions the shares again
    (``adapters/db/costs.py`` says why the day's ceiling holds either way)."""
    now = now or datetime.now(timezone.utc)
    day = today(now)
    policy = app.policy.costs
    allowance = policy.document.floored()
    entry_id = tx.costs.open_within_share(document_id, day, now, allowance, policy.day, app.policy.version)
    if entry_id is not None:
        return Grant(entry_id, grant_within_share(policy, app.policy.version), day, allowance, tx.costs.slot(document_id))
    slots, entries = tx.costs.lock_day_slots(day, document_id)
    # the same before and after settling: a running row counts at its allowance, a lost one too
    document_spent = tx.costs.document_spent(document_id, entries)
    if tx.costs.settle_lost(document_id, now, entries):
        slots = tx.costs.day_slots(day)  # the lost reservations moved into the day's spend (slots locked already)
    budget = grant_budget(policy, app.policy.version, document_spent, tx.costs.slots_spent(day, slots))
    entry_id = tx.costs.open_entry(document_id, day, now, budget.allowance, app.policy.version)
    tx.costs.apportion(day, slots, tx.costs.slot(document_id), budget.allowance, policy.day)
    return Grant(entry_id, budget, day, Spend.from_dict(budget.allowance.as_dict()), tx.costs.slot(document_id))


def settle(tx, granted: Optional[Grant], cost, now: Optional[datetime] = None, elapsed_s: Optional[float] = None) -> Optional[dict]:
    """Record what the parse spent (``cost``: a ``ParseCost``), or, without one (the parse
    failed before it could report), the CPU it can at most have used (a single-threaded
    child: its wall time, capped at the allowance) and no calls. Counts a ceiling hit after
    the commit."""
    if granted is None:
        return None
    now = now or datetime.now(timezone.utc)
    return _settle(tx, granted, now, *_spent(tx, granted, cost, elapsed_s))


def close_arguments(tx, granted: Optional[Grant], cost, now: Optional[datetime] = None,
                    elapsed_s: Optional[float] = None) -> Optional[dict]:
    """``settle`` as ``CostRepository.close``'s keyword arguments, for a caller that writes
    the close with its other writes in one statement (``adapters/db/parse_outcome.py``); a
    ceiling hit is counted after the commit as ``settle`` counts it. None: nothing to close
    that way (no grant, or a grant made without its row's day and allowance: ``settle`` it)."""
    if granted is None or granted.allowance is None:
        return None
    spent, engines, ceiling = _spent(tx, granted, cost, elapsed_s)
    return {"entry_id": granted.entry_id, "day": granted.day, "allowance": granted.allowance,
            "now": now or datetime.now(timezone.utc), "spent": spent, "engines": engines, "ceiling": ceiling,
            "slot": granted.slot}


def _spent(tx, granted: Grant, cost, elapsed_s: Optional[float]) -> tuple[Optional[Spend], Optional[dict], Optional[dict]]:
    """(spent, engines, ceiling) of ``settle``; registers the ceiling hit's count for after the commit."""
    if cost is None:
        spent = None
        if elapsed_s is not None:
            spent = Spend(min(granted.budget.allowance.cpu_seconds, max(0.0, elapsed_s)), 0, 0.0)
        return spent, None, None
    ceiling = None
    if cost.hits:
        ceiling = {"hits": [h.as_dict() for h in cost.hits], "policy_version": granted.budget.policy_version}
        first = cost.hits[0]
        tx.after_commit.append(lambda: events.cost_ceiling_hit(first.scope, first.engine))
    return cost.spent, cost.engines_json(), ceiling


def _settle(tx, granted: Grant, now: datetime, spent: Optional[Spend], engines: Optional[dict] = None,
            ceiling: Optional[dict] = None):
    if granted.allowance is None:  # a grant made without its row's day and allowance
        return tx.costs.settle(granted.entry_id, now, spent, engines, ceiling)
    counted = tx.costs.close(granted.entry_id, granted.day, granted.allowance, now, spent, engines, ceiling, slot=granted.slot)
    return None if counted is None else {"id": granted.entry_id, "day": granted.day, "counted": counted}


def ceiling_of(tx, document_id: int, currency: str) -> Optional[CostCeiling]:
    """The evidence of the document's current reading when a cost ceiling stopped it."""
    row = tx.costs.latest_metered(document_id)
    if row is None or not row.get("ceiling"):
        return None
    hits = tuple(CeilingHit.from_dict(h) for h in row["ceiling"].get("hits") or ())
    if not hits:
        return None
    spent = Spend(float(row["cpu_seconds"]), int(row["calls"]), float(row["cost"]))
    return CostCeiling(hits, spent, str(row["ceiling"].get("policy_version") or row["policy_version"]), currency)


def day_report(app, day: Optional[str] = None, days: int = 1) -> dict:
    """Spend of ``day`` (default today, UTC) and the ``days - 1`` before it against the
    policy's day ceilings: spent, reserved by running parses, per engine, and the share of
    each ceiling used."""
    last = day or today()
    first = (datetime.fromisoformat(last) - timedelta(days=max(1, days) - 1)).date().isoformat()
    policy = app.policy.costs
    with app.uow.begin() as tx:
        rows = {r["day"]: r for r in tx.costs.days(first, last)}
    out = []
    current = datetime.fromisoformat(first).date()
    while current.isoformat() <= last:
        r = rows.get(current.isoformat()) or {}
        spent = Spend(float(r.get("cpu_seconds") or 0), int(r.get("calls") or 0), float(r.get("cost") or 0))
        reserved = Spend(float(r.get("reserved_cpu_seconds") or 0), int(r.get("reserved_calls") or 0),
                         float(r.get("reserved_cost") or 0)).floored()
        out.append({
            "day": current.isoformat(), "spent": spent.as_dict(), "reserved": reserved.as_dict(),
            "ceiling": policy.day.as_dict(),
            "used": {m: round((spent + reserved).get(m) / policy.day.get(m), 4) if policy.day.get(m) else None for m in MEASURES},
            "parses": int(r.get("parses") or 0), "ceiling_hits": int(r.get("ceiling_hits") or 0),
            "engines": r.get("engines") or {},
        })
        current += timedelta(days=1)
    return {"policy_version": app.policy.version, "currency": policy.currency, "document_ceiling": policy.document.as_dict(),
            "alert_day_share": policy.alert_day_share, "days": out}


def document_report(app, document_id: int) -> dict:
    """Every parse of one document: granted, spent, per engine, and the ceiling that stopped it."""
    with app.uow.begin() as tx:
        entries = tx.costs.entries(document_id)
        spent = tx.costs.document_spent(document_id)
    return {"document_id": document_id, "spent": spent.as_dict(), "ceiling": app.policy.costs.document.as_dict(),
            "policy_version": app.policy.version,
            "parses": [{"id": e["id"], "day": e["day"], "started_at": str(e["started_at"])[:19], "outcome": e["outcome"],
                        "policy_version": e["policy_version"], "allowance": e["allowance"],
                        "spent": {"cpu_seconds": round(float(e["cpu_seconds"]), 3), "calls": e["calls"], "cost": e["cost"]},
                        "engines": e["engines"] or {}, "ceiling": e["ceiling"]} for e in entries]}
