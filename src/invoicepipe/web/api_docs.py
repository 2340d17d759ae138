"""Interactive API documentation served by the app itself.

FastAPI's own /docs page loads Swagger UI from a CDN, which the content security policy
(script-src 'self') forbids and an offline installation cannot reach. The Swagger UI 5 files
(OpenAPI 3.1, which FastAPI writes) ship inside the ``swagger-ui-py`` package and are served
from here; the page's only
script of its own is a static file, so the policy stays as strict as everywhere else.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>invoicepipe API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="/api/openapi.json"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>"""


@router.get("/api/docs")
def api_docs_page():
    return HTMLResponse(PAGE)


def install(web: FastAPI) -> bool:
    """Serve /api/docs when the bundle is installed (the ``web`` extra); False without it."""
    try:
        import swagger_ui
    except ImportError:
        return False
    assets = Path(swagger_ui.__file__).parent / "static"
    web.mount("/api/docs/assets", StaticFiles(directory=str(assets)), name="api-docs-assets")
    web.include_router(router)
    return True
