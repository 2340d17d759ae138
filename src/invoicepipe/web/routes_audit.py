"""The controller's pages: audit search, CSV export, chain verification, a document's
trail and the "why" view. Controllers and admins only."""

from __future__ import annotations

from datetime import datetime, timezone
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ..errors import PermanentError
from ..services import audit as audit_service
from ..services.audit_search import AuditFilters, export_csv, parse_date, search, why
from ..services.queries import show
from ..services.users import User
from .auth import CONTROLLER
from .templating import render

router = APIRouter(include_in_schema=False)
PAGE = 100


def audit_filters(date_from: str = "", date_to: str = "", vendor: str = "", document: str = "", actor: str = "",
                  action: str = "", outcome: str = "", policy_version: str = "", invoice_number: str = "") -> AuditFilters:
    """Query parameters as filters; a malformed date or document number is a 422 with the reason."""
    document = document.strip().lstrip("#")
    if document and not document.isdigit():
        raise PermanentError(f"document: {document!r} is not a document number")
    return AuditFilters(date_from=parse_date(date_from, "from"), date_to=parse_date(date_to, "to"), vendor=vendor.strip() or None,
                        document_id=int(document) if document else None, actor=actor.strip() or None, action=action or None,
                        outcome=outcome.strip() or None, policy_version=policy_version.strip() or None,
                        invoice_number=invoice_number.strip()[:100] or None)


def csv_response(request: Request, filters: AuditFilters) -> StreamingResponse:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(export_csv(request.app.state.core, filters), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="invoicepipe-audit-{stamp}.csv"'})


@router.get("/audit")
def audit_page(request: Request, page: int = 1, filters: AuditFilters = Depends(audit_filters), user: User = Depends(CONTROLLER)):
    page = max(1, page)
    result = search(request.app.state.core, filters, limit=PAGE, offset=(page - 1) * PAGE)
    pages = max(1, -(-result["total"] // PAGE))
    form = {"date_from": filters.date_from or "", "date_to": filters.date_to or "", "vendor": filters.vendor or "",
            "document": filters.document_id or "", "actor": filters.actor or "", "action": filters.action or "",
            "outcome": filters.outcome or "", "policy_version": filters.policy_version or "",
            "invoice_number": filters.invoice_number or ""}
    return render(request, "audit.html", result=result, form=form, page=page, pages=pages)


@router.get("/audit/export.csv")
def audit_csv(request: Request, filters: AuditFilters = Depends(audit_filters), user: User = Depends(CONTROLLER)):
    return csv_response(request, filters)


@router.get("/audit/verify")
def audit_verify(request: Request, user: User = Depends(CONTROLLER)):
    result = audit_service.verify(request.app.state.core)
    return render(request, "verify.html", result=result, checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


@router.get("/documents/{doc_id}/trail")
def trail_page(request: Request, doc_id: int, user: User = Depends(CONTROLLER)):
    core = request.app.state.core
    return render(request, "trail.html", doc=show(core, doc_id), events=audit_service.trail(core, doc_id))


@router.get("/documents/{doc_id}/why")
def why_page(request: Request, doc_id: int, user: User = Depends(CONTROLLER)):
    return render(request, "why.html", why=why(request.app.state.core, doc_id))
