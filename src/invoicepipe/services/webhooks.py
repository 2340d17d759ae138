"""Outgoing webhooks: integrators follow their documents' state changes.

A subscriber is a URL, a signing secret, the states it wants and, optionally, the account
whose uploads it follows. Every state change (``services/transitions.move``) writes one
delivery row per matching subscriber in the same transaction, so a change and its
notifications commit together or not at all. ``deliver_due`` (run every
``INVOICEPIPE_WEBHOOK_POLL`` seconds by ``up`` and ``serve``, never by a pipeline worker, so a
slow subscriber cannot hold up a document) sends the due rows the way the HTTP export sends
invoices (``adapters/http_delivery``: signed, an ``Idempotency-Key`` stable across tries) and
reads the answer the same way: delivered (2xx, 409), retried after the export's back-off or
the subscriber's ``Retry-After`` (timeouts, connection failures, 408, 429, 5xx), dead
after ``INVOICEPIPE_WEBHOOK_MAX_ATTEMPTS`` tries or at once for a refusal (other 4xx). Dead
rows stay visible (``invoicepipe webhooks deliveries --state dead``, a metric and an alert)
until an operator replays them. The sweeper prunes old rows (``prune_deliveries``): delivered
ones after ``INVOICEPIPE_WEBHOOK_KEEP_DAYS``, dead ones after the longer
``INVOICEPIPE_WEBHOOK_DEAD_KEEP_DAYS`` (a replayed row is pending again and kept).
"""

from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Iterable, Optional
from urllib.parse import urlsplit

from ..adapters.db.webhooks import DEAD, DELIVERED, DELIVERY_STATES, PENDING
from ..adapters.http_delivery import destination_label
from ..domain.models import Status
from ..errors import NotFound, PermanentError, StateConflict, TransientError
from ..logs import register_secret
from ..observability.events import webhook_delivery
from .export import retry_wait
from .transitions import reason, record

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
STATES = tuple(s.value for s in Status)
ROUND_SIZE = 50
PRUNE_BATCH = 1000  # rows deleted per transaction: a year of rows never holds one long lock
SENDERS = 4


def add_subscriber(app, name: str, url: str, states: Iterable[str] = ("*",), owner: Optional[str] = None,
                   actor: str = "system", secret: Optional[str] = None) -> dict:
    """Register a subscriber; returns it with its signing secret (generated unless given),
    the only time the secret is shown. ``owner`` (a username) limits it to the documents that
    account delivered."""
    if not NAME.match(name or ""):
        raise PermanentError("a subscriber name is 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentError("the webhook URL must be an http:// or https:// URL with a host")
    if len(url) > 2000:
        raise PermanentError("the webhook URL is longer than 2000 characters")
    states = sorted({s.strip() for s in states if s.strip()}) or ["*"]
    unknown = [s for s in states if s != "*" and s not in STATES]
    if unknown:
        raise PermanentError(f"unknown state(s) {', '.join(unknown)}; the states are {', '.join(STATES)} (or * for all)")
    if secret is not None and len(secret) < 16:
        raise PermanentError("a webhook secret must be at least 16 characters")
    secret = secret or secrets.token_urlsafe(32)
    with app.uow.begin() as tx:
        if tx.webhooks.subscriber(name) is not None:
            raise StateConflict(f"a subscriber named {name!r} exists already")
        owner_actor = None
        if owner:
            from ..adapters.db.accounts import AccountRepository

            if AccountRepository(tx.conn).user_by_name(owner) is None:
                raise NotFound(f"no account {owner!r} (the owner is the account whose uploads the subscriber follows)")
            owner_actor = f"user:{owner}"
        sid = tx.webhooks.add_subscriber(name, url, secret, states, owner_actor, actor)
        record(tx, None, step="webhook_subscribed", actor=actor, outcome=name,
               inputs={"subscriber": name, "destination": destination_label(url), "events": states, "owner": owner})
    return {"id": sid, "name": name, "url": destination_label(url), "events": states, "owner": owner, "secret": secret}


def list_subscribers(app) -> list[dict]:
    """Every subscriber, without its secret."""
    with app.uow.begin() as tx:
        rows = tx.webhooks.subscribers()
        dead = tx.webhooks.dead_by_subscriber()
    return [{"id": r["id"], "name": r["name"], "url": destination_label(r["url"]), "events": _states(r["events"]),
             "owner": (r["owner"] or "")[len("user:"):] or None, "created_by": r["created_by"], "created_at": str(r["created_at"]),
             "dead_deliveries": dead.get(r["id"], 0)} for r in rows]


def remove_subscriber(app, name: str, actor: str) -> None:
    """Remove a subscriber and its deliveries (audited)."""
    with app.uow.begin() as tx:
        row = tx.webhooks.subscriber(name)
        if row is None:
            raise NotFound(f"no webhook subscriber {name!r}")
        tx.webhooks.remove_subscriber(row["id"])
        record(tx, None, step="webhook_unsubscribed", actor=actor, outcome=name, inputs={"subscriber": name})


def _states(column: str) -> list[str]:
    return ["*"] if column == "*" else [s for s in column.split(",") if s]


def deliveries(app, state: Optional[str] = None, subscriber: Optional[str] = None, limit: int = 100) -> list[dict]:
    if state is not None and state not in DELIVERY_STATES:
        raise PermanentError(f"a delivery state is one of {', '.join(DELIVERY_STATES)}")
    with app.uow.begin() as tx:
        sid = None
        if subscriber:
            row = tx.webhooks.subscriber(subscriber)
            if row is None:
                raise NotFound(f"no webhook subscriber {subscriber!r}")
            sid = row["id"]
        rows = tx.webhooks.deliveries(state, sid, limit)
    return [{k: (str(v) if isinstance(v, datetime) else v) for k, v in r.items()} for r in rows]


# -- sending ---------------------------------------------------------------------------------
def deliver_due(app, now: Optional[datetime] = None, limit: int = ROUND_SIZE) -> dict[str, int]:
    """One round: claim up to ``limit`` due deliveries and send them (a few at a time).
    Returns how many ended delivered, retry and dead."""
    now = now or datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        due = tx.webhooks.due_ids(now, limit)
    lease_until = now + timedelta(seconds=app.settings.lease_s + app.settings.webhook_timeout_s)
    claimed = []
    for delivery_id in due:
        with app.uow.begin() as tx:
            if tx.webhooks.claim(delivery_id, now, lease_until):
                claimed.append(delivery_id)
    outcomes = {DELIVERED: 0, "retry": 0, DEAD: 0}
    if not claimed:
        return outcomes
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(claimed)), thread_name_prefix="webhook") as pool:
        for outcome in pool.map(lambda d: send_one(app, d, now), claimed):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def send_one(app, delivery_id: int, now: Optional[datetime] = None) -> str:
    """Send one claimed delivery and record what happened: ``delivered``, ``retry`` or
    ``dead`` (``skipped``: its subscriber was removed meanwhile)."""
    now = now or datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        row = tx.webhooks.delivery(delivery_id)
        subscriber = tx.webhooks.subscriber_by_id(row["subscriber_id"]) if row else None
    if row is None or subscriber is None or row["state"] != PENDING:
        return "skipped"
    register_secret(subscriber["secret"])  # never in a log line, whatever prints it
    log = app.log.bind(delivery_id=delivery_id, subscriber=subscriber["name"], document_id=row["document_id"])
    try:
        where = app.webhook_poster.post(subscriber["url"], subscriber["secret"], row["idempotency_key"], row["payload"],
                                        event=row["event_type"])
    except TransientError as exc:
        tries = row["attempts"] + 1
        if tries >= app.settings.webhook_max_attempts:
            return _dead(app, delivery_id, f"{exc} (after {tries} tries, the retry budget)", log)
        retry_at = now + timedelta(seconds=retry_wait(exc, row["attempts"], app.settings))
        with app.uow.begin() as tx:
            tx.webhooks.record_attempt(delivery_id, PENDING, str(exc), retry_at)
        log.warning("webhook_retry", attempt=tries, error=str(exc), next_attempt_at=retry_at.isoformat())
        webhook_delivery("retry")
        return "retry"
    except PermanentError as exc:
        return _dead(app, delivery_id, exc.reason, log)
    with app.uow.begin() as tx:
        tx.webhooks.record_attempt(delivery_id, DELIVERED, None)
    log.info("webhook_delivered", attempt=row["attempts"] + 1, destination=where)
    webhook_delivery("delivered")
    return DELIVERED


