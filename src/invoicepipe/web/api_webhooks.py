"""The admin API for outgoing webhooks (admins only): subscribers, deliveries, replay.

A subscriber's signing secret is in the answer to the POST that made it and nowhere else.
"""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..services import webhooks
from ..services.users import User
from .auth import ADMIN

router = APIRouter(prefix="/api/admin/webhooks", tags=["webhooks"])


class SubscriberIn(BaseModel):
    name: str = Field(max_length=64, description="a short name, e.g. erp-status")
    url: str = Field(max_length=2000, description="the http(s) URL the signed POSTs go to")
    events: list[str] = Field(default_factory=lambda: ["*"], description="document states to be told of; * for all")
    owner: Optional[str] = Field(None, max_length=64, description="only documents this account delivered (default: every document)")
    secret: Optional[str] = Field(None, min_length=16, max_length=200, description="the signing secret; generated when omitted")


@router.get("", summary="Webhook subscribers (never their secrets)")
def api_subscribers(request: Request, user: User = Depends(ADMIN)):
    return webhooks.list_subscribers(request.app.state.core)


@router.post("", status_code=201, summary="Subscribe a URL to document state changes; the answer holds the signing secret, once")
def api_subscribe(request: Request, body: SubscriberIn, user: User = Depends(ADMIN)):
    made = webhooks.add_subscriber(request.app.state.core, body.name, body.url, body.events, body.owner, user.actor, body.secret)
    return JSONResponse(made, status_code=201, headers={"Cache-Control": "no-store"})


@router.delete("/{name}", status_code=204, summary="Unsubscribe (its deliveries are dropped)")
def api_unsubscribe(request: Request, name: str, user: User = Depends(ADMIN)):
    webhooks.remove_subscriber(request.app.state.core, name, user.actor)
    return Response(status_code=204)


@router.get("/deliveries", summary="Deliveries, newest first (state: pending, delivered, dead)")
def api_deliveries(request: Request, state: Optional[str] = None, subscriber: Optional[str] = None,
                   limit: int = Query(100, ge=1, le=1000), user: User = Depends(ADMIN)):
    return webhooks.deliveries(request.app.state.core, state, subscriber, limit)


@router.post("/deliveries/{delivery_id}/replay", summary="Send a dead (or backing-off) delivery again now, on its own row")
def api_replay(request: Request, delivery_id: int, user: User = Depends(ADMIN)):
    [line] = webhooks.replay(request.app.state.core, [delivery_id], user.actor)
    return {"delivery_id": delivery_id, "outcome": line.split(": ", 1)[1]}
