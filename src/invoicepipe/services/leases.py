"""Work leases: a worker's claim on a document while it works outside a transaction.

The lease is taken in the transaction that moves the document into progress (``move(…,
holder=owner, lease_owner=owner, lease_expires_at=…)``), renewed by a heartbeat thread
while the work runs, and released by the transaction that records the outcome. Another
worker's step, and the sweeper, leave a document with a live lease alone; a lease that
expired means its worker died or froze, and the sweeper re-sends the step.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone


def new_owner(actor: str) -> str:
    """A lease owner unique to this attempt: a redelivered message is another attempt."""
    return f"{actor}#{uuid.uuid4().hex[:8]}"[:200]


def lease_until(app) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=app.settings.lease_s)


def lease_columns(app, owner: str) -> dict:
    """The columns a move into progress sets to take the lease."""
    return {"lease_owner": owner, "lease_expires_at": lease_until(app)}


RELEASED = {"lease_owner": None, "lease_expires_at": None}


class Heartbeat:
    """Renews ``owner``'s lease on a document every third of the lease while the ``with``
    block runs (the parse waits for its child meanwhile). A renewal that finds the lease
    gone is logged: the sweeper gave the work to someone else, whose commit will win."""

    def __init__(self, app, document_id: int, owner: str):
        self.app, self.document_id, self.owner = app, document_id, owner
        self.interval = max(0.05, app.settings.lease_s / 3)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{document_id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self.app.uow.begin() as tx:
                    held = tx.documents.renew_lease(self.document_id, self.owner, lease_until(self.app))
            except Exception as exc:  # noqa: BLE001 - a missed beat is retried at the next one
                self.app.log.warning("lease_renewal_failed", document_id=self.document_id, error=repr(exc))
                continue
            if not held:
                self.app.log.warning("lease_lost", document_id=self.document_id, owner=self.owner)
                return

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def release(app, document_id: int, owner: str) -> None:
    """Give the lease up after a failure that leaves the document where it was (the retry,
    or the sweeper, may start at once)."""
    with app.uow.begin() as tx:
        tx.documents.release_lease(document_id, owner)
