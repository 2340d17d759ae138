"""The portal upload page: files go through the same ingest as the drop folder, and bad
input is shown with its reason (it is still recorded, as a rejected document)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from ..domain.names import safe_name
from ..errors import PermanentError
from ..services.ingest import ingest_bytes
from ..services.users import User
from .auth import REVIEWER, SAFE_METHODS
from .templating import render

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


@router.get("/upload")
def upload_form(request: Request, user: User = Depends(REVIEWER)):
    return render(request, "upload.html", results=None)


@router.post("/upload")
def upload_submit(request: Request, user: User = Depends(REVIEWER), files: list = Depends(uploaded_files)):
    core = request.app.state.core
    results = ingest_uploads(core, files, "portal", user.actor, request.app.state.config.max_upload_bytes)
    status = 422 if any(r["status"] == "rejected" for r in results) else 200
    return render(request, "upload.html", status=status, results=results)
