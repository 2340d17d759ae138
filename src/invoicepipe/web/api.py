"""The JSON API: everything the pages do, for scripts and other systems (see /api/openapi.json).

Authenticate with ``Authorization: Bearer <token>`` (``invoicepipe token add``), or with
the browser session cookie plus ``X-CSRF-Token`` on POSTs. Review actions carry the
document ``version`` that was read; a stale version is a 409 with the reason.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..domain.typed_input import UNKNOWN, Convention
from ..errors import PermanentError
from ..services import audit as audit_service
from ..services.audit_search import AuditFilters, search, why
from ..services.review_queue import QueueFilters, review_queue
from ..services.review_view import document_view
from ..services.document_search import search_documents
from ..services.submissions import submission_status
from ..services.users import User
from .auth import CONTROLLER, REVIEWER, UPLOADER
from .locale import named_convention
from .routes_audit import audit_filters, csv_response
from .routes_review import page_image, queue_filters, run_action
from .routes_search import api_filters
from .routes_upload import ingest_uploads

router = APIRouter(prefix="/api")


class Seen(BaseModel):
    version: int = Field(description="the document version the decision was made on (optimistic locking)")


class OverrideNote(BaseModel):
    digest: str = Field(description="the finding's digest as read from the document (it must still match)")
    note: str = Field(min_length=1, max_length=1000)
    confirm: bool = Field(False, description="required for bank, vendor, arithmetic and match findings (with a note of 15+ characters)")


class Approval(Seen):
    overrides: dict[str, OverrideNote] = Field(default_factory=dict, description=(
        "reason code -> override of that open finding; only codes the caller's role may override apply"))


class Override(Seen):
    code: str
    digest: str
    note: str = Field(min_length=1, max_length=1000)
    confirm: bool = Field(False, description="required for bank, vendor, arithmetic and match findings (with a note of 15+ characters)")


class Reopen(Seen):
    note: str = Field(min_length=1, max_length=1000)


class Correction(Seen):
    fields: dict[str, str] = Field(description="field name -> corrected value; an empty value removes the field")
    locale: Optional[str] = Field(None, max_length=35, description=(
        "how the values write amounts and dates (e.g. de-DE: 1.234,50 and 04.03.2026); without it an amount like 1.234 "
        "or a date like 03/04/2026 that reads two ways is refused (422), never guessed"))


class LineIn(BaseModel):
    index: Optional[int] = Field(None, description="the position of the machine's line this row edits (keeps its page box); none for a new line")
    description: str = Field("", max_length=1000)
    sku: Optional[str] = Field(None, max_length=64)
    quantity: Optional[str] = None
    unit_price: Optional[str] = None
    amount: Optional[str] = Field(None, description="blank: quantity x unit price")


class LinesCorrection(Seen):
    lines: list[LineIn] = Field(max_length=500, description="every line as it should be (lines left out are removed)")
    locale: Optional[str] = Field(None, max_length=35, description="how quantities and amounts are written, e.g. de-DE")


class Rejection(Seen):
    reason: str = Field(min_length=1, max_length=1000)


class DuplicateOf(Seen):
    original_id: int


class HoldNote(Seen):
    note: str = Field(min_length=1, max_length=1000)


class ActionResult(BaseModel):
    document_id: int
    status: str
    step: str
    audit_seq: int
    changes: Optional[dict] = None


class IngestedDocument(BaseModel):
    id: int
    filename: str
    status: str
    reason: Optional[str] = None
    new: bool
    href: str = Field(description="GET it to follow the document's state, decision and reasons")


class Me(BaseModel):
    username: str
    role: str
    csrf_token: Optional[str] = Field(None, description="with a session cookie: the token to send as X-CSRF-Token on POSTs")


@router.get("/me", response_model=Me, tags=["accounts"])
def me(request: Request, user: User = Depends(UPLOADER)):
    return Me(username=user.username, role=user.role, csrf_token=getattr(request.state, "csrf", None))


@router.get("/queue", tags=["review"], summary="The review queue in priority order, with counts per reason")
def api_queue(request: Request, page: int = 1, after: str = Query("", description="the `next` cursor of the previous page"),
              before: str = Query("", description="the `previous` cursor of the following page"),
              filters: QueueFilters = Depends(queue_filters), user: User = Depends(REVIEWER)):
    return review_queue(request.app.state.core, filters, page, sla_hours=request.app.state.config.review_sla_hours, me=user.username,
                        after=after or None, before=before or None)


@router.get("/documents/{doc_id}", tags=["review"], summary="A document with fields, pages, reasons, matching and duplicate")
def api_document(request: Request, doc_id: int, user: User = Depends(REVIEWER)):
    return document_view(request.app.state.core, doc_id)


@router.get("/documents/{doc_id}/pages/{page}.png", tags=["review"], summary="One page as PNG (scale 1, 2 or 3: 72, 144, 216 dpi)",
            responses={200: {"content": {"image/png": {}}}})
def api_page_image(request: Request, doc_id: int, page: int, scale: float = 2.0, user: User = Depends(REVIEWER)):
    return page_image(request, doc_id, page, scale, user)


def _act(request: Request, user: User, action: str, doc_id: int, body: Seen, form: dict,
         convention: Convention = UNKNOWN) -> ActionResult:
    return ActionResult(**run_action(request.app.state.core, user, action, doc_id, body.version, form, convention))


@router.post("/documents/{doc_id}/approve", response_model=ActionResult, tags=["review"],
             summary="Confirm the values and release for payment; 409 with the open reasons when the payment gate refuses")
def api_approve(request: Request, doc_id: int, body: Approval, user: User = Depends(REVIEWER)):
    form = {}
    for code, o in body.overrides.items():
        form[f"override_{code}"], form[f"digest_{code}"] = o.note, o.digest
        if o.confirm:
            form[f"confirm_{code}"] = "1"
    return _act(request, user, "approve", doc_id, body, form)


@router.post("/documents/{doc_id}/override", response_model=ActionResult, tags=["review"],
             summary="Override one open finding with a note (the role the reason registry names); the document stays in review")
def api_override(request: Request, doc_id: int, body: Override, user: User = Depends(REVIEWER)):
    return _act(request, user, "override", doc_id, body,
                {"code": body.code, "digest": body.digest, "note": body.note, "confirm": "1" if body.confirm else ""})


@router.post("/documents/{doc_id}/lines", response_model=ActionResult, tags=["review"],
             summary="Replace the line items (edit, add, remove, split) and check the invoice again")
def api_lines(request: Request, doc_id: int, body: LinesCorrection, user: User = Depends(REVIEWER)):
    convention = named_convention(body.locale)
    form = {}
    for n, line in enumerate(body.lines):
        for name, value in line.model_dump().items():
            if value is not None:
                form[f"line_{n}_{name}"] = str(value)
    return _act(request, user, "lines", doc_id, body, form, convention)


@router.post("/documents/{doc_id}/reopen", response_model=ActionResult, tags=["review"],
             summary="A controller reopens a rejected or duplicate document with a note; it is checked again from the start")
def api_reopen(request: Request, doc_id: int, body: Reopen, user: User = Depends(REVIEWER)):
    return _act(request, user, "reopen", doc_id, body, {"note": body.note})


@router.post("/documents/{doc_id}/correct", response_model=ActionResult, tags=["review"],
             summary="Store corrected fields (source review) and check the invoice again")
def api_correct(request: Request, doc_id: int, body: Correction, user: User = Depends(REVIEWER)):
    convention = named_convention(body.locale)
    return _act(request, user, "correct", doc_id, body, {f"field_{k}": v for k, v in body.fields.items()}, convention)


@router.post("/documents/{doc_id}/reject", response_model=ActionResult, tags=["review"])
def api_reject(request: Request, doc_id: int, body: Rejection, user: User = Depends(REVIEWER)):
    return _act(request, user, "reject", doc_id, body, {"reason": body.reason})


@router.post("/documents/{doc_id}/duplicate", response_model=ActionResult, tags=["review"])
def api_duplicate(request: Request, doc_id: int, body: DuplicateOf, user: User = Depends(REVIEWER)):
    return _act(request, user, "duplicate", doc_id, body, {"original_id": str(body.original_id)})


@router.post("/documents/{doc_id}/hold", response_model=ActionResult, tags=["review"])
def api_hold(request: Request, doc_id: int, body: HoldNote, user: User = Depends(REVIEWER)):
    return _act(request, user, "hold", doc_id, body, {"note": body.note})


@router.post("/documents/{doc_id}/release", response_model=ActionResult, tags=["review"])
def api_release(request: Request, doc_id: int, body: Seen, user: User = Depends(REVIEWER)):
    return _act(request, user, "release", doc_id, body, {})


@router.post("/invoices", status_code=201, response_model=list[IngestedDocument], tags=["ingest"],
             summary="Submit one invoice file (PDF, PNG, JPEG, TIFF, e-invoice XML (UBL, CII) or .eml)",
             responses={200: {"description": "these bytes were submitted before: the existing document, not a new one"},
                        422: {"description": "not an accepted file: it is recorded as rejected, with the reason"},
                        413: {"description": "larger than INVOICEPIPE_MAX_UPLOAD_MB"}})
async def api_ingest(request: Request, user: User = Depends(UPLOADER), file: UploadFile = File(...)):
    data = await file.read()
    rows = await run_in_threadpool(ingest_uploads, request.app.state.core, [(file.filename or "upload", data)], "api", user.actor,
                                   request.app.state.config.max_upload_bytes)
    documents = [IngestedDocument(id=r["id"], filename=r["filename"], status=r["status"], reason=r["reason"], new=r["new"],
                                  href=f"/api/invoices/{r['id']}").model_dump() for r in rows]
    rejected = [d for d in documents if d["status"] == "rejected"]
    if rejected:
        return JSONResponse({"detail": "; ".join(d["reason"] or "rejected" for d in rejected), "documents": documents}, status_code=422)
    # bytes already known are the existing document, not a new one: 200 with its id, 201 only when created
    created = any(d["new"] for d in documents)
    headers = {"Location": documents[0]["href"]} if created and len(documents) == 1 else {}
    return JSONResponse(documents, status_code=201 if created else 200, headers=headers)


@router.get("/invoices/{doc_id}", tags=["ingest"], summary="State, decision and reasons of a document you submitted",
            responses={404: {"description": "no such document, or not one submitted by the caller"}})
def api_submission(request: Request, doc_id: int, user: User = Depends(UPLOADER)):
    return submission_status(request.app.state.core, user, doc_id)


@router.get("/search", tags=["review"], summary="Find documents in any state (newest first; continue with before=next_before)")
def api_search(request: Request, before: Optional[int] = None, limit: int = Query(50, ge=1, le=200),
               number: Optional[str] = None, vendor: Optional[str] = None, amount_min: Optional[str] = None,
               amount_max: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
               po: Optional[str] = None, state: Optional[str] = None, filename: Optional[str] = None,
               locale: Optional[str] = Query(None, description="how amount_min/amount_max/date_* are written, e.g. de-DE"),
               user: User = Depends(REVIEWER)):
    filters = api_filters(request)
    if filters.empty():
        raise PermanentError("give at least one filter (number, vendor, amount_min, amount_max, date_from, date_to, po, state, filename)")
    return search_documents(request.app.state.core, filters, before, limit)


@router.get("/audit/events", tags=["audit"], summary="Search the audit log (newest first)")
def api_audit(request: Request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
              filters: AuditFilters = Depends(audit_filters), user: User = Depends(CONTROLLER)):
    return search(request.app.state.core, filters, limit=limit, offset=offset)


@router.get("/audit/events.csv", tags=["audit"], summary="The same search as CSV (oldest first)",
            responses={200: {"content": {"text/csv": {}}}})
def api_audit_csv(request: Request, filters: AuditFilters = Depends(audit_filters), user: User = Depends(CONTROLLER)):
    return csv_response(request, filters)


@router.get("/audit/verify", tags=["audit"], summary="Verify the hash chain of the whole audit log")
def api_verify(request: Request, user: User = Depends(CONTROLLER)):
    return audit_service.verify(request.app.state.core)


@router.get("/documents/{doc_id}/trail", tags=["audit"])
def api_trail(request: Request, doc_id: int, user: User = Depends(CONTROLLER)):
    return audit_service.trail(request.app.state.core, doc_id)


@router.get("/documents/{doc_id}/why", tags=["audit"], summary="The evidence behind one invoice's outcome")
def api_why(request: Request, doc_id: int, user: User = Depends(CONTROLLER)):
    return why(request.app.state.core, doc_id)
