"""The reviewer's pages: the queue, the document view, page images and the review actions.

After an action the reviewer lands on the next document of the same (filtered) queue, so a
clerk can work through it from the keyboard. A refused action re-renders the document as
it is now, with the reason and the matching status (403, 409 or 422).
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from ..adapters.db.documents import extraction_from_json
from ..domain.typed_input import UNKNOWN, Convention
from ..errors import NotFound, PermanentError, StateConflict
from ..services import review
from ..services import review_lines, review_work
from ..services.review_queue import SORTS, QueueFilters, neighbours, review_queue
from ..services.review_view import document_view
from ..services.users import Forbidden, User
from .auth import REVIEWER, SAFE_METHODS
from .errors import status_for
from .locale import convention_for, request_locale
from .templating import query_string, render

router = APIRouter(include_in_schema=False)
CHANNELS = ("email", "portal", "scan", "api")
DONE = {"approve": "approved", "correct": "corrected and sent to be checked again", "reject": "rejected",
        "duplicate": "marked as a duplicate", "hold": "put on hold", "release": "taken off hold",
        "override": "had a finding overridden (it stays in review until approved)",
        "reopen": "reopened and sent to be checked again", "lines": "had its lines corrected and was sent to be checked again"}


def queue_filters(reason: str = "", vendor: str = "", channel: str = "", held: str = "", assignee: str = "",
                  sort: str = "") -> QueueFilters:
    return QueueFilters(reason=reason[:64] or None, vendor=vendor[:100] or None, channel=channel if channel in CHANNELS else None,
                        held=held if held in ("only", "none") else "", assignee=assignee.strip().lower().lstrip("@")[:64] or None,
                        sort=sort if sort in SORTS else "priority")


async def selected_documents(request: Request) -> list[tuple[int, int]]:
    """(id, version) of each ticked queue row (``doc`` values "id:version")."""
    if request.method in SAFE_METHODS:
        return []
    out = []
    for value in (await request.form()).getlist("doc"):
        doc_id, _, version = str(value).partition(":")
        if doc_id.isdigit() and version.isdigit():
            out.append((int(doc_id), int(version)))
    return out


async def form_fields(request: Request) -> dict:
    """The submitted form as a plain dict (empty for GET)."""
    if request.method in SAFE_METHODS:
        return {}
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _done(done: str, doc: Optional[int]) -> Optional[str]:
    return f"Document {doc} {DONE[done]}." if done in DONE and doc else None


@router.get("/")
def home():
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(request: Request, page: int = 1, done: str = "", doc: Optional[int] = None, notice: str = "",
               after: str = "", before: str = "", filters: QueueFilters = Depends(queue_filters), user: User = Depends(REVIEWER)):
    core, config = request.app.state.core, request.app.state.config
    data = review_queue(core, filters, page, sla_hours=config.review_sla_hours, me=user.username, after=after or None,
                        before=before or None)
    return render(request, "queue.html", queue=data, filters=filters, channels=CHANNELS, sorts=SORTS, notice=notice or _done(done, doc),
                  saved=review_work.saved_filters(core, user), mentions=review_work.mentions_of(core, user, limit=5))


def document_page_response(request: Request, doc_id: int, filters: QueueFilters, status: int = 200,
                           error: Optional[str] = None, notice: Optional[str] = None):
    core = request.app.state.core
    view = document_view(core, doc_id)
    user = request.state.user
    nav = neighbours(core, doc_id, filters, me=user.username)
    with core.uow.read() as tx:
        claim = review_work.live_claim(tx, doc_id)
    return render(request, "document.html", status=status, doc=view, nav=nav, filters=filters, error=error, notice=notice,
                  claim=claim, comments=review_work.comments(core, doc_id))


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: int, done: str = "", doc: Optional[int] = None, work: str = "",
                  filters: QueueFilters = Depends(queue_filters), user: User = Depends(REVIEWER)):
    notice = f"Document {doc_id} {WORK[work]}." if work in WORK else _done(done, doc)
    return document_page_response(request, doc_id, filters, notice=notice)


@router.get("/documents/{doc_id}/pages/{page}.png")
def page_image(request: Request, doc_id: int, page: int, scale: float = 2.0, user: User = Depends(REVIEWER)):
    core = request.app.state.core
    with core.uow.read() as tx:
        doc = tx.documents.require(doc_id)
    data, media_type = request.app.state.pages.image(doc.sha256, doc.media_type or "", page, scale)
    # Content-addressed: the bytes behind this URL never change, so the browser may keep them.
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=86400"})


def _original_id(form: dict) -> int:
    raw = (form.get("original_id") or "").strip().lstrip("#")
    if not raw.isdigit():
        raise PermanentError("give the number of the original document")
    return int(raw)


def approval_overrides(form: dict) -> dict[str, tuple[str, str, bool]]:
    """``override_<code>`` (the note) with ``digest_<code>`` (the finding as the person saw
    it) and ``confirm_<code>`` (the explicit confirmation a weighty finding needs)."""
    return {k[len("override_"):]: (form.get(f"digest_{k[len('override_'):]}", ""), v, form.get(f"confirm_{k[len('override_'):]}") == "1")
            for k, v in form.items() if k.startswith("override_") and (v or "").strip()}


def typed_fields(form: dict) -> dict[str, str]:
    return {k[len("field_"):]: v for k, v in form.items() if k.startswith("field_")}


def confirmation_page(request: Request, doc_id: int, version: str, form: dict, convention: Convention):
    """Amounts and dates typed in a local form are shown back as they will be stored, before
    anything is saved: "12,50" read as 1250.00 must be caught by the person who typed it.
    None when every typed value is already in its stored form (nothing to confirm)."""
    core = request.app.state.core
    with core.uow.read() as tx:
        row = tx.documents.latest_extraction(doc_id)
        currency = ((row or {}).get("fields") or {}).get("currency", {}).get("value")
    extraction = extraction_from_json(row) if row else None
    values = typed_fields(form)
    readings = review.read_back(extraction, values, convention)
    if not readings:
        return None
    stored = {**values, **{r["field"]: r["read"] for r in readings}}
    return render(request, "confirm_values.html", doc_id=doc_id, version=version, readings=readings, values=stored,
                  currency=currency, back=query_string(queue_filters_query(request)))


def queue_filters_query(request: Request) -> dict:
    return {k: v for k, v in request.query_params.items() if k in ("reason", "vendor", "channel", "held")}


LINE_FIELDS = ("index", "description", "sku", "quantity", "unit_price", "amount", "remove")


def line_rows(form: dict) -> list[dict]:
    """``line_<n>_<field>`` inputs as rows in the order of n (rows added in the page get new n)."""
    rows: dict[int, dict] = {}
    for key, value in form.items():
        number, _, name = key[len("line_"):].partition("_") if key.startswith("line_") else ("", "", "")
        if number.isdigit() and name in LINE_FIELDS:
            rows.setdefault(int(number), {})[name] = value
    return [rows[n] for n in sorted(rows)]


def run_action(core, user: User, action: str, doc_id: int, version: int, form: dict,
               convention: Convention = UNKNOWN) -> dict:
    """Dispatch one review action with its form inputs (shared by the page and the API);
    ``convention`` is how the person writes amounts and dates."""
    if action == "approve":
        return review.approve(core, user, doc_id, version, approval_overrides(form))
    if action == "override":
        return review.override(core, user, doc_id, version, form.get("code", ""), form.get("digest", ""), form.get("note", ""),
                               confirmed=form.get("confirm") == "1")
    if action == "reopen":
        return review.reopen(core, user, doc_id, version, form.get("note", ""))
    if action == "lines":
        return review_lines.correct_lines(core, user, doc_id, version, line_rows(form), convention)
    if action == "correct":
        return review.correct(core, user, doc_id, version, typed_fields(form), convention)
    if action == "reject":
        return review.reject(core, user, doc_id, version, form.get("reason", ""))
    if action == "duplicate":
        return review.mark_duplicate(core, user, doc_id, version, _original_id(form))
    if action == "hold":
        return review.hold(core, user, doc_id, version, form.get("note", ""))
    if action == "release":
        return review.release(core, user, doc_id, version)
    raise NotFound(f"no action {action!r}")


@router.post("/documents/{doc_id}/{action}")
def act(request: Request, doc_id: int, action: str, user: User = Depends(REVIEWER),
        filters: QueueFilters = Depends(queue_filters), form: dict = Depends(form_fields)):
    core = request.app.state.core
    if action not in DONE:
        raise NotFound(f"no action {action!r}")
    version = form.get("version", "")
    if not version.isdigit():
        raise PermanentError("the form did not say which version of the document you saw; reload the page")
    convention = convention_for(request_locale(request))
    before = neighbours(core, doc_id, filters, me=user.username)
    try:
        if action == "correct" and form.get("confirmed") != "1":
            page = confirmation_page(request, doc_id, version, form, convention)
            if page is not None:
                return page
        run_action(core, user, action, doc_id, int(version), form, convention)
    except (StateConflict, PermanentError, Forbidden) as exc:
        message = getattr(exc, "reason", None) or str(exc)
        return document_page_response(request, doc_id, filters, status=status_for(exc), error=message)
    query = query_string(filters.query(), done=action, doc=doc_id)
    following = before["next"] or before["previous"]
    if action in ("hold", "release", "override", "reopen"):
        target = f"/documents/{doc_id}"
    else:
        target = f"/documents/{following}" if following else "/queue"
    return RedirectResponse(f"{target}?{query}", status_code=303)


# -- who works on what ------------------------------------------------------------------------------
WORK = {"claim": "claimed by you", "take-over": "taken over by you", "unclaim": "given back", "assign": "assigned",
        "comment": "commented on"}


@router.post("/documents/{doc_id}/work/{action}")
def work(request: Request, doc_id: int, action: str, user: User = Depends(REVIEWER),
         filters: QueueFilters = Depends(queue_filters), form: dict = Depends(form_fields)):
    """Claim, take over, give back, assign or comment; back to the document with a notice."""
    core = request.app.state.core
    try:
        if action in ("claim", "take-over"):
            review_work.claim(core, user, doc_id, take_over=action == "take-over")
        elif action == "unclaim":
            review_work.unclaim(core, user, doc_id)
        elif action == "assign":
            review_work.assign(core, user, doc_id, form.get("username", ""))
        elif action == "comment":
            review_work.comment(core, user, doc_id, form.get("body", ""))
        else:
            raise NotFound(f"no action {action!r}")
    except (StateConflict, PermanentError, Forbidden) as exc:
        return document_page_response(request, doc_id, filters, status=status_for(exc), error=str(exc))
    return RedirectResponse(f"/documents/{doc_id}?{query_string(filters.query(), work=action)}", status_code=303)


@router.post("/queue/bulk")
def bulk(request: Request, user: User = Depends(REVIEWER), filters: QueueFilters = Depends(queue_filters),
         form: dict = Depends(form_fields), selected: list = Depends(selected_documents)):
    """One action on every selected document (assign, hold, reject with a reason), each in its
    own transaction at the version the person saw; what could not be done is listed."""
    core = request.app.state.core
    action = form.get("bulk_action", "")
    if action not in ("assign", "hold", "reject"):
        raise PermanentError("choose assign, hold or reject")
    if not selected:
        raise PermanentError("select at least one document")
    done, refused = 0, []
    for doc_id, version in selected[:200]:
        try:
            if action == "assign":
                review_work.assign(core, user, doc_id, form.get("username", ""))
            elif action == "hold":
                review.hold(core, user, doc_id, version, form.get("note", ""))
            else:
                review.reject(core, user, doc_id, version, form.get("note", ""))
            done += 1
        except (StateConflict, PermanentError, Forbidden) as exc:
            refused.append(f"#{doc_id}: {exc}")
    notice = f"{action}: {done} of {len(selected)} done" + (f"; not done: {' | '.join(refused)[:600]}" if refused else "")
    return RedirectResponse(f"/queue?{query_string(filters.query(), notice=notice)}", status_code=303)


@router.post("/queue/filters")
def save_filter(request: Request, user: User = Depends(REVIEWER), form: dict = Depends(form_fields)):
    core = request.app.state.core
    if form.get("delete", "").isdigit():
        review_work.delete_filter(core, user, int(form["delete"]))
    else:
        review_work.save_filter(core, user, form.get("name", ""), form.get("query", ""))
    return RedirectResponse("/queue" if form.get("delete") else f"/queue?{review_work.clean_query(form.get('query', ''))}",
                            status_code=303)
