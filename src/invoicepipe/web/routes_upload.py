"""The portal upload page: files go through the same ingest as the drop folder, and bad
input is shown with its reason (it is still recorded, as a rejected document)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from ..domain.names import safe_name
from ..errors import PermanentError
from ..services.ingest import ingest_bytes
from ..services.users import User
from .auth import REVIEWER, SAFE_METHODS
from .templating import query_string, render

router = APIRouter(include_in_schema=False)


async def uploaded_files(request: Request) -> list[tuple[str, bytes]]:
    """(filename, bytes) of every file in the form, read after the size check in the middleware."""
    if request.method in SAFE_METHODS:
        return []
    form = await request.form()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    return [(f.filename or "upload", await f.read()) for f in files]


def ingest_uploads(core, files: list[tuple[str, bytes]], channel: str, actor: str, max_bytes: int) -> list[dict]:
    """Ingest each upload; one row per resulting document with its status and reason."""
    if not files:
        raise PermanentError("choose at least one file to upload")
    rows = []
    for name, data in files:
        if len(data) > max_bytes:
            raise PermanentError(f"{safe_name(name)} is larger than {max_bytes // (1024 * 1024)} MB")
        result = ingest_bytes(core, data, name[:200], channel, actor)
        rows += [{"filename": result.filename, **d} for d in result.documents]
    return rows


MAX_SHOWN = 50


def _ids(raw: str) -> list[int]:
    return [int(x) for x in raw.split(",")[:MAX_SHOWN] if x.isdigit()]


@router.get("/upload")
def upload_form(request: Request, new: str = "", known: str = "", user: User = Depends(REVIEWER)):
    """The form, and after an upload the documents it made (their state now)."""
    shown = [(i, True) for i in _ids(new)] + [(i, False) for i in _ids(known)]
    results = []
    if shown:
        with request.app.state.core.uow.read() as tx:
            for doc_id, is_new in shown:
                doc = tx.documents.get(doc_id)
                if doc is not None:
                    results.append({"id": doc.id, "filename": doc.filename, "status": doc.status.value, "reason": doc.reason, "new": is_new})
    return render(request, "upload.html", results=results or None)


@router.post("/upload")
def upload_submit(request: Request, user: User = Depends(REVIEWER), files: list = Depends(uploaded_files)):
    """Ingest, then redirect to the result (post/redirect/get): reloading the result page
    shows it again instead of submitting the files a second time."""
    core = request.app.state.core
    results = ingest_uploads(core, files, "portal", user.actor, request.app.state.config.max_upload_bytes)
    new = ",".join(str(r["id"]) for r in results if r["new"])
    known = ",".join(str(r["id"]) for r in results if not r["new"])
    return RedirectResponse(f"/upload?{query_string(new=new, known=known)}", status_code=303)
