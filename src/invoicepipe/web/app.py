"""The web application factory: ``create_app(app)`` builds the FastAPI app around an App.

Nothing is built at import time; the pipeline's resources come in through the App that
``bootstrap()`` made. Pages are rendered on the server (Jinja2, autoescaped) with a little
plain JavaScript for the keyboard and zoom; the JSON API lives under /api.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from .. import __version__
from ..adapters.page_images import PageImages
from . import api, api_docs, api_webhooks, routes_admin, routes_audit, routes_auth, routes_metrics, routes_review, routes_search, routes_upload
from .access_log import AccessLogMiddleware
from .config import WebConfig
from .errors import install_error_handlers
from .security import SecurityMiddleware
from .templating import STATIC, make_templates

if TYPE_CHECKING:
    from ..bootstrap import App

DESCRIPTION = """Review queue, document review actions, portal ingest and the controller's audit queries.

Interactive documentation: `/api/docs`; this document: `/api/openapi.json`.

Authenticate with `Authorization: Bearer <token>` (create one with `invoicepipe token add NAME`), or with the
browser session cookie, in which case every POST must also send the `X-CSRF-Token` header."""


def create_app(app: "App", config: Optional[WebConfig] = None) -> FastAPI:
    """The FastAPI app serving the UI and the API for the pipeline ``app`` (from bootstrap())."""
    web = FastAPI(title="invoicepipe", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    web.state.core = app
    web.state.config = config or WebConfig.from_env()
    web.state.templates = make_templates()
    web.state.pages = PageImages(app.settings.var_dir / "pages", app.blobs)
    install_error_handlers(web)
    web.add_middleware(SecurityMiddleware, max_body=web.state.config.max_upload_bytes + 64 * 1024)
    # Outside the security middleware, so a request it refuses is logged too.
    web.add_middleware(AccessLogMiddleware, log=app.log)
    if web.state.config.trusted_proxies:
        # Added last, so it runs first: the client address and scheme it sets are what the
        # login limit, the Secure cookie and HSTS see. Only the configured proxies are believed.
        web.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(web.state.config.trusted_proxies))
    web.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (routes_auth, routes_review, routes_search, routes_upload, routes_audit, routes_admin, routes_metrics, api, api_webhooks):
        web.include_router(module.router)
    api_docs.install(web)

    @web.get("/healthz", include_in_schema=False)
    def healthz():
        """200 when the database answers; 503 otherwise (the web UI is useless without it)."""
        from fastapi.responses import JSONResponse
        from sqlalchemy import text

        try:
            with app.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means unhealthy
            return JSONResponse({"ok": False, "database": str(exc).splitlines()[0]}, status_code=503)
        return {"ok": True}

    return web
