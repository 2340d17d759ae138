"""Work leases: a worker's claim on a document while it works outside a transaction.

The lease is taken in the transaction that moves the document into progress (``move(…,
holder=owner, lease_owner=owner, lease_expires_at=…)``), renewed by the process's lease keeper
thread while the work runs, and released by the transaction that records the outcome. Another
worker's step, and the sweeper, leave a document with a live lease alone; a lease that
expired means its worker died or froze, and the sweeper re-sends the step.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Optional


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
    """Keeps ``owner``'s lease on a document alive while the ``with`` block runs (the parse
    waits for its child meanwhile): renewed every third of the lease, each lease on its own
    clock from the moment it was taken, by the process's one ``LeaseKeeper`` thread. A
    renewal that finds the lease gone is logged: the sweeper gave the work to someone else,
    whose commit will win."""

    def __init__(self, app, document_id: int, owner: str):
        self.app, self.document_id, self.owner = app, document_id, owner

    def __enter__(self) -> "Heartbeat":
        keeper().hold(self)
        return self

    def __exit__(self, *exc_info) -> None:
        # returns once no renewal of this lease is in flight: the caller's commit that
        # releases the lease is never followed by a renewal logged as a lost lease
        keeper().drop(self)

    def interval(self) -> float:
        # read on every beat: the lease length is the app's setting of the moment
        return max(0.05, self.app.settings.lease_s / 3)

    def renew(self, tx) -> bool:
        return tx.documents.renew_lease(self.document_id, self.owner, lease_until(self.app))


class LeaseKeeper:
    """One thread per process renewing every lease held in it.

    A thread started and joined per parse was about 5 % of a pipeline worker's CPU for
    digital invoices, whose parse ends long before the first renewal is due (a third of a
    60 s lease). The keeper's thread is started with the first lease and sleeps until the
    next lease is due, or until one is taken while none is held; leases of one app due
    together are renewed in one transaction, each by its own owner (a lease stays per
    document: the sweeper reads each one's expiry)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._due: dict[Heartbeat, float] = {}  # held lease -> monotonic time of its next renewal
        self._renewing: set[Heartbeat] = set()
        self._thread: Optional[threading.Thread] = None

    def hold(self, beat: Heartbeat) -> None:
        with self._cond:
            self._due[beat] = time.monotonic() + beat.interval()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def drop(self, beat: Heartbeat) -> None:
        with self._cond:
            while beat in self._renewing:
                self._cond.wait()
            self._due.pop(beat, None)

    def held(self) -> int:
        with self._cond:
            return len(self._due)

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                due = [b for b, at in self._due.items() if at <= now]
                if not due:
                    self._cond.wait(min(self._due.values()) - now if self._due else None)
                    continue
                self._renewing.update(due)
            try:
                self._renew(due)
            finally:
                with self._cond:
                    self._renewing.difference_update(due)
                    self._cond.notify_all()

    def _renew(self, due: list[Heartbeat]) -> None:
        by_app: dict[int, list[Heartbeat]] = {}
        for beat in due:
            by_app.setdefault(id(beat.app), []).append(beat)
        for beats in by_app.values():
            app, lost = beats[0].app, []
            try:
                with app.uow.begin() as tx:
                    lost = [b for b in beats if not b.renew(tx)]
            except Exception as exc:  # noqa: BLE001 - a missed beat is retried at the next one
                app.log.warning("lease_renewal_failed", document_ids=[b.document_id for b in beats], error=repr(exc))
            with self._cond:
                for beat in beats:
                    if beat in lost:
                        self._due.pop(beat, None)  # not renewed again: the work is someone else's now
                    elif beat in self._due:
                        self._due[beat] = time.monotonic() + beat.interval()
            for beat in lost:
                app.log.warning("lease_lost", document_id=beat.document_id, owner=beat.owner)


_keeper: Optional[LeaseKeeper] = None
_keeper_pid = 0
_keeper_lock = threading.Lock()


def keeper() -> LeaseKeeper:
    """The process's lease keeper (a forked child gets a new one: threads do not survive a fork)."""
    global _keeper, _keeper_pid
    with _keeper_lock:
        if _keeper is None or _keeper_pid != os.getpid():
            _keeper, _keeper_pid = LeaseKeeper(), os.getpid()
        return _keeper


def release(app, document_id: int, owner: str) -> None:
    """Give the lease up after a failure that leaves the document where it was (the retry,
    or the sweeper, may start at once)."""
    with app.uow.begin() as tx:
        tx.documents.release_lease(document_id, owner)
