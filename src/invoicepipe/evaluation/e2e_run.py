"""Feeding a labelled set through the real pipeline, one document at a time, in-process.

Each document is ingested by ``services.ingest`` (identical bytes become a re-arrival, as
in production) and every step the services enqueue is then run in this thread, in the
order sent, until nothing is left: the document has settled before the next one arrives.
Steps are looked up by the name the enqueuer receives among the actors the runtime
declares (``actors.declare_actors``), so renamed or merged steps need no change here.
"""

from __future__ import annotations

import inspect
import time
from collections import deque
from typing import Callable, Optional

from ..errors import PermanentError, TransientError
from ..services.ingest import ingest_bytes
from .e2e_set import Arrival

ACTOR = "system:eval-e2e"
MAX_STEPS_PER_DOCUMENT = 60  # a step loop that never settles is reported, not run forever
TRANSIENT_ATTEMPTS = 3


class StepRecorder:
    """The enqueue port: keeps what the services send, in order, for ``settle`` to run."""

    def __init__(self):
        self.pending: deque = deque()
        self.sent: list[tuple[str, int]] = []

    def send(self, step: str, document_id: int, delay_ms: Optional[int] = None) -> None:
        self.pending.append((step, document_id))
        self.sent.append((step, document_id))


def step_handlers(app) -> dict[str, Callable[[int], None]]:
    """step name -> a callable running that step on a document id, as a worker would."""
    from ..actors import declare_actors

    return {name: actor.fn for name, actor in declare_actors(app).items()}


def _run_step(handler: Callable[[int], None], document_id: int) -> Optional[str]:
    for attempt in range(TRANSIENT_ATTEMPTS):
        try:
            handler(document_id)
            return None
        except TransientError as exc:  # a worker would retry with backoff
            if attempt == TRANSIENT_ATTEMPTS - 1:
                return f"transient error persisted: {exc}"
        except PermanentError as exc:
            return f"permanent error: {exc}"
        except Exception as exc:  # the step crashed; report it on the document, keep evaluating
            return f"{type(exc).__name__}: {exc}"
    return None


def settle(recorder: StepRecorder, handlers: dict) -> list[str]:
    """Run queued steps until none is left; returns the errors met on the way."""
    errors, steps = [], 0
    while recorder.pending:
        step, document_id = recorder.pending.popleft()
        steps += 1
        if steps > MAX_STEPS_PER_DOCUMENT:
            errors.append(f"still sending steps after {MAX_STEPS_PER_DOCUMENT}; stopped")
            recorder.pending.clear()
            break
        handler = handlers.get(step)
        if handler is None:
            errors.append(f"no actor for step {step!r}")
            continue
        error = _run_step(handler, document_id)
        if error:
            errors.append(f"{step}: {error}")
    return errors


def newest_decision(app, document_id: int) -> Optional[dict]:
    """The newest row of the decisions table for the document, whatever its stage."""
    with app.uow.begin() as tx:
        rows = tx.documents.decisions(document_id)
    return max(rows, key=lambda d: d["id"]) if rows else None


def status_of(app, document_id: int) -> str:
    with app.uow.begin() as tx:
        return tx.documents.require(document_id).status.value


def paid_total(app, document_id: int) -> Optional[str]:
    """The total in the outbox payload (what the payable export carries), if there is one."""
    with app.uow.begin() as tx:
        entry = tx.documents.outbox_entry(document_id)
    payload = (entry or {}).get("payload") or {}
    return None if payload.get("total") is None else str(payload["total"])


