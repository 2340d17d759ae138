"""``/metrics``: Prometheus exposition of the pipeline (observability/), for the scraper.

Unauthenticated like ``/healthz``: it carries counts, ages and durations, never a document,
name or amount. Keep the port off the internet (the reverse proxy need not route it).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..observability.exposition import CONTENT_TYPE, MetricsEndpoint

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    endpoint = getattr(request.app.state, "metrics", None)
    if endpoint is None:  # built on first scrape: the collectors hold the App
        endpoint = request.app.state.metrics = MetricsEndpoint(request.app.state.core)
    return Response(endpoint.render(), media_type=CONTENT_TYPE)
