"""The search page: any document in any state, by number, vendor, amount, dates, PO,
state or file name; each result opens the document and (for controllers) its "why"."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Request

from ..domain.models import Status
from ..errors import PermanentError
from ..services.document_search import SearchFilters, filters_from_text, search_documents
from ..services.users import User
from .auth import REVIEWER
from .locale import convention_for, named_convention, request_locale
from .templating import render

router = APIRouter(include_in_schema=False)
FIELDS = ("number", "vendor", "amount_min", "amount_max", "date_from", "date_to", "po", "state", "filename")


def typed_filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "") for k in FIELDS}


@router.get("/search")
def search_page(request: Request, before: Optional[int] = None, user: User = Depends(REVIEWER)):
    raw = typed_filters(request)
    try:
        filters = filters_from_text(convention_for(request_locale(request)), **raw)
    except PermanentError as exc:
        return render(request, "search.html", status=422, raw=raw, result=None, error=str(exc), states=[s.value for s in Status])
    result = None if filters.empty() else search_documents(request.app.state.core, filters, before)
    return render(request, "search.html", raw=raw, result=result, error=None, states=[s.value for s in Status])


def api_filters(request: Request) -> SearchFilters:
    """The API's filters; amounts and dates are read in the ``locale`` the caller names."""
    return filters_from_text(named_convention(request.query_params.get("locale")), **typed_filters(request))
