"""Read-only views for the CLI and the web: status counts, one document in full."""

from __future__ import annotations

from typing import Optional

from ..domain.models import IN_FLIGHT, SETTLED, Status


def queue_depths(broker) -> dict[str, Optional[int]]:
    """Messages waiting per queue, read from Redis or the in-memory stub."""
    depths: dict[str, Optional[int]] = {}
    for name in ("parse.fast", "parse.slow", "pipeline"):
        try:
            if hasattr(broker, "client"):  # RedisBroker
                depths[name] = int(broker.client.llen(f"{broker.namespace}:{name}"))
            else:
                queue = getattr(broker, "queues", {}).get(name)
                depths[name] = queue.qsize() if queue is not None else None
        except Exception:  # a status command must still answer when the broker is down
            depths[name] = None
    return depths


def status(app) -> dict:
    with app.uow.read() as tx:
        counts = tx.documents.counts()
    by_state: dict[str, int] = {s.value: 0 for s in Status}
    by_pool: dict[str, dict[str, int]] = {}
    for state, pool, n in counts:
        by_state[state] = by_state.get(state, 0) + n
        if pool:
            by_pool.setdefault(pool, {})
            by_pool[pool][state] = by_pool[pool].get(state, 0) + n
    return {
        "total": sum(n for _, _, n in counts),
        "by_state": by_state,
        "by_pool": by_pool,
        "in_flight": sum(by_state[s.value] for s in IN_FLIGHT),
        "queues": queue_depths(app.broker),
        "broker": "redis" if app.settings.redis_url else "in-process",
        "blob_store": app.blobs.label,  # INVOICEPIPE_BLOB_URL: which store this process uses
        "policy_version": app.policy.version,
        "cost_today": _cost_today(app),
    }


def _cost_today(app) -> dict:
    from .costs import day_report

    return day_report(app)


def show(app, document_id: int) -> dict:
    with app.uow.read() as tx:
        doc = tx.documents.require(document_id)
        extraction = tx.documents.latest_extraction(document_id)
        decisions = tx.documents.decisions(document_id)
        arrivals = tx.documents.arrivals(document_id)
    return {
        "id": doc.id,
        "filename": doc.filename,
        "channel": doc.channel,
        "media_type": doc.media_type,
        "sha256": doc.sha256,
        "size_bytes": doc.size_bytes,
        "pages": doc.page_count,
        "status": doc.status.value,
        "settled": doc.status in SETTLED,
        "pool": doc.pool,
        "reason": doc.reason,
        "attempts": doc.attempts,
        "lease_owner": doc.lease_owner,
        "lease_expires_at": str(doc.lease_expires_at) if doc.lease_expires_at else None,
        "message_db_id": doc.message_db_id,
        "arrivals": [{"channel": a["channel"], "filename": a["filename"], "at": str(a["arrived_at"])} for a in arrivals],
        "extraction": None if extraction is None else {
            "extractor_version": extraction["extractor_version"],
            "reader": extraction["reader"],
            "fields": extraction["fields"],
            "lines": extraction["lines"],
            "warnings": extraction["warnings"],
        },
        "decisions": [{"stage": d["stage"], "outcome": d["outcome"], "policy_version": d["policy_version"], "reasons": d["reasons"],
                       "actor": d["actor"], "at": str(d["created_at"])} for d in decisions],
    }


def list_documents(app, state: Optional[str] = None, limit: int = 50) -> list[dict]:
    """Documents (optionally in one state), most recently changed first."""
    with app.uow.read() as tx:
        docs = tx.documents.recent(Status(state) if state else None, limit)
    return [{"id": d.id, "status": d.status.value, "pool": d.pool, "filename": d.filename, "channel": d.channel,
             "reason": d.reason, "attempts": d.attempts, "updated_at": str(d.updated_at)} for d in docs]