def _dead(app, delivery_id: int, why: str, log) -> str:
    with app.uow.begin() as tx:
        tx.webhooks.record_attempt(delivery_id, DEAD, why)
    log.warning("webhook_dead", error=why, runbook="runbooks/webhook-dead.md")
    webhook_delivery("dead")
    return DEAD


def replay(app, delivery_ids: Iterable[int], actor: str) -> list[str]:
    """Send dead (or backing-off) deliveries again now, on their own rows (same key and
    payload, attempts reset), audited with who asked. Returns one line per id."""
    lines = []
    for delivery_id in delivery_ids:
        with app.uow.begin() as tx:
            row = tx.webhooks.delivery(delivery_id)
            if row is None:
                raise NotFound(f"no webhook delivery {delivery_id}")
            if not tx.webhooks.reset(delivery_id):
                raise StateConflict(f"webhook delivery {delivery_id} was delivered already; only dead or pending ones are replayed")
            doc = tx.documents.get(row["document_id"]) if row["document_id"] is not None else None
            record(tx, doc, step="webhook_replay", actor=actor, outcome=row["state"],
                   reasons=[reason("webhook_replayed", f"delivery {delivery_id} replayed after: {row['last_error'] or 'a delay'}")],
                   inputs={"delivery_id": delivery_id, "idempotency_key": row["idempotency_key"]})
        now = datetime.now(timezone.utc)
        with app.uow.begin() as tx:
            claimed = tx.webhooks.claim(delivery_id, now, now + timedelta(seconds=app.settings.lease_s))
        outcome = send_one(app, delivery_id, now) if claimed else "taken by a running dispatcher"
        lines.append(f"delivery {delivery_id}: {outcome}")
    return lines


def dead_ids(app, subscriber: Optional[str] = None, limit: int = 10_000) -> list[int]:
    return [d["id"] for d in deliveries(app, DEAD, subscriber, limit)]


def prune_deliveries(app, now: Optional[datetime] = None, batch: int = PRUNE_BATCH) -> int:
    """Delete delivered deliveries older than the keep days and dead ones older than the
    dead keep days, ``batch`` rows per transaction; returns how many went. The audit trail
    keeps the state changes themselves: these rows are only the notifications' outbox."""
    now = now or datetime.now(timezone.utc)
    delivered_before = now - timedelta(days=app.settings.webhook_keep_days)
    dead_before = now - timedelta(days=app.settings.webhook_dead_keep_days)
    pruned = 0
    while True:
        with app.uow.begin() as tx:
            gone = tx.webhooks.prune(delivered_before, dead_before, batch)
        pruned += gone
        if gone < batch:
            break
    if pruned:
        app.log.info("webhook_deliveries_pruned", pruned=pruned)
    return pruned
