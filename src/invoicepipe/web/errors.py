"""The only place errors become HTTP: NotFound 404, StateConflict 409, bad input 422 with
its reason, not logged in 401 (a browser is sent to the login page), not allowed 403, too
many logins 429, a database or broker hiccup 503, our own storage full or read-only 503 (logged
at error: it needs an operator, not patience). JSON under /api, a page elsewhere."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import GateRefused, NotFound, PermanentError, StateConflict, StorageUnavailable, TransientError
from ..services.users import Forbidden, NotAuthenticated, TooManyAttempts
from .templating import render

STATUS = ((NotAuthenticated, 401), (TooManyAttempts, 429), (Forbidden, 403), (NotFound, 404), (GateRefused, 409), (StateConflict, 409),
          (PermanentError, 422), (TransientError, 503))
TITLES = {401: "Please log in", 403: "Not allowed", 404: "Not found", 409: "Changed by someone else", 413: "Too large",
          422: "Cannot accept this", 429: "Too many attempts", 503: "Temporarily unavailable"}


def status_for(exc: Exception) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str):
    if wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return render(request, "error.html", status=status, title=TITLES.get(status, "Error"), message=message)


def install_error_handlers(web: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception):
        status = status_for(exc)
        message = getattr(exc, "reason", None) or str(exc)
        if isinstance(exc, StorageUnavailable):
            request.app.state.core.log.error("web_storage_unavailable", path=request.url.path, error=message)
        elif status == 503:
            request.app.state.core.log.warning("web_unavailable", path=request.url.path, error=repr(exc))
        return error_response(request, status, message)

    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code, str(exc.detail))

    async def validation_error(request: Request, exc: RequestValidationError):
        if wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors(), custom_encoder={bytes: repr})}, status_code=422)
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
        return error_response(request, 422, problems or "the request is not valid")

    for kind, _ in STATUS:
        web.add_exception_handler(kind, domain_error)
    web.add_exception_handler(StarletteHTTPException, http_error)
    web.add_exception_handler(RequestValidationError, validation_error)