def apply_review(app, document_id: int, action: Optional[dict]) -> Optional[str]:
    """Apply a labelled reviewer action to a document in review; what happened, in words."""
    if not action:
        return None
    from ..services import review
    from ..services.users import User

    with app.uow.begin() as tx:
        doc = tx.documents.require(document_id)
    if doc.status.value != "needs_review":
        return f"skipped: {doc.status.value}, not in review"
    user = User(id=0, username="eval-reviewer", role=action.get("role", "controller"))
    name = action.get("action")
    overrides = ()
    if name == "approve" and action.get("note"):
        # An approval with a note overrides, with that note, what the person's role may
        # override; the payment gate judges each (and refuses what it may not release).
        from ..services.review_view import document_view

        # the labelled approval is the person's explicit, confirmed release (reasons.weighty)
        overrides = ({r["code"]: (r["digest"], action["note"], True) for r in document_view(app, document_id)["reasons"]},)
    calls = {"approve": (getattr(review, "approve", None), overrides),
             "reject": (getattr(review, "reject", None), (action.get("note") or "rejected in evaluation",)),
             "correct": (getattr(review, "correct", None), (action.get("values") or {},))}
    fn, extra = calls.get(name, (None, ()))
    if fn is None:
        return f"skipped: no review function for {name!r}"
    try:
        inspect.signature(fn).bind(app, user, document_id, doc.version, *extra)
    except TypeError:
        return f"skipped: review.{name} takes other arguments now"
    try:
        fn(app, user, document_id, doc.version, *extra)
    except Exception as exc:  # a refusal (role, conflict) is a result, not a crash of the eval
        return f"refused: {type(exc).__name__}: {exc}"
    return name


def run_arrival(app, recorder: StepRecorder, handlers: dict, arrival: Arrival, doc_names: dict[int, str]) -> dict:
    """Ingest one document, settle it, read its decision, apply the reviewer action, settle again."""
    started = time.perf_counter()
    outcome = ingest_bytes(app, arrival.path.read_bytes(), arrival.path.name, arrival.channel, ACTOR)
    doc = outcome.documents[0]  # an e-mail would split into several; labelled sets hold one document per file
    errors = settle(recorder, handlers)
    document_id, re_arrival = doc["id"], not doc["new"]
    doc_names.setdefault(document_id, arrival.name)
    decision = newest_decision(app, document_id)
    reasons = list((decision or {}).get("reasons") or [])
    if re_arrival:
        linked = doc_names[document_id]
    else:
        dup = next((r for r in reasons if r.get("code") == "duplicate_suspected"), None)
        original = ((dup or {}).get("evidence") or {}).get("original_id")
        linked = doc_names.get(original, f"document {original}") if original is not None else None
    settled = status_of(app, document_id)
    review_note = None
    if not re_arrival:
        review_note = apply_review(app, document_id, arrival.reviewer_action)
        errors += settle(recorder, handlers)
    return {
        "name": arrival.name, "scenario": arrival.scenario, "kind": arrival.kind, "form": arrival.form,
        "channel": arrival.channel, "expected_outcome": arrival.expected_outcome,
        "expected_reasons": list(arrival.expected_reasons), "duplicate_of": arrival.duplicate_of, "truth_total": arrival.total,
        "document_id": document_id, "re_arrival": re_arrival, "settled_status": settled,
        "decision_stage": (decision or {}).get("stage"), "reasons": [r.get("code") for r in reasons], "linked": linked,
        "review": review_note, "errors": errors, "seconds": round(time.perf_counter() - started, 3),
        "final_status": settled, "paid_total": None,
    }


def run_set(app, arrivals, progress: Optional[Callable[[int, dict], None]] = None) -> list[dict]:
    """Every arrival in order; final statuses and paid totals are read once all have arrived."""
    recorder = StepRecorder()
    app.enqueuer = recorder
    handlers = step_handlers(app)
    doc_names: dict[int, str] = {}
    results = []
    for n, arrival in enumerate(arrivals, start=1):
        result = run_arrival(app, recorder, handlers, arrival, doc_names)
        results.append(result)
        if progress:
            progress(n, result)
    for r in results:
        r["final_status"] = status_of(app, r["document_id"])
        r["paid_total"] = paid_total(app, r["document_id"])
    return results
