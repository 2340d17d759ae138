"""Webhook delivery rows do not pile up: the sweeper's hourly round deletes delivered rows
after the keep days and dead ones after the longer dead keep days, in batches; pending rows
and recent ones stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.services.webhooks import add_subscriber, prune_deliveries

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def delivery(sid: int, n: int, state: str, age_days: float) -> dict:
    at = NOW - timedelta(days=age_days)
    return dict(subscriber_id=sid, audit_seq=n, document_id=n, event_type="document.state_changed", idempotency_key=f"k{n}",
                payload={"n": n}, state=state, attempts=1, next_attempt_at=at, created_at=at,
                delivered_at=at if state == "delivered" else None)


def test_old_delivered_and_long_dead_rows_are_pruned_in_batches(app):
    app.settings = replace(app.settings, webhook_keep_days=30, webhook_dead_keep_days=180)
    add_subscriber(app, "erp", "https://erp.example/hooks", actor="admin:test")
    with app.uow.begin() as tx:
        sid = tx.webhooks.subscriber("erp")["id"]
        rows = ([delivery(sid, n, "delivered", 40) for n in range(5)]      # old: pruned
                + [delivery(sid, 10, "delivered", 5)]                        # recent: kept
                + [delivery(sid, 20, "dead", 40), delivery(sid, 21, "dead", 200)]  # dead: kept until 180 days
                + [delivery(sid, 30, "pending", 400)])                       # pending: never pruned
        tx.conn.execute(insert(t.webhook_deliveries), rows)
    assert prune_deliveries(app, now=NOW, batch=2) == 6
    with app.uow.begin() as tx:
        left = sorted(r.audit_seq for r in tx.conn.execute(select(t.webhook_deliveries.c.audit_seq)))
    assert left == [10, 20, 30]
    assert prune_deliveries(app, now=NOW) == 0  # nothing more: the same round again deletes nothing


def test_keep_days_are_settings_validated_at_start(tmp_path):
    import pytest

    from invoicepipe.config import Settings
    from invoicepipe.errors import ConfigError

    with pytest.raises(ConfigError, match="INVOICEPIPE_WEBHOOK_KEEP_DAYS"):
        Settings.from_env({"INVOICEPIPE_WEBHOOK_KEEP_DAYS": "90", "INVOICEPIPE_WEBHOOK_DEAD_KEEP_DAYS": "30"}, var_dir=tmp_path)
